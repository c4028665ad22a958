/**
 * The embedded store's side of the transparency log (src/ledger's LedgerStore): the leaves are read straight from the
 * receipts table by seq; checkpoints and the cached subtrees live in tables of their own (schema migration 5). Writes
 * go through the store's group commit, reads through its read batch, like every other record.
 */
import type Database from 'better-sqlite3';
import type { CheckpointRecord, LedgerStore, SubtreeCache } from '../../ledger/index.js';
import type { ReceiptRecord } from '../../exchange/model/index.js';
import type { InlineAccess } from './embedded-blob-store.js';

interface CheckpointRow {
  tree_size: number;
  root: string;
  note: string;
  token: string | null;
  timestamped_at: string | null;
  created_at: string;
  frontier: string;
}

function checkpointOf(row: CheckpointRow | undefined): CheckpointRecord | undefined {
  if (!row) return undefined;
  return {
    treeSize: row.tree_size,
    rootHash: row.root,
    note: row.note,
    ...(row.token !== null ? { timestampToken: row.token } : {}),
    ...(row.timestamped_at !== null ? { timestampedAt: row.timestamped_at } : {}),
    createdAt: row.created_at,
    frontier: JSON.parse(row.frontier) as CheckpointRecord['frontier'],
  };
}

const whole = (n: number): number => Math.max(0, Math.floor(n));

function prepareLedgerStatements(db: Database.Database) {
  return {
    chainLength: db.prepare<[], { n: number | null }>('SELECT MAX(seq) AS n FROM receipts'),
    hashes: db.prepare<[number, number], { hash: string }>('SELECT hash FROM receipts WHERE seq >= ? AND seq < ? ORDER BY seq'),
    bySeq: db.prepare<[number], { body: string }>('SELECT body FROM receipts WHERE seq = ?'),
    after: db.prepare<[number, number], { body: string }>('SELECT body FROM receipts WHERE seq > ? ORDER BY seq LIMIT ?'),
    latest: db.prepare<[], CheckpointRow>('SELECT * FROM checkpoints ORDER BY tree_size DESC LIMIT 1'),
    latestStamped: db.prepare<[], CheckpointRow>('SELECT * FROM checkpoints WHERE token IS NOT NULL ORDER BY tree_size DESC LIMIT 1'),
    at: db.prepare<[number], CheckpointRow>('SELECT * FROM checkpoints WHERE tree_size = ?'),
    checkpointsAfter: db.prepare<[number, number], CheckpointRow>('SELECT * FROM checkpoints WHERE tree_size > ? ORDER BY tree_size LIMIT ?'),
    // Two workers racing on the same size: the first one kept wins, the second changes nothing.
    save: db.prepare<[number, string, string, string | null, string | null, string, string]>(
      'INSERT OR IGNORE INTO checkpoints (tree_size, root, note, token, timestamped_at, created_at, frontier) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    stamp: db.prepare<[string, string, number]>('UPDATE checkpoints SET token = ?, timestamped_at = ? WHERE tree_size = ? AND token IS NULL'),
    node: db.prepare<[number, number], { hash: Buffer }>('SELECT hash FROM ledger_nodes WHERE level = ? AND idx = ?'),
    putNode: db.prepare<[number, number, Buffer]>('INSERT OR IGNORE INTO ledger_nodes (level, idx, hash) VALUES (?, ?, ?)'),
  };
}

export class EmbeddedLedgerStore implements LedgerStore {
  readonly subtrees: SubtreeCache;
  private readonly sql: ReturnType<typeof prepareLedgerStatements>;

  constructor(db: Database.Database, private readonly access: InlineAccess) {
    this.sql = prepareLedgerStatements(db);
    const { sql } = this;
    this.subtrees = {
      get: (level, index) => access.read(() => sql.node.get(level, index)?.hash),
      put: async (level, index, hash) => {
        await access.write(() => sql.putNode.run(level, index, hash));
      },
    };
  }

  chainLength(): Promise<number> {
    return this.access.read(() => this.sql.chainLength.get()?.n ?? 0);
  }

  receiptHashes(fromSeq: number, toSeq: number): Promise<string[]> {
    return this.access.read(() => this.sql.hashes.all(fromSeq, toSeq).map((row) => row.hash));
  }

  receiptBySeq(seq: number): Promise<ReceiptRecord | undefined> {
    return this.access.read(() => {
      const row = this.sql.bySeq.get(seq);
      return row ? (JSON.parse(row.body) as ReceiptRecord) : undefined;
    });
  }

  receiptsAfter(afterSeq: number, limit: number): Promise<ReceiptRecord[]> {
    return this.access.read(() => this.sql.after.all(afterSeq, whole(limit)).map((row) => JSON.parse(row.body) as ReceiptRecord));
  }

  latestCheckpoint(): Promise<CheckpointRecord | undefined> {
    return this.access.read(() => checkpointOf(this.sql.latest.get()));
  }

  latestTimestampedCheckpoint(): Promise<CheckpointRecord | undefined> {
    return this.access.read(() => checkpointOf(this.sql.latestStamped.get()));
  }

  checkpointAt(treeSize: number): Promise<CheckpointRecord | undefined> {
    return this.access.read(() => checkpointOf(this.sql.at.get(treeSize)));
  }

  checkpointsAfter(afterSize: number, limit: number): Promise<CheckpointRecord[]> {
    return this.access.read(() => this.sql.checkpointsAfter.all(afterSize, whole(limit)).map((row) => checkpointOf(row)!));
  }

  async saveCheckpoint(record: CheckpointRecord): Promise<void> {
    await this.access.write(() => this.sql.save.run(
      record.treeSize, record.rootHash, record.note, record.timestampToken ?? null, record.timestampedAt ?? null, record.createdAt, JSON.stringify(record.frontier),
    ));
  }

  async setCheckpointTimestamp(treeSize: number, timestampToken: string, timestampedAt: string): Promise<void> {
    await this.access.write(() => this.sql.stamp.run(timestampToken, timestampedAt, treeSize));
  }
}
