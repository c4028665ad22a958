/**
 * The embedded store's group commit: what a caller may rely on. The fsync is the one thing injected here (a power
 * loss or a failing disk cannot be produced on demand); the SQLite transactions are real.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureConnection } from '../../src/store/embedded/connection.js';
import { GroupCommit } from '../../src/store/embedded/group-commit.js';

/** An fsync that finishes only when the test says so. */
function controlledSync() {
  const calls: { finish: () => void; fail: (error: Error) => void }[] = [];
  const sync = () => new Promise<void>((resolve, reject) => calls.push({ finish: resolve, fail: reject }));
  return { sync, calls };
}

const settled = async (promise: Promise<unknown>): Promise<boolean> => {
  let done = false;
  promise.then(() => { done = true; }, () => { done = true; });
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('group commit', () => {
  let db: Database.Database;
  beforeEach(() => {
    db = new Database(':memory:');
    db.exec('CREATE TABLE facts (id TEXT PRIMARY KEY)');
  });
  afterEach(() => db.close());
  const insert = (id: string) => () => db.prepare('INSERT INTO facts (id) VALUES (?)').run(id).changes;
  const count = () => (db.prepare('SELECT COUNT(*) AS n FROM facts').get() as { n: number }).n;

  it('tells no writer and no reader about a commit before it is on disk', async () => {
    const { sync, calls } = controlledSync();
    const commits = new GroupCommit(db, { translate: (e) => e, sync });
    const write = commits.write(insert('a'));
    expect(await settled(write)).toBe(false);
    expect(calls).toHaveLength(1);
    const read = commits.durable();
    expect(await settled(read)).toBe(false);
    calls[0]!.finish();
    await expect(write).resolves.toBe(1);
    await expect(read).resolves.toBeUndefined();
    await expect(commits.durable()).resolves.toBeUndefined();
  });

  it('shares one transaction and one fsync among the writes of one turn, and undoes a failing one alone', async () => {
    const { sync, calls } = controlledSync();
    const commits = new GroupCommit(db, { translate: (e) => e, sync });
    const writes = [commits.write(insert('a')), commits.write(insert('a')), commits.write(insert('b'))];
    expect(await settled(writes[0]!)).toBe(false);
    expect(calls).toHaveLength(1);
    calls[0]!.finish();
    const results = await Promise.allSettled(writes);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(count()).toBe(2);
  });

  it('covers commits made during an fsync by the next one, never by the one already running', async () => {
    const { sync, calls } = controlledSync();
    const commits = new GroupCommit(db, { translate: (e) => e, sync });
    const first = commits.write(insert('a'));
    await settled(first);
    const second = commits.write(insert('b'));
    await settled(second);
    expect(calls).toHaveLength(1);
    calls[0]!.finish();
    await expect(first).resolves.toBe(1);
    expect(await settled(second)).toBe(false);
    expect(calls).toHaveLength(2);
    calls[1]!.finish();
    await expect(second).resolves.toBe(1);
  });

  it('fails closed when the disk cannot be flushed: the waiting writers and everything after are refused', async () => {
    const { sync, calls } = controlledSync();
    const commits = new GroupCommit(db, { translate: (e) => e, sync });
    const write = commits.write(insert('a'));
    await settled(write);
    calls[0]!.fail(new Error('EIO'));
    await expect(write).rejects.toMatchObject({ code: 'STORE_NOT_DURABLE' });
    await expect(commits.write(insert('b'))).rejects.toMatchObject({ code: 'STORE_NOT_DURABLE' });
    await expect(commits.durable()).rejects.toMatchObject({ code: 'STORE_NOT_DURABLE' });
    expect(count()).toBe(1);
  });

  it('commits and flushes what was asked for before the database closes', async () => {
    const commits = new GroupCommit(db, { translate: (e) => e, sync: async () => undefined });
    const write = commits.write(insert('a'));
    await commits.drain();
    await expect(write).resolves.toBe(1);
    expect(count()).toBe(1);
  });
});

describe('group commit on the embedded store connection', () => {
  /** Writes of one group, each touching pages in its own savepoint; the last one lists SQLite's temporary files. */
  async function temporaryFilesDuringGroup(configure: (db: Database.Database) => void): Promise<string[]> {
    const dir = mkdtempSync(path.join(tmpdir(), 'edx-group-commit-'));
    const db = new Database(path.join(dir, 'axis.sqlite'));
    try {
      configure(db);
      db.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, bytes BLOB NOT NULL)');
      db.prepare('INSERT INTO blobs (id, bytes) VALUES (?, ?)').run(0, randomBytes(256 * 1024));
      const commits = new GroupCommit(db, { translate: (e) => e, sync: async () => undefined });
      // Each write rewrites the same large row: its old pages go to the savepoint journal, well past 64 KiB in all.
      const rewrites = Array.from({ length: 8 }, () => commits.write(() => db.prepare('UPDATE blobs SET bytes = ? WHERE id = 0').run(randomBytes(256 * 1024))));
      const seen = commits.write(() => readdirSync('/proc/self/fd').map((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`);
        } catch {
          return '';
        }
      }).filter((target) => /etilqs_/.test(target)));
      await Promise.all(rewrites);
      return await seen;
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('keeps the savepoint journals in memory: no temporary file is written while a group commits', async () => {
    // The check can see them: SQLite's defaults do spill to a temporary file.
    expect(await temporaryFilesDuringGroup((db) => db.pragma('journal_mode = WAL'))).not.toEqual([]);
    expect(await temporaryFilesDuringGroup((db) => configureConnection(db, 1000))).toEqual([]);
  });
});

describe('the embedded store connection', () => {
  it('checkpoints the log at about 4 MiB, whatever the page size (the checkpoint runs on the event loop)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'edx-connection-'));
    try {
      const fresh = new Database(path.join(dir, 'new.sqlite'));
      configureConnection(fresh, 1000);
      expect([fresh.pragma('page_size', { simple: true }), fresh.pragma('wal_autocheckpoint', { simple: true })]).toEqual([16384, 256]);
      fresh.close();
      const older = new Database(path.join(dir, 'old.sqlite'));
      older.pragma('page_size = 4096');
      older.pragma('journal_mode = WAL');
      configureConnection(older, 1000);
      expect([older.pragma('page_size', { simple: true }), older.pragma('wal_autocheckpoint', { simple: true })]).toEqual([4096, 1024]);
      older.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
