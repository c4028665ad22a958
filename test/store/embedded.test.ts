/** The embedded store (SQLite in WAL mode + content-addressed files) against the store contract, and what only it does. */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createReceiptSealer, loadAxisIdentity, verifyReceiptChain, type AxisIdentity } from '../../src/ledger/index.js';
import { INLINE_PACKAGE_MAX_BYTES } from '../../src/store/embedded/embedded-blob-store.js';
import { SCHEMA_VERSION } from '../../src/store/embedded/schema.js';
import { openStore } from '../../src/store/open-store.js';
import { storeContract } from './contract.js';
import { archiveQueriesContract } from './archive-contract.js';
import { createHash, randomBytes } from 'node:crypto';
import { bundle, G22, H41 } from './records.js';
import { setUpStep } from '../support/delivery-step.js';

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

describe('embedded store: the archive reads', () => {
  archiveQueriesContract(async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'edx-store-archive-'));
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

  it('keeps the database in WAL mode, small packages in it and large ones as fan-out files named by their SHA-256, with no temp left behind', async () => {
    const store = await openStore({ dataDir, sealer: createReceiptSealer(identity) });
    const small = await store.blobs.putBytes(Buffer.from('<edXML/>'));
    const large = await store.blobs.putBytes(randomBytes(INLINE_PACKAGE_MAX_BYTES + 1));
    const accepted = bundle({ bytes: Buffer.from(`<edXML>${randomBytes(8).toString('hex')}</edXML>`) });
    await store.accept(accepted);
    await store.close();
    const fileOf = (key: string) => path.join(dataDir, 'blobs', key.slice(0, 2), key.slice(2, 4), key);
    expect(existsSync(fileOf(large.key))).toBe(true);
    expect(existsSync(fileOf(small.key))).toBe(false);
    expect(existsSync(fileOf(accepted.envelope.sha256))).toBe(false);
    expect(await readdir(path.join(dataDir, 'blobs', 'tmp'))).toEqual([]);
    const db = new Database(path.join(dataDir, 'axis.sqlite'), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const inline = db.prepare('SELECT key FROM inline_packages ORDER BY key').all() as { key: string }[];
    expect(inline.map((r) => r.key)).toEqual([small.key, accepted.envelope.sha256].sort());
    db.close();
  });

  it('writes a new data directory with 16 KiB pages and keeps an existing directory on the page size it was made with', async () => {
    const fresh = await mkdtemp(path.join(tmpdir(), 'edx-store-pages-'));
    const older = await mkdtemp(path.join(tmpdir(), 'edx-store-pages-old-'));
    // A directory made before: 4 KiB pages, already in WAL mode (the page size can no longer change there).
    const made = new Database(path.join(older, 'axis.sqlite'));
    made.pragma('page_size = 4096');
    made.pragma('journal_mode = WAL');
    made.close();
    for (const dir of [fresh, older]) {
      const store = await openStore({ dataDir: dir, sealer: createReceiptSealer(identity) });
      const b = bundle({ bytes: randomBytes(20 * 1024) });
      await store.accept(b);
      expect(Buffer.from(await store.blobs.read(b.envelope.sha256))).toEqual(Buffer.from(b.packageBytes!));
      await store.close();
    }
    const pageSize = (dir: string): unknown => {
      const db = new Database(path.join(dir, 'axis.sqlite'), { readonly: true });
      try {
        return db.pragma('page_size', { simple: true });
      } finally {
        db.close();
      }
    };
    expect(pageSize(fresh)).toBe(16384);
    expect(pageSize(older)).toBe(4096);
    await rm(fresh, { recursive: true, force: true });
    await rm(older, { recursive: true, force: true });
  });

  it('lets go of the write-ahead log at close', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'edx-store-fds-'));
    const openFiles = async (): Promise<string[]> => {
      const fds = await readdir('/proc/self/fd');
      const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
      return targets.filter((t) => t.startsWith(dir));
    };
    const store = await openStore({ dataDir: dir, sealer: createReceiptSealer(identity) });
    await Promise.all(Array.from({ length: 5 }, () => store.accept(bundle({ bytes: randomBytes(1024) }))));
    expect(await openFiles()).toContain(path.join(dir, 'axis.sqlite-wal'));
    await store.close();
    expect(await openFiles()).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the raw package only when its records are created: not for a duplicate, not for a status conflict', async () => {
    const store = await openStore({ dataDir, sealer: createReceiptSealer(identity) });
    try {
      const first = bundle({ bytes: Buffer.from(`<edXML>${randomBytes(8).toString('hex')}</edXML>`) });
      await store.accept(first);
      const again = bundle({ bytes: Buffer.from(`<edXML>${randomBytes(8).toString('hex')}</edXML>`) });
      again.envelope.dedupeKey = first.envelope.dedupeKey;
      expect((await store.accept(again)).outcome).toBe('duplicate');
      expect(await store.blobs.has(again.envelope.sha256)).toBe(false);
      const status = bundle({ kind: 'status', statusCode: '03', bytes: Buffer.from(`<edXML>${randomBytes(8).toString('hex')}</edXML>`) });
      status.statusTransition = { documentId: first.envelope.documentId, senderOrganId: G22, recipientOrganId: H41, expected: '01', next: '03' };
      expect((await store.accept(status)).outcome).toBe('status-conflict');
      expect(await store.blobs.has(status.envelope.sha256)).toBe(false);
      // and a large package handed with its records goes to a file, readable the same way
      const bigBytes = randomBytes(INLINE_PACKAGE_MAX_BYTES + 10);
      const big = bundle({ bytes: bigBytes });
      expect((await store.accept(big)).outcome).toBe('created');
      expect(existsSync(path.join(dataDir, 'blobs', big.envelope.sha256.slice(0, 2), big.envelope.sha256.slice(2, 4), big.envelope.sha256))).toBe(true);
      expect(Buffer.compare(await store.blobs.read(big.envelope.sha256), bigBytes)).toBe(0);
      // retention removes either kind
      await store.blobs.delete(first.envelope.sha256);
      await store.blobs.delete(big.envelope.sha256);
      expect(await store.blobs.has(first.envelope.sha256)).toBe(false);
      expect(await store.blobs.has(big.envelope.sha256)).toBe(false);
      expect(await store.getEnvelope(first.envelope.id)).toBeDefined();
    } finally {
      await store.close();
    }
  });

  it('reads a delivery written before revisions existed as revision 0, and moves it on that revision', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'edx-store-revision-'));
    try {
      const store = await openStore({ dataDir: dir, sealer: createReceiptSealer(identity) });
      const out = await store.accept(bundle({ to: [H41], states: { [H41]: 'pending' } }));
      if (out.outcome !== 'created') throw new Error(out.outcome);
      const id = out.deliveries[0]!.id;
      await store.close();
      // The row as an earlier version wrote it: no revision in its body.
      const db = new Database(path.join(dir, 'axis.sqlite'));
      const row = db.prepare('SELECT body FROM deliveries').get() as { body: string };
      const { revision: _none, ...legacy } = JSON.parse(row.body) as Record<string, unknown>;
      db.prepare('UPDATE deliveries SET body = ?').run(JSON.stringify(legacy));
      db.close();

      const reopened = await openStore({ dataDir: dir, sealer: createReceiptSealer(identity) });
      try {
        const before = await reopened.getDelivery(id);
        expect(before && 'revision' in before).toBe(false);
        expect(await reopened.transitionDelivery(id, { step: setUpStep(['pending'], 'retrying'), ifRevision: 1, patch: {} })).toBeUndefined();
        expect(await reopened.transitionDelivery(id, { step: setUpStep(['pending'], 'retrying'), ifRevision: 0, patch: {} })).toMatchObject({ delivery: { state: 'retrying', revision: 1 } });
      } finally {
        await reopened.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stores a blob again after its fan-out directory was removed under the running store (directories are remembered)', async () => {
    const store = await openStore({ dataDir, sealer: createReceiptSealer(identity) });
    try {
      // Large enough to be a file (small packages live in the database).
      const first = randomBytes(INLINE_PACKAGE_MAX_BYTES + 1);
      const { key } = await store.blobs.putBytes(first);
      const fanOut = path.join(dataDir, 'blobs', key.slice(0, 2));
      await rm(fanOut, { recursive: true, force: true });
      expect(await store.blobs.has(key)).toBe(false);
      expect(await store.blobs.putBytes(first)).toEqual({ key, size: first.byteLength });
      expect(Buffer.compare(await store.blobs.read(key), first)).toBe(0);
      // The same for a temporary file moved in.
      await rm(fanOut, { recursive: true, force: true });
      const temp = path.join(store.blobs.tempDir, `upload-${randomBytes(6).toString('hex')}.tmp`);
      writeFileSync(temp, first);
      expect(await store.blobs.putFile(temp, key, first.byteLength)).toEqual({ key, size: first.byteLength });
      expect(Buffer.compare(await store.blobs.read(key), first)).toBe(0);
    } finally {
      await store.close();
    }
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

  it('keeps every package whole and the chain unbroken when the writing process is killed mid-stream', async () => {
    const crashed = await mkdtemp(path.join(tmpdir(), 'edx-store-crash-'));
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'fixtures', 'append-receipts.ts'), crashed, identityDir, '100000', 'crash'], { stdio: 'ignore' });
    // Kill it once it has written a few hundred records, in the middle of whatever it is doing.
    const store = await vi.waitUntil(async () => {
      if (child.exitCode !== null) throw new Error(`the writing process exited early (${child.exitCode})`);
      if (!existsSync(path.join(crashed, 'axis.sqlite'))) return undefined;
      const probe = await openStore({ dataDir: crashed, sealer: createReceiptSealer(identity) });
      if (((await probe.chainHead())?.seq ?? 0) > 200) return probe;
      await probe.close();
      return undefined;
    }, { timeout: 50_000, interval: 100 });
    child.kill('SIGKILL');
    await once(child, 'exit');
    const chain = await store.listReceipts({ limit: 1_000_000 });
    expect(chain.length).toBeGreaterThan(200);
    expect(verifyReceiptChain(chain, { certificates: [identity.certificateDer] })).toMatchObject({ valid: true, checked: chain.length });
    // Every package that is there has its delivery and its accepted receipt: nothing half-written.
    const accepted = chain.filter((r) => r.type === 'accepted');
    for (const receipt of accepted) {
      expect(await store.getEnvelope(receipt.envelopeId!)).toBeDefined();
      expect(await store.listDeliveriesForEnvelope(receipt.envelopeId!)).toHaveLength(1);
      expect(await store.blobs.has(receipt.subjectSha256!)).toBe(true);
    }
    expect((await store.listDeliveries({ limit: 1_000_000 })).length).toBe(accepted.length);
    // and the chain goes on from there
    const next = await store.accept(bundle());
    expect(next.outcome === 'created' && next.receipt.seq).toBe(chain.length + 1);
    await store.close();
    await rm(crashed, { recursive: true, force: true });
  });

  it.skipIf(!existsSync('/dev/shm'))('takes in a temporary file from another filesystem (copy, fsync, rename)', async () => {
    const store = await openStore({ dataDir, sealer: createReceiptSealer(identity) });
    const bytes = randomBytes(300_000);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const elsewhere = path.join('/dev/shm', `edx-upload-${randomBytes(6).toString('hex')}`);
    writeFileSync(elsewhere, bytes);
    expect(await store.blobs.putFile(elsewhere, sha256, bytes.byteLength)).toEqual({ key: sha256, size: bytes.byteLength });
    expect(existsSync(elsewhere)).toBe(false);
    expect(Buffer.compare(await store.blobs.read(sha256), bytes)).toBe(0);
    const short = path.join(store.blobs.tempDir, 'short-upload');
    writeFileSync(short, bytes.subarray(0, 10));
    await expect(store.blobs.putFile(short, sha256, 11)).rejects.toMatchObject({ code: 'STORE_BLOB_SIZE_MISMATCH' });
    await store.close();
  });

  it('brings a data directory written by an earlier version up to date at open, keeping its records', async () => {
    const older = await mkdtemp(path.join(tmpdir(), 'edx-store-older-'));
    const store = await openStore({ dataDir: older, sealer: createReceiptSealer(identity) });
    const b = bundle();
    await store.accept(b);
    await store.close();
    // Back to schema 1, as the first release left it.
    const db = new Database(path.join(older, 'axis.sqlite'));
    db.exec('DROP INDEX receipts_by_envelope; CREATE INDEX receipts_by_envelope ON receipts (envelope_id, type) WHERE envelope_id IS NOT NULL; DROP TABLE inline_packages; DROP TABLE systems; DROP INDEX envelopes_by_sender; DROP TABLE checkpoints; DROP TABLE ledger_nodes;');
    db.exec('DROP INDEX envelopes_by_accepted; DROP INDEX envelopes_by_kind_accepted; DROP INDEX receipts_by_type_at; ALTER TABLE receipts DROP COLUMN at;');
    db.pragma('user_version = 1');
    db.close();

    const reopened = await openStore({ dataDir: older, sealer: createReceiptSealer(identity) });
    expect((await reopened.listReceipts({ envelopeId: b.envelope.id, limit: 5 })).map((r) => r.type)).toEqual(['accepted']);
    // Receipts written before the archive's reads existed are found by type and time like new ones.
    const at = b.receipt.at;
    expect((await reopened.archive.searchReceipts({ type: 'accepted', atFrom: at, atTo: new Date(Date.parse(at) + 1).toISOString(), limit: 5 })).map((r) => r.envelopeId)).toEqual([b.envelope.id]);
    await reopened.close();
    const check = new Database(path.join(older, 'axis.sqlite'), { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect((check.prepare("SELECT sql FROM sqlite_master WHERE name = 'receipts_by_envelope'").get() as { sql: string }).sql).toContain('(envelope_id, seq)');
    expect(check.prepare("SELECT name FROM sqlite_master WHERE name = 'inline_packages'").get()).toEqual({ name: 'inline_packages' });
    expect(check.prepare("SELECT name FROM sqlite_master WHERE name = 'systems'").get()).toEqual({ name: 'systems' });
    expect(check.prepare("SELECT name FROM sqlite_master WHERE name IN ('checkpoints', 'ledger_nodes') ORDER BY name").all()).toEqual([{ name: 'checkpoints' }, { name: 'ledger_nodes' }]);
    check.close();
    await rm(older, { recursive: true, force: true });
  });
});
