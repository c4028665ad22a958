/**
 * Group commit for the embedded store, with the fsync off the event loop.
 *
 * Writes asked for in the same turn of the event loop share one BEGIN IMMEDIATE transaction; each runs inside its
 * own SAVEPOINT, so a write that throws is undone alone and its neighbours are kept. SQLite commits with
 * `synchronous = NORMAL` (WAL: the commit is written but not fsynced, and the database can never be corrupted by a
 * crash); then the write-ahead log is fsynced on the libuv thread pool, and only then do the writers' promises
 * settle. One fsync covers every commit made before it started, so under load many commits share one, and the event
 * loop keeps serving requests meanwhile.
 *
 * Nothing in this process observes a commit before it is durable: reads call `durable()` first and wait for the
 * fsync covering every commit made so far. A failed fsync fails the store closed (STORE_NOT_DURABLE): every later
 * write and read is refused, since what is on disk is no longer known.
 */
import type Database from 'better-sqlite3';
import { AxisError } from '../../errors/axis-error.js';

/** Writes per transaction: bounds how long one transaction holds the database's write lock. */
const MAX_GROUP = 256;

interface PendingWrite {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface DurabilityWaiter {
  generation: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface GroupCommitOptions {
  /** Turns a driver error into the store's error before a caller sees it. */
  translate: (error: unknown) => unknown;
  /** Makes everything committed so far durable (fsync of the write-ahead log). */
  sync: () => Promise<void>;
}

export class GroupCommit {
  private readonly pending: PendingWrite[] = [];
  private scheduled = false;
  /** Transactions committed so far, and how many of them are known to be on disk. */
  private committed = 0;
  private durableUpTo = 0;
  private syncing = false;
  private waiters: DurabilityWaiter[] = [];
  private failure: AxisError | undefined;

  /** A transaction function called inside a transaction runs as a SAVEPOINT: undone alone if it throws. */
  private readonly savepoint: (work: () => unknown) => unknown;
  /** Both wrappers are made once: better-sqlite3 builds a new function object for every transaction() call. */
  private readonly commitGroup: Database.Transaction<(group: PendingWrite[], outcomes: Outcome[]) => void>;

  constructor(private readonly db: Database.Database, private readonly options: GroupCommitOptions) {
    this.savepoint = db.transaction((work: () => unknown) => work());
    this.commitGroup = db.transaction((group: PendingWrite[], outcomes: Outcome[]) => {
      for (const { work } of group) {
        try {
          outcomes.push({ ok: true, value: this.savepoint(work) });
        } catch (error) {
          // Some failures (disk full, I/O) make SQLite roll back the whole transaction: then nothing is kept.
          if (!this.db.inTransaction) throw error;
          outcomes.push({ ok: false, error });
        }
      }
    });
  }

  /** Runs `work` all-or-nothing in the next transaction; resolves with its result once that commit is on disk. */
  write<T>(work: () => T): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Resolves once every commit made so far is on disk (at once when nothing is waiting for an fsync). */
  durable(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return this.durableAt(this.committed);
  }

  /** Commits everything asked for so far, now, and waits until it is on disk: before the database closes. */
  async drain(): Promise<void> {
    while (this.pending.length > 0) this.commitNext();
    await this.durable().catch(() => undefined);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.commitNext();
      if (this.pending.length > 0) this.schedule();
    });
  }

  private commitNext(): void {
    const group = this.pending.splice(0, MAX_GROUP);
    if (group.length === 0) return;
    if (this.failure) {
      for (const write of group) write.reject(this.failure);
      return;
    }
    const outcomes: Outcome[] = [];
    try {
      this.commitGroup.immediate(group, outcomes);
    } catch (error) {
      const failure = this.options.translate(error);
      for (const write of group) write.reject(failure);
      return;
    }
    this.committed += 1;
    this.durableAt(this.committed).then(
      () => group.forEach((write, i) => {
        const outcome = outcomes[i]!;
        if (outcome.ok) write.resolve(outcome.value);
        else write.reject(this.options.translate(outcome.error));
      }),
      (error: unknown) => group.forEach((write) => write.reject(error)),
    );
  }

  private durableAt(generation: number): Promise<void> {
    if (this.durableUpTo >= generation) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ generation, resolve, reject });
      this.startSync();
    });
  }

  /** One fsync at a time; the next one starts when it ends and covers every commit made meanwhile. */
  private startSync(): void {
    if (this.syncing || this.failure) return;
    this.syncing = true;
    const covers = this.committed;
    this.options.sync().then(
      () => {
        this.durableUpTo = Math.max(this.durableUpTo, covers);
        const waiting = this.waiters;
        this.waiters = waiting.filter((w) => w.generation > this.durableUpTo);
        for (const w of waiting) if (w.generation <= this.durableUpTo) w.resolve();
      },
      (error: unknown) => {
        this.failure = new AxisError('STORE_NOT_DURABLE', 'The data directory could not be flushed to disk: the embedded store stopped accepting and serving records. Check the disk, then restart the axis.', {}, { cause: error });
        for (const w of this.waiters) w.reject(this.failure);
        this.waiters = [];
      },
    ).finally(() => {
      this.syncing = false;
      if (this.waiters.length > 0) this.startSync();
    });
  }
}
