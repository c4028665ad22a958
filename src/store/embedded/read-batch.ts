/**
 * Reads asked for in the same turn of the event loop share one SQLite read transaction.
 *
 * A statement outside a transaction is a read transaction of its own, and each takes and drops a lock on the
 * write-ahead log's shared memory: two `fcntl` system calls, several microseconds each on a virtual machine. Through
 * the gateway a package makes nine reads, and most of them wait for the same fsync (group-commit.ts), so they are
 * ready at the same moment: in one transaction they share one lock (docs/performance.md). Every read of a batch sees
 * the same snapshot, taken when the batch runs, after every commit this process made before it.
 */
import type Database from 'better-sqlite3';

interface PendingRead {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class ReadBatch {
  private pending: PendingRead[] = [];
  private readonly runAll: Database.Transaction<(batch: PendingRead[]) => void>;

  constructor(private readonly db: Database.Database, private readonly translate: (error: unknown) => unknown) {
    this.runAll = db.transaction((batch: PendingRead[]) => {
      for (const read of batch) this.runOne(read);
    });
  }

  /** Runs `work` (which must only read) with the other reads of this turn; settles with its result or error. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      // A microtask, not the next turn: the reads released by one fsync are all queued before it runs.
      if (this.pending.length === 1) queueMicrotask(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    // One read alone: a transaction around it would only add its BEGIN and COMMIT.
    if (batch.length === 1) {
      this.runOne(batch[0]!);
      return;
    }
    try {
      this.runAll.deferred(batch);
    } catch (error) {
      // BEGIN or COMMIT failed (the database closed under it): the reads that had not answered yet are refused.
      const failure = this.translate(error);
      for (const read of batch) read.reject(failure);
    }
  }

  private runOne(read: PendingRead): void {
    try {
      read.resolve(read.work());
    } catch (error) {
      read.reject(this.translate(error));
    }
  }
}
