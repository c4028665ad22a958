/**
 * The MongoDB store's side of the transparency log (src/ledger's LedgerStore): leaves from `receipts` by seq (the
 * receipts_seq index), checkpoints and cached subtrees in collections of their own (ledger-models.ts). Each write is
 * one document, so no transaction is needed: saving a checkpoint is an insert that loses quietly to an equal one, and
 * a token is set only where none is.
 */
import type { Connection } from 'mongoose';
import type { CheckpointRecord, LedgerStore, SubtreeCache } from '../../ledger/index.js';
import type { ReceiptRecord } from '../../exchange/model/index.js';
import { ensureLedgerCollections, ledgerModelsOn, type CheckpointDoc, type LedgerModels } from './ledger-models.js';
import { translate } from './mongo-errors.js';
import { recordOf, type Models } from './models.js';

function checkpointOf(doc: CheckpointDoc | null | undefined): CheckpointRecord | undefined {
  if (!doc) return undefined;
  return {
    treeSize: doc._id,
    rootHash: doc.rootHash,
    note: doc.note,
    ...(doc.timestampToken !== undefined ? { timestampToken: doc.timestampToken } : {}),
    ...(doc.timestampedAt !== undefined ? { timestampedAt: doc.timestampedAt } : {}),
    createdAt: doc.createdAt,
    frontier: doc.frontier,
  };
}

const isDuplicate = (error: unknown): boolean => (error as { code?: unknown }).code === 11000;
/** A lean read gives BSON Binary for a Buffer field: its value() is exactly the bytes kept. */
export function bytesOf(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  return Buffer.from((value as { value(): Uint8Array }).value());
}

const whole = (n: number): number => Math.max(0, Math.floor(n));

export class MongoLedgerStore implements LedgerStore {
  readonly subtrees: SubtreeCache;
  private readonly ledger: LedgerModels;

  constructor(connection: Connection, private readonly models: Models) {
    this.ledger = ledgerModelsOn(connection);
    const nodes = this.ledger.ledgerNodes;
    this.subtrees = {
      async get(level, index) {
        const doc = await nodes.findById(`${level}:${index}`).lean();
        return doc ? bytesOf(doc.hash) : undefined;
      },
      async put(level, index, hash) {
        await nodes.updateOne({ _id: `${level}:${index}` }, { $setOnInsert: { hash } }, { upsert: true }).catch((error: unknown) => {
          if (!isDuplicate(error)) throw translate(error);
        });
      },
    };
  }

  ensureCollections(): Promise<void> {
    return ensureLedgerCollections(this.ledger);
  }

  async chainLength(): Promise<number> {
    const head = await this.models.receipts.findOne({}, { seq: 1 }).sort({ seq: -1 }).lean();
    return head?.seq ?? 0;
  }

  async receiptHashes(fromSeq: number, toSeq: number): Promise<string[]> {
    const docs = await this.models.receipts.find({ seq: { $gte: fromSeq, $lt: toSeq } }, { hash: 1, _id: 0 }).sort({ seq: 1 }).lean();
    return docs.map((doc) => doc.hash);
  }

  async receiptBySeq(seq: number): Promise<ReceiptRecord | undefined> {
    return recordOf<ReceiptRecord>(await this.models.receipts.findOne({ seq }).lean());
  }

  async receiptsAfter(afterSeq: number, limit: number): Promise<ReceiptRecord[]> {
    const docs = await this.models.receipts.find({ seq: { $gt: afterSeq } }).sort({ seq: 1 }).limit(whole(limit)).lean();
    return docs.map((doc) => recordOf<ReceiptRecord>(doc)!);
  }

  async latestCheckpoint(): Promise<CheckpointRecord | undefined> {
    return checkpointOf(await this.ledger.checkpoints.findOne().sort({ _id: -1 }).lean());
  }

  async latestTimestampedCheckpoint(): Promise<CheckpointRecord | undefined> {
    return checkpointOf(await this.ledger.checkpoints.findOne({ stampedSize: { $exists: true } }).sort({ stampedSize: -1 }).lean());
  }

  async checkpointAt(treeSize: number): Promise<CheckpointRecord | undefined> {
    return checkpointOf(await this.ledger.checkpoints.findById(treeSize).lean());
  }

  async checkpointsAfter(afterSize: number, limit: number): Promise<CheckpointRecord[]> {
    const docs = await this.ledger.checkpoints.find({ _id: { $gt: afterSize } }).sort({ _id: 1 }).limit(whole(limit)).lean();
    return docs.map((doc) => checkpointOf(doc)!);
  }

  async saveCheckpoint(record: CheckpointRecord): Promise<void> {
    const doc: Omit<CheckpointDoc, '_id'> = {
      rootHash: record.rootHash, note: record.note, createdAt: record.createdAt, frontier: record.frontier,
      ...(record.timestampToken ? { timestampToken: record.timestampToken, timestampedAt: record.timestampedAt ?? record.createdAt, stampedSize: record.treeSize } : {}),
    };
    // Two workers racing on the same size: the first one kept wins, the second changes nothing.
    await this.ledger.checkpoints.updateOne({ _id: record.treeSize }, { $setOnInsert: doc }, { upsert: true }).catch((error: unknown) => {
      if (!isDuplicate(error)) throw translate(error);
    });
  }

  async setCheckpointTimestamp(treeSize: number, timestampToken: string, timestampedAt: string): Promise<void> {
    await this.ledger.checkpoints.updateOne(
      { _id: treeSize, timestampToken: { $exists: false } },
      { $set: { timestampToken, timestampedAt, stampedSize: treeSize } },
    ).catch((error: unknown) => { throw translate(error); });
  }
}
