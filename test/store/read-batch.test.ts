/** The embedded store's read batch: reads of one turn share one SQLite read transaction, and fail alone. */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReadBatch } from '../../src/store/embedded/read-batch.js';

describe('read batch', () => {
  let db: Database.Database;
  beforeEach(() => {
    db = new Database(':memory:');
    db.exec("CREATE TABLE facts (id TEXT PRIMARY KEY); INSERT INTO facts VALUES ('a'), ('b')");
  });
  afterEach(() => {
    if (db.open) db.close();
  });
  const translate = (error: unknown) => Object.assign(new Error('translated'), { code: 'STORE_FAILED', cause: error });

  it('runs the reads asked for in one turn inside one read transaction, and a lone read without one', async () => {
    const reads = new ReadBatch(db, translate);
    const inTransaction = () => db.inTransaction;
    expect(await Promise.all([reads.run(inTransaction), reads.run(inTransaction), reads.run(inTransaction)])).toEqual([true, true, true]);
    expect(await reads.run(inTransaction)).toBe(false);
    // Released together by one awaited promise (as the reads waiting for one fsync are): still one batch.
    const gate = Promise.resolve();
    const later = await Promise.all([1, 2].map(async () => {
      await gate;
      return reads.run(inTransaction);
    }));
    expect(later).toEqual([true, true]);
    expect(db.inTransaction).toBe(false);
  });

  it('answers each read with its own result, and refuses a failing read alone, its error translated', async () => {
    const reads = new ReadBatch(db, translate);
    const count = () => (db.prepare('SELECT COUNT(*) AS n FROM facts').get() as { n: number }).n;
    const results = await Promise.allSettled([
      reads.run(count),
      reads.run(() => db.prepare('SELECT * FROM no_such_table').all()),
      reads.run(() => db.prepare('SELECT id FROM facts ORDER BY id').all()),
    ]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 2 });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { code: 'STORE_FAILED', message: 'translated' } });
    expect(results[2]).toEqual({ status: 'fulfilled', value: [{ id: 'a' }, { id: 'b' }] });
    // The batch's transaction ended: a write goes through.
    db.prepare("INSERT INTO facts VALUES ('c')").run();
    expect(await reads.run(count)).toBe(3);
  });

  it('refuses every read of a batch that cannot start (the database closed under it)', async () => {
    const reads = new ReadBatch(db, translate);
    const pending = [reads.run(() => 1), reads.run(() => 2)];
    db.close();
    for (const read of await Promise.allSettled(pending)) expect(read).toMatchObject({ status: 'rejected', reason: { code: 'STORE_FAILED' } });
  });
});
