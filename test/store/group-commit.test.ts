/**
 * The embedded store's group commit: what a caller may rely on. The fsync is the one thing injected here (a power
 * loss or a failing disk cannot be produced on demand); the SQLite transactions are real.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
