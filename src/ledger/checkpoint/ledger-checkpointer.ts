/**
 * The maintenance worker's `checkpointLedger` hook: extends the log's tree by the receipts sealed since the last
 * checkpoint (from the saved frontier, so the cost is the new receipts, not the whole chain), signs a checkpoint, and
 * has it time-stamped. A checkpoint is kept even when the TSA cannot be reached: it still proves inclusion, and the
 * next run stamps the latest checkpoint (a later stamp covers earlier checkpoints through consistency proofs).
 */
import { AxisError, isAxisError } from '../../errors/axis-error.js';
import type { LeafSource } from '../log/leaf-source.js';
import { MerkleFrontier } from '../log/merkle-frontier.js';
import type { SubtreeCache } from '../log/subtree-cache.js';
import type { TimestampAuthority } from '../timestamp/tsa-client.js';
import type { CheckpointSigner } from './checkpoint-signer.js';
import { parseSignedNote } from './signed-note.js';
import type { CheckpointRecord, CheckpointStore } from './checkpoint-store.js';

export interface LedgerCheckpointerOptions {
  leaves: LeafSource;
  checkpoints: CheckpointStore;
  signer: CheckpointSigner;
  /** Absent: checkpoints are signed but not time-stamped (evidence health then degrades). */
  timestamps?: TimestampAuthority;
  /** Filled with the perfect subtrees the new leaves complete, so proofs stay cheap (MerkleProver's cache). */
  cache?: SubtreeCache;
  /** Only subtrees of at least 2^cacheLevel leaves are cached (default 8, the prover's chunk level). */
  cacheLevel?: number;
  /** Leaves read per store query (default 10 000). */
  batchSize?: number;
  now?: () => Date;
}

export interface CheckpointRun {
  /** 'created': a new checkpoint; 'unchanged': no receipt since the last one. */
  outcome: 'created' | 'unchanged';
  treeSize: number;
  newReceipts: number;
  /** Whether the latest checkpoint now carries a verified time-stamp. */
  timestamped: boolean;
  /** Why it could not be time-stamped this time. */
  timestampError?: { code: string; message: string };
}

export interface LedgerCheckpointer {
  run(): Promise<CheckpointRun>;
}

export function createLedgerCheckpointer(options: LedgerCheckpointerOptions): LedgerCheckpointer {
  const { leaves, checkpoints, signer, timestamps, cache } = options;
  const cacheLevel = options.cacheLevel ?? 8;
  const batchSize = options.batchSize ?? 10_000;
  const now = options.now ?? (() => new Date());

  async function stamp(record: CheckpointRecord): Promise<Pick<CheckpointRun, 'timestamped' | 'timestampError'>> {
    if (record.timestampToken) return { timestamped: true };
    if (!timestamps) return { timestamped: false, timestampError: { code: 'LEDGER_TSA_NOT_CONFIGURED', message: 'No time-stamping authority is configured (TSA_URL).' } };
    const body = parseSignedNote(record.note).text;
    try {
      const { token, verified } = await timestamps.timestamp(Buffer.from(body, 'utf8'));
      await checkpoints.setCheckpointTimestamp(record.treeSize, token.toString('base64'), verified.genTime.toISOString());
      return { timestamped: true };
    } catch (error) {
      const code = isAxisError(error) ? error.code : 'LEDGER_TSA_FAILED';
      return { timestamped: false, timestampError: { code, message: error instanceof Error ? error.message : String(error) } };
    }
  }

  return {
    async run() {
      const size = await leaves.size();
      const latest = await checkpoints.latestCheckpoint();
      if (latest && latest.treeSize >= size) {
        return { outcome: 'unchanged', treeSize: latest.treeSize, newReceipts: 0, ...(await stamp(latest)) };
      }
      // An empty log has nothing to vouch for (and nothing for the health check to wait on).
      if (size === 0) return { outcome: 'unchanged', treeSize: 0, newReceipts: 0, timestamped: false };
      const frontier = latest ? MerkleFrontier.fromState(latest.frontier) : new MerkleFrontier();
      if (latest && (frontier.size !== latest.treeSize || frontier.root().toString('base64') !== latest.rootHash)) {
        throw new AxisError('LEDGER_FRONTIER_MISMATCH', `The saved tree state of checkpoint ${latest.treeSize} does not give its root: run "edx ledger verify".`, { treeSize: latest.treeSize });
      }
      const puts: Promise<void>[] = [];
      const keep = cache ? (level: number, index: number, hash: Buffer) => {
        if (level >= cacheLevel) puts.push(cache.put(level, index, hash));
      } : undefined;
      for (let from = frontier.size; from < size; from += batchSize) {
        frontier.append(await leaves.leafHashes(from, Math.min(size, from + batchSize)), keep);
      }
      await Promise.all(puts);
      const signed = signer.sign(size, frontier.root());
      const record: CheckpointRecord = {
        treeSize: size, rootHash: signed.rootHash.toString('base64'), note: signed.note, createdAt: now().toISOString(), frontier: frontier.toState(),
      };
      await checkpoints.saveCheckpoint(record);
      const saved = (await checkpoints.checkpointAt(size)) ?? record;
      return { outcome: 'created', treeSize: size, newReceipts: size - (latest?.treeSize ?? 0), ...(await stamp(saved)) };
    },
  };
}
