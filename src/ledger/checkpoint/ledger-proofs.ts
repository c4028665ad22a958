/**
 * What the HTTP API serves from the log: the latest checkpoint with its token (GET /v1/ledger/checkpoint), a
 * receipt's inclusion proof against the latest checkpoint that covers it (GET /v1/receipts/{id}/proof), and a
 * consistency proof between two checkpoints' sizes. Shaped as the JSON the API returns, hashes in base64.
 */
import { AxisError } from '../../errors/axis-error.js';
import type { LeafSource } from '../log/leaf-source.js';
import { createMerkleProver } from '../log/merkle-prover.js';
import { consistencyProofToJson, inclusionProofToJson, type ConsistencyProofJson, type InclusionProofJson } from '../log/proof-json.js';
import type { SubtreeCache } from '../log/subtree-cache.js';
import type { CheckpointRecord, CheckpointStore } from './checkpoint-store.js';

export interface CheckpointView {
  treeSize: number;
  /** The signed note (C2SP tlog-checkpoint). */
  checkpoint: string;
  /** RFC 3161 token over the note's body, base64 DER; absent until a TSA vouched for it. */
  timestampToken?: string;
  timestampedAt?: string;
}

export interface ReceiptProofView extends InclusionProofJson, CheckpointView {}

export interface LedgerProofs {
  latestCheckpoint(): Promise<CheckpointView | undefined>;
  /** For the receipt at `seq`; LEDGER_RECEIPT_NOT_CHECKPOINTED while no checkpoint covers it yet. */
  receiptProof(seq: number): Promise<ReceiptProofView>;
  /** For many receipts at once (a page), the checkpoints read once; undefined for a receipt no checkpoint covers yet. */
  receiptProofs(seqs: readonly number[]): Promise<(ReceiptProofView | undefined)[]>;
  /** Between two checkpoints; LEDGER_CHECKPOINT_UNKNOWN for a size that has none. */
  consistencyProof(fromSize: number, toSize: number): Promise<ConsistencyProofJson & { from: CheckpointView; to: CheckpointView }>;
}

/**
 * The checkpoint a receipt is proven against: the latest time-stamped one when it covers the receipt (its proof is
 * evidence on its own), else the latest one, else none yet.
 */
export function coveringCheckpoint(seq: number, stamped: CheckpointRecord | undefined, latest: CheckpointRecord | undefined): CheckpointRecord | undefined {
  return stamped && stamped.treeSize >= seq ? stamped : latest && latest.treeSize >= seq ? latest : undefined;
}

function view(record: CheckpointRecord): CheckpointView {
  return {
    treeSize: record.treeSize,
    checkpoint: record.note,
    ...(record.timestampToken ? { timestampToken: record.timestampToken } : {}),
    ...(record.timestampedAt ? { timestampedAt: record.timestampedAt } : {}),
  };
}

export function createLedgerProofs(options: { leaves: LeafSource; checkpoints: CheckpointStore; cache?: SubtreeCache; chunkLevel?: number }): LedgerProofs {
  const { checkpoints } = options;
  const prover = createMerkleProver(options);
  const atSize = async (size: number): Promise<CheckpointRecord> => (await checkpoints.checkpointAt(size))
    ?? Promise.reject(new AxisError('LEDGER_CHECKPOINT_UNKNOWN', `There is no checkpoint of ${size} receipts.`, { treeSize: size }));
  async function receiptProofs(seqs: readonly number[]): Promise<(ReceiptProofView | undefined)[]> {
    const [stamped, latest] = [await checkpoints.latestTimestampedCheckpoint(), await checkpoints.latestCheckpoint()];
    const proofs: (ReceiptProofView | undefined)[] = [];
    for (const seq of seqs) {
      const checkpoint = coveringCheckpoint(seq, stamped, latest);
      proofs.push(checkpoint ? { ...inclusionProofToJson(await prover.inclusionProof(seq - 1, checkpoint.treeSize)), ...view(checkpoint) } : undefined);
    }
    return proofs;
  }
  return {
    async latestCheckpoint() {
      const latest = await checkpoints.latestCheckpoint();
      return latest && view(latest);
    },
    async receiptProof(seq) {
      const [proof] = await receiptProofs([seq]);
      if (!proof) throw new AxisError('LEDGER_RECEIPT_NOT_CHECKPOINTED', `Receipt #${seq} is not in a checkpoint yet; the next checkpoint will cover it.`, { seq });
      return proof;
    },
    receiptProofs,
    async consistencyProof(fromSize, toSize) {
      const [from, to] = [await atSize(fromSize), await atSize(toSize)];
      return { ...consistencyProofToJson(await prover.consistencyProof(fromSize, toSize)), from: view(from), to: view(to) };
    },
  };
}
