/**
 * `edx ledger verify` (runLedgerVerify, the command's body) on the MongoDB store, editing its documents behind the
 * service's back: a receipt in `receipts`, a package's bytes in GridFS (`packages.chunks`). Runs only where a MongoDB
 * replica set is configured (MONGODB_URL), as the MongoDB store contract does; reported as skipped otherwise.
 *   MONGODB_URL='mongodb://127.0.0.1:27017/?replicaSet=rs0' npx vitest run test/store/mongo-ledger-verify.test.ts
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLedgerVerify } from '../../src/cli/commands/ledger.js';
import { loadConfig } from '../../src/config/config.js';
import type { Store } from '../../src/exchange/ports/index.js';
import {
  createCheckpointSigner, createLedgerCheckpointer, createReceiptSealer, createTsaClient, devTrustDir, loadAxisIdentity, loadOrCreateDevTsa,
  loadTrustAnchors, receiptLeafSource, type AxisIdentity,
} from '../../src/ledger/index.js';
import { startTestTsaServer, type TestTsaServer } from '../../src/pki/test-pki/index.js';
import { openStore } from '../../src/store/open-store.js';
import { bundle } from './records.js';

const url = process.env.MONGODB_URL;
const ORIGIN = 'mongo.test/edx-axis/receipts';

describe.skipIf(!url)('edx ledger verify on the MongoDB store', () => {
  let dataDir: string;
  let databaseUrl: string;
  let identity: AxisIdentity;
  let store: Store;
  let tsa: TestTsaServer;
  let raw: mongoose.Connection;
  const accepted: { envelopeId: string; sha256: string; receiptId: string; seq: number }[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'edx-mongo-verify-'));
    const [address = '', query = ''] = url!.split('?');
    // The same deployment, a database of this test's own (dropped after it).
    const host = /^(mongodb(?:\+srv)?:\/\/[^/]+)/.exec(address)?.[1] ?? address;
    databaseUrl = `${host}/edx_verify_${randomBytes(6).toString('hex')}${query ? `?${query}` : ''}`;
    identity = await loadAxisIdentity({ dataDir });
    store = await openStore({ mongodbUrl: databaseUrl, dataDir, sealer: createReceiptSealer(identity) });
    for (let i = 0; i < 3; i += 1) {
      const b = bundle({ bytes: Buffer.from(`<edXML>gói ${i} ${randomBytes(4).toString('hex')}</edXML>`) });
      const out = await store.accept(b);
      if (out.outcome !== 'created') throw new Error('not accepted');
      accepted.push({ envelopeId: b.envelope.id, sha256: b.envelope.sha256, receiptId: out.receipt.id, seq: out.receipt.seq });
    }
    tsa = await startTestTsaServer();
    tsa.serve(await loadOrCreateDevTsa(dataDir));
    const checkpointer = createLedgerCheckpointer({
      leaves: receiptLeafSource(store.ledger), checkpoints: store.ledger, cache: store.ledger.subtrees,
      signer: createCheckpointSigner({ origin: ORIGIN, identity }),
      timestamps: createTsaClient({ url: tsa.url, trustAnchors: await loadTrustAnchors(devTrustDir(dataDir)) }),
    });
    expect(await checkpointer.run()).toMatchObject({ outcome: 'created', treeSize: 3, timestamped: true });
    raw = await mongoose.createConnection(databaseUrl).asPromise();
  });

  afterAll(async () => {
    await raw?.dropDatabase();
    await raw?.close();
    await store?.close();
    await tsa?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const verify = () => runLedgerVerify({ store, identity }, loadConfig({ DATA_DIR: dataDir, LEDGER_ORIGIN: ORIGIN }));

  it('holds on the intact log, and names a receipt edited in its collection by id and seq', async () => {
    expect(await verify()).toMatchObject({ ok: true, receipts: 3, checkpoints: 1, packages: 3 });
    const target = accepted[1]!;
    const receipts = raw.collection('receipts');
    const original = await receipts.findOne({ _id: target.receiptId as never });
    await receipts.updateOne({ _id: target.receiptId as never }, { $set: { at: '2020-01-01T00:00:00.000Z' } });
    try {
      expect(await verify()).toMatchObject({ ok: false, failure: { kind: 'receipt', code: 'RECEIPT_HASH_MISMATCH', receiptId: target.receiptId, seq: target.seq } });
    } finally {
      await receipts.updateOne({ _id: target.receiptId as never }, { $set: { at: original!['at'] } });
    }
    expect((await verify()).ok).toBe(true);
  });

  it('names a package whose bytes were edited in GridFS, by envelope and receipt', async () => {
    const target = accepted[2]!;
    const file = await raw.collection('packages.files').findOne({ filename: target.sha256 });
    const chunks = raw.collection('packages.chunks');
    const chunk = await chunks.findOne({ files_id: file!['_id'], n: 0 });
    const bytes = Buffer.from((chunk!['data'] as mongoose.mongo.Binary).buffer);
    await chunks.updateOne({ _id: chunk!['_id'] }, { $set: { data: new mongoose.mongo.Binary(Buffer.from(bytes.toString('utf8').replace('gói', 'GÓI'))) } });
    try {
      expect(await verify()).toMatchObject({ ok: false, failure: { kind: 'package', code: 'LEDGER_PACKAGE_DIGEST_MISMATCH', envelopeId: target.envelopeId, receiptId: target.receiptId, seq: target.seq } });
    } finally {
      await chunks.updateOne({ _id: chunk!['_id'] }, { $set: { data: new mongoose.mongo.Binary(bytes) } });
    }
    expect((await verify()).ok).toBe(true);
  });
});
