/**
 * What the transparency log needs from storage, owned by the ledger (a store adapter implements it beside the
 * receipts, src/exchange/ports/store.ts hands it out as `store.ledger`): the leaves are the receipts' hashes by seq
 * (no table of their own), checkpoints are kept by tree size, and the perfect subtrees the checkpointer completes are
 * kept so that a proof in any process, after any restart, reads O(log n) nodes instead of rehashing the log.
 */
import type { CheckpointRecord, CheckpointStore } from './checkpoint/checkpoint-store.js';
import type { ReceiptHashSource } from './log/leaf-source.js';
import type { SubtreeCache } from './log/subtree-cache.js';
import type { ReceiptRecord } from './receipt.js';

export interface LedgerStore extends ReceiptHashSource, CheckpointStore {
  /** The persistent subtree cache (level, index) -> 32-byte hash; append-only. */
  readonly subtrees: SubtreeCache;
  /** The receipt at this chain position (evidence health reads the `at` of the oldest one not yet time-stamped). */
  receiptBySeq(seq: number): Promise<ReceiptRecord | undefined>;
  /** The chain in seq order from afterSeq + 1, at most `limit` receipts: the audit's cursor. */
  receiptsAfter(afterSeq: number, limit: number): Promise<ReceiptRecord[]>;
  /** Checkpoints of more than afterSize receipts, smallest first, at most `limit`. */
  checkpointsAfter(afterSize: number, limit: number): Promise<CheckpointRecord[]>;
}

/** The whole chain in batches, in seq order (memory stays at one batch). */
export async function* receiptBatches(store: Pick<LedgerStore, 'receiptsAfter'>, batchSize = 1000): AsyncGenerator<ReceiptRecord[]> {
  let after = 0;
  for (;;) {
    const batch = await store.receiptsAfter(after, batchSize);
    if (batch.length === 0) return;
    yield batch;
    after = batch.at(-1)!.seq;
    if (batch.length < batchSize) return;
  }
}

/** Every checkpoint in batches, smallest first. */
export async function* checkpointBatches(store: Pick<LedgerStore, 'checkpointsAfter'>, batchSize = 1000): AsyncGenerator<CheckpointRecord[]> {
  let after = -1;
  for (;;) {
    const batch = await store.checkpointsAfter(after, batchSize);
    if (batch.length === 0) return;
    yield batch;
    after = batch.at(-1)!.treeSize;
    if (batch.length < batchSize) return;
  }
}
