/** The embedded store (SQLite in WAL mode + content-addressed files) against the store contract, and what only it does. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReceiptSealer, loadAxisIdentity, verifyReceiptChain, type AxisIdentity } from '../../src/ledger/index.js';
import { openStore } from '../../src/store/open-store.js';
import { storeContract } from './contract.js';
import { bundle } from './records.js';

const run = promisify(execFile);

describe('embedded store: the store contract', () => {
  storeContract(async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'edx-store-embedded-'));
    return {
      open: (sealer) => openStore({ dataDir, sealer }),
      destroy: () => rm(dataDir, { recursive: true, force: true }),
    };
  });
});

describe('embedded store: on disk', () => {
  let identityDir: string;
  let identity: AxisIdentity;
  let dataDir: string;

  beforeAll(async () => {
    identityDir = await mkdtemp(path.join(tmpdir(), 'edx-store-identity-'));
    identity = await loadAxisIdentity({ dataDir: identityDir });
    dataDir = await mkdtemp(path.join(tmpdir(), 'edx-store-disk-'));
  });
  afterAll(async () => {
    await rm(identityDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps the database in WAL mode and blobs as fan-out files named by their SHA-256, with no temp left behind', async () => {
    const store = await openStore({ dataDir, sealer: createReceiptSealer(identity) });
    const { key } = await store.blobs.putBytes(Buffer.from('<edXML/>'));
    await store.accept(bundle());
    await store.close();
    expect(existsSync(path.join(dataDir, 'blobs', key.slice(0, 2), key.slice(2, 4), key))).toBe(true);
    expect(await readdir(path.join(dataDir, 'blobs', 'tmp'))).toEqual([]);
    const db = new Database(path.join(dataDir, 'axis.sqlite'), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
  });

  it('keeps one unbroken receipt chain when two processes write to the same data directory at once', async () => {
    const shared = await mkdtemp(path.join(tmpdir(), 'edx-store-shared-'));
    const child = path.join(import.meta.dirname, 'fixtures', 'append-receipts.ts');
    const perProcess = 60;
    await Promise.all(['server', 'admin'].map((tag) => run(process.execPath, ['--import', 'tsx', child, shared, identityDir, String(perProcess), tag])));
    const store = await openStore({ dataDir: shared, sealer: createReceiptSealer(identity) });
    const chain = await store.listReceipts({ limit: 1000 });
    expect(chain).toHaveLength(2 * perProcess);
    expect(verifyReceiptChain(chain, { certificates: [identity.certificateDer] })).toMatchObject({ valid: true, checked: 2 * perProcess });
    expect(new Set(chain.map((r) => r.documentId?.split('-')[0]))).toEqual(new Set(['server', 'admin']));
    expect((await store.listDeliveries({ limit: 1000 })).length).toBe(perProcess);
    await store.close();
    await rm(shared, { recursive: true, force: true });
  });

  it('refuses a data directory written by a newer version, with a clear code', async () => {
    const newer = await mkdtemp(path.join(tmpdir(), 'edx-store-newer-'));
    const db = new Database(path.join(newer, 'axis.sqlite'));
    db.pragma('user_version = 99');
    db.close();
    await expect(openStore({ dataDir: newer, sealer: createReceiptSealer(identity) })).rejects.toMatchObject({ code: 'STORE_SCHEMA_NEWER' });
    await rm(newer, { recursive: true, force: true });
  });
});
