/**
 * The ledger's own port for keeping checkpoints (a store adapter implements it beside the receipts; a table or a
 * collection keyed by treeSize). Checkpoints are append-only: a token is attached once, nothing else changes.
 */
import type { FrontierState } from '../log/merkle-frontier.js';

export interface CheckpointRecord {
  treeSize: number;
  /** Base64, as in the note. */
  rootHash: string;
  /** The whole signed note (C2SP), as served by GET /v1/ledger/checkpoint. */
  note: string;
  /** The RFC 3161 token over the note's body, base64 DER, once one was verified and kept. */
  timestampToken?: string;
  /** The time the token vouches for (genTime), ISO 8601. */
  timestampedAt?: string;
  createdAt: string;
  /** The tree's frontier at treeSize: the next checkpoint resumes from it and reads only newer receipts. */
  frontier: FrontierState;
}

export interface CheckpointStore {
  latestCheckpoint(): Promise<CheckpointRecord | undefined>;
  /** The latest checkpoint that carries a time-stamp token. */
  latestTimestampedCheckpoint(): Promise<CheckpointRecord | undefined>;
  checkpointAt(treeSize: number): Promise<CheckpointRecord | undefined>;
  /** Saves a new checkpoint; saving the same treeSize again changes nothing (two workers racing). */
  saveCheckpoint(record: CheckpointRecord): Promise<void>;
  /** Attaches a verified token to a saved checkpoint that has none. */
  setCheckpointTimestamp(treeSize: number, timestampToken: string, timestampedAt: string): Promise<void>;
}

/** In memory: tests, benches, and the shape every adapter must match. */
export function createMemoryCheckpointStore(): CheckpointStore & { readonly all: readonly CheckpointRecord[] } {
  const bySize = new Map<number, CheckpointRecord>();
  const sorted = () => [...bySize.values()].sort((a, b) => a.treeSize - b.treeSize);
  return {
    get all() {
      return sorted();
    },
    latestCheckpoint: async () => sorted().at(-1),
    latestTimestampedCheckpoint: async () => sorted().filter((c) => c.timestampToken).at(-1),
    checkpointAt: async (treeSize) => bySize.get(treeSize),
    async saveCheckpoint(record) {
      if (!bySize.has(record.treeSize)) bySize.set(record.treeSize, structuredClone(record));
    },
    async setCheckpointTimestamp(treeSize, timestampToken, timestampedAt) {
      const record = bySize.get(treeSize);
      if (record && !record.timestampToken) bySize.set(treeSize, { ...record, timestampToken, timestampedAt });
    },
  };
}
