/**
 * The MongoDB collections of the transparency log (docs/evidence.md): checkpoints keyed by tree size, and the cached
 * subtrees keyed by "level:index". The leaves are the receipts' hashes, read from `receipts` by seq. `stampedSize`
 * repeats the tree size only once a token is attached, so "the latest time-stamped checkpoint" is one sparse index
 * range.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { FrontierState } from '../../ledger/index.js';

export interface CheckpointDoc {
  _id: number;
  rootHash: string;
  note: string;
  timestampToken?: string;
  timestampedAt?: string;
  stampedSize?: number;
  createdAt: string;
  frontier: FrontierState;
}

export interface LedgerNodeDoc {
  _id: string;
  hash: Buffer;
}

const options = { versionKey: false, minimize: false, strict: false, timestamps: false } as const;

const checkpointSchema = new Schema<CheckpointDoc>({
  _id: { type: Number, required: true },
  rootHash: { type: String, required: true },
  note: { type: String, required: true },
  timestampToken: { type: String },
  timestampedAt: { type: String },
  stampedSize: { type: Number },
  createdAt: { type: String, required: true },
  frontier: { type: Schema.Types.Mixed, required: true },
}, { ...options, collection: 'checkpoints' });
checkpointSchema.index({ stampedSize: -1 }, { sparse: true, name: 'checkpoints_timestamped' });

const ledgerNodeSchema = new Schema<LedgerNodeDoc>({
  _id: { type: String, required: true },
  hash: { type: Buffer, required: true },
}, { ...options, collection: 'ledger_nodes' });

export interface LedgerModels {
  checkpoints: Model<CheckpointDoc>;
  ledgerNodes: Model<LedgerNodeDoc>;
}

export function ledgerModelsOn(connection: Connection): LedgerModels {
  return {
    checkpoints: connection.model<CheckpointDoc>('Checkpoint', checkpointSchema),
    ledgerNodes: connection.model<LedgerNodeDoc>('LedgerNode', ledgerNodeSchema),
  };
}

/** Creates the collections and their indexes, as ensureCollections does for the others. */
export async function ensureLedgerCollections(models: LedgerModels): Promise<void> {
  for (const model of Object.values(models) as Model<unknown>[]) {
    await model.createCollection().catch((error: unknown) => {
      if ((error as { codeName?: string }).codeName !== 'NamespaceExists') throw error;
    });
    await model.createIndexes();
  }
}
