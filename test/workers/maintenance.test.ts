/**
 * Maintenance: raw-package retention (receipts always kept, nothing removed that a recipient has not received),
 * the stuck-delivery sweeper, and the scheduled hooks for the revocation caches and the ledger checkpoints.
 */
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { applyPackageRetention } from '../../src/exchange/delivery/package-retention.js';
import { sweepStuckDeliveries } from '../../src/exchange/delivery/sweep-stuck.js';
import { acceptPackage, addAgency, allReceipts, openTestAxis, SENDER, type TestAxis } from '../delivery/harness.js';
import { REDIS_URL } from '../delivery/redis-fixture.js';
import { startTestWorkers, type TestWorkers } from './worker-fixture.js';
import { setUpStep } from '../support/delivery-step.js';
import { waitFor } from '../support/wait-for.js';

const PULL = '000.00.00.K09';

describe('maintenance', () => {
  let axis: TestAxis;
  let workers: TestWorkers | undefined;
  beforeEach(async () => {
    axis = await openTestAxis();
    await addAgency(axis.store, SENDER);
    await addAgency(axis.store, PULL);
  });
  afterEach(async () => {
    await workers?.dispose();
    workers = undefined;
    await axis.close();
  });

  it('retention removes the raw bytes of old packages every recipient has, and keeps envelopes and receipts', async () => {
    const received = await acceptPackage(axis.store, { to: [PULL] });
    const waiting = await acceptPackage(axis.store, { to: [PULL] });
    const [d] = received.deliveries;
    await axis.store.transitionDelivery(d!.id, { step: setUpStep(['available'], 'fetched'), patch: { fetchedAt: new Date().toISOString() } });
    const receiptsBefore = await allReceipts(axis.store);

    // Young packages stay whatever their state.
    expect((await applyPackageRetention(axis.store, { keepRawPackagesDays: 30 })).removed).toEqual([]);
    // Off by default.
    expect((await applyPackageRetention(axis.store, { keepRawPackagesDays: undefined }, { now: new Date(Date.now() + 400 * 86_400_000) })).removed).toEqual([]);

    const later = new Date(Date.now() + 31 * 86_400_000);
    const run = await applyPackageRetention(axis.store, { keepRawPackagesDays: 30 }, { now: later });
    expect(run.removed).toEqual([received.envelope.sha256]);
    expect(await axis.store.blobs.has(received.envelope.sha256)).toBe(false);
    expect(await axis.store.blobs.has(waiting.envelope.sha256)).toBe(true);
    expect(await axis.store.getEnvelope(received.envelope.id)).toMatchObject({ sha256: received.envelope.sha256 });
    expect(await allReceipts(axis.store)).toEqual(receiptsBefore);
  });

  it('the sweeper enqueues exactly the pending and retrying deliveries that have no job', async () => {
    await addAgency(axis.store, '000.00.00.H41', 'http://127.0.0.1:9/');
    workers = await startTestWorkers(axis, { roles: { delivery: false, maintenance: false } });
    const a = await acceptPackage(axis.store, { to: ['000.00.00.H41', PULL] });
    const b = await acceptPackage(axis.store, { to: ['000.00.00.H41'] });
    const [pa] = a.deliveries.filter((x) => x.state === 'pending');
    const [pb] = b.deliveries;
    await workers.queue.enqueueDeliveries([pa!.id]);
    const first = await sweepStuckDeliveries(axis.store, workers.queue);
    expect(first).toEqual({ checked: 2, enqueued: [pb!.id], cursor: 0 });
    expect(await workers.queue.hasJob(pb!.id)).toBe(true);
    expect((await sweepStuckDeliveries(axis.store, workers.queue)).enqueued).toEqual([]);
  });

  it('a sweep bounded to a few deliveries goes on where the last one stopped and round to the start: newer deliveries are never hidden behind an old backlog', async () => {
    await addAgency(axis.store, '000.00.00.H41', 'http://127.0.0.1:9/');
    workers = await startTestWorkers(axis, { roles: { delivery: false, maintenance: false } });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await acceptPackage(axis.store, { to: ['000.00.00.H41'] })).deliveries[0]!.id);
    const seqOf = async (id: string): Promise<number> => (await axis.store.getDelivery(id))!.seq;
    const sweep = (cursor: number) => sweepStuckDeliveries(axis.store, workers!.queue, { pageSize: 2, maxChecked: 3, cursor });

    const first = await sweep(0);
    expect(first).toEqual({ checked: 3, enqueued: ids.slice(0, 3), cursor: await seqOf(ids[2]!) });
    const second = await sweep(first.cursor);
    expect(second).toEqual({ checked: 3, enqueued: ids.slice(3, 6), cursor: await seqOf(ids[5]!) });
    // The last one, then round to the start (whose jobs are there) for the rest of the run.
    const third = await sweep(second.cursor);
    expect(third).toEqual({ checked: 3, enqueued: [ids[6]], cursor: await seqOf(ids[1]!) });
    for (const id of ids) expect(await workers.queue.hasJob(id)).toBe(true);
    // A run that goes all the way round ends where it started and hands back 0.
    expect(await sweepStuckDeliveries(axis.store, workers.queue, { pageSize: 2, cursor: await seqOf(ids[3]!) })).toEqual({ checked: 7, enqueued: [], cursor: 0 });
    // A cursor that is not a seq (a damaged Redis key) starts from the first.
    expect((await sweepStuckDeliveries(axis.store, workers.queue, { maxChecked: 1, cursor: Number.NaN })).cursor).toBe(await seqOf(ids[0]!));
  });

  it('the maintenance worker keeps the sweep cursor in Redis between runs', async () => {
    await addAgency(axis.store, '000.00.00.H41', 'http://127.0.0.1:9/');
    workers = await startTestWorkers(axis, { roles: { delivery: false, maintenance: true }, schedule: { sweepEveryMs: 3_600_000, sweepMaxChecked: 2 } });
    const redis = new Redis(REDIS_URL);
    onTestFinished(() => void redis.quit());
    const cursorKey = `${workers.prefix}:sweep:cursor`;
    // The start-up sweep (nothing to see yet) has written its cursor.
    await waitFor(async () => expect(await redis.get(cursorKey)).toBe('0'));
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await acceptPackage(axis.store, { to: ['000.00.00.H41'] })).deliveries[0]!.id);
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await workers.maintenance!.runTask('sweep-stuck-deliveries'));
    expect(runs).toEqual([{ checked: 2, enqueued: 2 }, { checked: 2, enqueued: 2 }, { checked: 2, enqueued: 1 }]);
    for (const id of ids) expect(await workers.queue.hasJob(id)).toBe(true);
    expect(await redis.get(cursorKey)).toBe(String((await axis.store.getDelivery(ids[0]!))!.seq));
  });

  it('runs the revocation refresh and ledger checkpoint hooks on their schedule, and keeps going after one fails', async () => {
    let refreshes = 0;
    let checkpoints = 0;
    workers = await startTestWorkers(axis, {
      roles: { delivery: false, maintenance: true },
      schedule: { revocationRefreshEveryMs: 200, ledgerCheckpointEveryMs: 200, sweepEveryMs: 10_000 },
      hooks: {
        refreshRevocation: async () => {
          refreshes += 1;
          if (refreshes === 1) throw new Error('CRL distribution point unreachable');
        },
        checkpointLedger: async () => { checkpoints += 1; },
      },
    });
    await waitFor(() => expect(refreshes).toBeGreaterThanOrEqual(3));
    await waitFor(() => expect(checkpoints).toBeGreaterThanOrEqual(2));
    expect(workers.log.lines.some((l) => l.level === 'error' && /CRL distribution point unreachable/.test(String(l.details['err'])))).toBe(true);
    const schedulers = await workers.maintenance!.queue.getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual(['ledger-checkpoint', 'revocation-refresh', 'sweep-stuck-deliveries']);
  });

  it('schedules retention only when a retention period is configured', async () => {
    workers = await startTestWorkers(axis, { roles: { delivery: false, maintenance: true }, retention: { keepRawPackagesDays: 3650 } });
    const keys = (await workers.maintenance!.queue.getJobSchedulers()).map((s) => s.key);
    expect(keys).toContain('package-retention');
    expect(await workers.maintenance!.runTask('package-retention')).toEqual({ removed: 0 });
  });
});
