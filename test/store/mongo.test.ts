/**
 * The MongoDB store against the store contract. It needs a replica set (transactions):
 *   MONGODB_URL='mongodb://127.0.0.1:27017/?replicaSet=rs0' npx vitest run test/store
 * Without MONGODB_URL the contract run is reported as skipped (never as passed); what can be checked with no server
 * (refusing an unreachable server, error codes) runs always.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { MongoStore } from '../../src/store/mongo/mongo-store.js';
import { duplicateKeyIndex, translate } from '../../src/store/mongo/mongo-errors.js';
import { modelsOn, recordOf } from '../../src/store/mongo/models.js';
import { ledgerModelsOn } from '../../src/store/mongo/ledger-models.js';
import { bytesOf } from '../../src/store/mongo/mongo-ledger-store.js';
import { openStore } from '../../src/store/open-store.js';
import type { ReceiptRecord } from '../../src/exchange/model/index.js';
import { agency, bundle, G22 } from './records.js';
import { storeContract } from './contract.js';
import { archiveQueriesContract } from './archive-contract.js';

// Runs only where a MongoDB server is configured (MONGODB_URL): none can be installed on these machines, so
// without it this suite is reported as skipped, not passed.
const url = process.env.MONGODB_URL;

/** The same deployment and credentials, another database (one per test, dropped after it). */
function withDatabase(base: string, database: string): string {
  const [address = '', query = ''] = base.split('?');
  const match = /^(mongodb(?:\+srv)?:\/\/[^/]+)(?:\/([^/]*))?$/.exec(address);
  if (!match) throw new Error(`MONGODB_URL is not a mongodb:// URL: ${base.replace(/:[^:@/]*@/, ':***@')}`);
  const params = new URLSearchParams(query);
  // Credentials authenticate against the database in the path unless authSource says otherwise: keep that one.
  if (match[1]!.includes('@') && !params.has('authSource')) params.set('authSource', match[2] || 'admin');
  const rest = params.toString();
  return `${match[1]}/${database}${rest ? `?${rest}` : ''}`;
}

describe.skipIf(!url)('MongoDB store: the store contract', () => {
  storeContract(async () => {
    const databaseUrl = withDatabase(url!, `edx_contract_${randomBytes(6).toString('hex')}`);
    const dataDir = await mkdtemp(path.join(tmpdir(), 'edx-store-mongo-'));
    return {
      open: (sealer) => openStore({ mongodbUrl: databaseUrl, dataDir, sealer }),
      destroy: async () => {
        const connection = await mongoose.createConnection(databaseUrl).asPromise();
        await connection.dropDatabase();
        await connection.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  });
});
describe.skipIf(!url)('MongoDB store: the archive reads', () => {
  archiveQueriesContract(async () => {
    const databaseUrl = withDatabase(url!, `edx_archive_${randomBytes(6).toString('hex')}`);
    const dataDir = await mkdtemp(path.join(tmpdir(), 'edx-store-mongo-'));
    return {
      open: (sealer) => openStore({ mongodbUrl: databaseUrl, dataDir, sealer }),
      destroy: async () => {
        const connection = await mongoose.createConnection(databaseUrl).asPromise();
        await connection.dropDatabase();
        await connection.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  });
});

describe('MongoDB store: without a server', () => {
  it('refuses to open when MongoDB cannot be reached, with a clear code and no password in the message', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'edx-store-mongo-down-'));
    const failure = MongoStore.open({ url: 'mongodb://axis:s3cret@127.0.0.1:9/edx', sealer: () => { throw new Error('never sealed'); }, tempDir: dataDir, serverSelectionTimeoutMS: 300 });
    await expect(failure).rejects.toMatchObject({ code: 'STORE_MONGO_UNREACHABLE' });
    await expect(failure).rejects.toSatisfy((error: Error) => error.message.includes('axis:***@') && !error.message.includes('s3cret'));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('names the unique index a write collided with, and maps it to STORE_CONFLICT', () => {
    const error = new mongoose.mongo.MongoServerError({
      code: 11000,
      errmsg: 'E11000 duplicate key error collection: edx.envelopes index: envelopes_dedupe_key dup key: { dedupeKey: "G22|doc|edoc/0|ab" }',
    });
    expect(duplicateKeyIndex(error)).toBe('envelopes_dedupe_key');
    expect(translate(error)).toMatchObject({ code: 'STORE_CONFLICT', details: { index: 'envelopes_dedupe_key' } });
    expect(duplicateKeyIndex(new Error('E11000 but not from MongoDB'))).toBeUndefined();
    const own = new Error('the signing key is unavailable');
    expect(translate(own)).toBe(own);
  });

  it('points every test at its own database of the configured deployment', () => {
    expect(withDatabase('mongodb://127.0.0.1:27017/?replicaSet=rs0', 't1')).toBe('mongodb://127.0.0.1:27017/t1?replicaSet=rs0');
    expect(withDatabase('mongodb://u:p@h1:1,h2:2/edx?replicaSet=rs0', 't2')).toBe('mongodb://u:p@h1:1,h2:2/t2?replicaSet=rs0&authSource=edx');
    expect(withDatabase('mongodb+srv://cluster.example.net', 't3')).toBe('mongodb+srv://cluster.example.net/t3');
  });

  it('keeps every record exactly through the models: strings stay strings, empty objects and later fields survive', async () => {
    const models = modelsOn(mongoose.createConnection());
    const roundTrip = async (model: mongoose.Model<any>, doc: Record<string, unknown>) => {
      const hydrated = new model(doc);
      await hydrated.validate();
      return hydrated.toObject({ depopulate: true }) as Record<string, unknown>;
    };
    const { organId, ...agencyRest } = agency(G22, { endpointUrl: 'https://dms.example/edxml' });
    expect(recordOf(await roundTrip(models.agencies, { _id: organId, ...agencyRest }), 'organId')).toEqual({ organId, ...agencyRest });

    const b = bundle();
    const { id, ...envelopeRest } = { ...b.envelope, statusCode: '01' as const, laterField: { kept: true } };
    expect(recordOf(await roundTrip(models.envelopes, { _id: id, ...envelopeRest, chainSeq: 7 }), 'id', ['chainSeq'])).toEqual({ id, ...envelopeRest });

    const { id: deliveryId, ...deliveryRest } = { ...b.deliveries[0]!, seq: 3 };
    expect(recordOf(await roundTrip(models.deliveries, { _id: deliveryId, ...deliveryRest }))).toEqual({ id: deliveryId, ...deliveryRest });

    const receipt: ReceiptRecord = { ...b.receipt, detail: {}, id: 'rcp_1', seq: 1, prevHash: '0'.repeat(64), hash: 'ab'.repeat(32), signature: 'c2ln', signerFingerprint: 'cd'.repeat(32) };
    const { id: receiptId, ...receiptRest } = receipt;
    expect(recordOf(await roundTrip(models.receipts, { _id: receiptId, ...receiptRest }))).toEqual(receipt);
  });

  it('declares the indexes the queries use', () => {
    const models = modelsOn(mongoose.createConnection());
    const names = (model: mongoose.Model<any>) => model.schema.indexes().map(([, options]) => options.name);
    expect(names(models.envelopes)).toEqual(['envelopes_dedupe_key', 'envelopes_by_document', 'envelopes_by_refers_to', 'envelopes_by_sender_document', 'envelopes_by_sender', 'envelopes_by_accepted', 'envelopes_by_kind_accepted']);
    expect(models.envelopes.schema.indexes()[0]).toEqual([{ dedupeKey: 1 }, expect.objectContaining({ unique: true })]);
    expect(names(models.deliveries)).toEqual(['deliveries_seq', 'deliveries_inbox', 'deliveries_by_recipient', 'deliveries_by_state', 'deliveries_by_envelope']);
    expect(models.deliveries.schema.indexes()[1]![0]).toEqual({ recipientOrganId: 1, state: 1, seq: 1 });
    expect(names(models.receipts)).toEqual(['receipts_seq', 'receipts_by_party', 'receipts_by_document', 'receipts_by_envelope', 'receipts_by_type_at']);
    expect(names(models.statuses)).toEqual(['statuses_key']);
  });

  it('declares the receipt log\'s collections: checkpoints by size with a sparse index of the time-stamped ones, subtrees by level:index', async () => {
    const models = ledgerModelsOn(mongoose.createConnection());
    expect(models.checkpoints.schema.indexes()).toEqual([[{ stampedSize: -1 }, expect.objectContaining({ sparse: true, name: 'checkpoints_timestamped' })]]);
    const doc = new models.checkpoints({ _id: 12, rootHash: 'cm9vdA==', note: 'n', createdAt: '2026-01-01T00:00:00.000Z', frontier: { size: 12, hashes: ['YQ==', 'Yg=='] } });
    await doc.validate();
    expect(doc.toObject()).toEqual({ _id: 12, rootHash: 'cm9vdA==', note: 'n', createdAt: '2026-01-01T00:00:00.000Z', frontier: { size: 12, hashes: ['YQ==', 'Yg=='] } });
    const node = new models.ledgerNodes({ _id: '8:3', hash: Buffer.alloc(32, 7) });
    await node.validate();
    // Read back as BSON Binary (what a lean query gives), the hash is exactly the 32 bytes kept.
    expect(bytesOf(node.toObject().hash)).toEqual(Buffer.alloc(32, 7));
    expect(bytesOf(new mongoose.mongo.Binary(Buffer.alloc(32, 9)))).toEqual(Buffer.alloc(32, 9));
  });
});
