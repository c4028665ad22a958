/**
 * Redis restarted (empty: no persistence) in the middle of a run. The workers reconnect by themselves, the
 * maintenance worker restores its schedules and sweeps, and the store, the source of truth, gets every delivery
 * done, including packages accepted while Redis was down. The Redis killed here is a private one on a free port:
 * the shared Redis on 6379 carries every other test file running in parallel and must stay up.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptPackage, addAgency, allReceipts, openTestAxis, SENDER, startReceiver, verifyReceiptChain, waitForDeliveries,
  type TestAxis, type TestReceiver,
} from '../delivery/harness.js';
import { createBullmqDeliveryQueue } from '../../src/queue/bullmq/delivery-queue.js';
import { REDIS_URL, startPrivateRedis, type PrivateRedis } from '../delivery/redis-fixture.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers, type TestWorkers } from './worker-fixture.js';

const RECIPIENT = '000.00.00.H41';

/** The shared Redis's run id: it changes when that server is restarted, which this file must never do. */
async function sharedRunId(): Promise<string> {
  const shared = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  shared.on('error', () => undefined);
  try {
    return /run_id:(\w+)/.exec(await shared.info('server'))?.[1] ?? '';
  } finally {
    shared.disconnect();
  }
}

/**
 * A crash and an empty Redis back on the same port, as on the CI machine. `whileDown` runs during the outage, which
 * lasts until `noticed` (the workers have seen Redis go).
 */
async function restartRedis(redis: PrivateRedis, whileDown: () => Promise<void>, noticed: () => void): Promise<void> {
  await redis.stop();
  try {
    await whileDown();
    await waitFor(noticed);
  } finally {
    await redis.start();
  }
}

describe('Redis restarted mid-run', () => {
  let axis: TestAxis;
  let receiver: TestReceiver;
  let workers: TestWorkers | undefined;
  let redis: PrivateRedis;
  let sharedBefore: string;

  beforeAll(async () => {
    sharedBefore = await sharedRunId();
    redis = await startPrivateRedis();
    axis = await openTestAxis();
    receiver = await startReceiver(axis.identity.certificateDer);
    await addAgency(axis.store, SENDER);
    await addAgency(axis.store, RECIPIENT, receiver.url);
  });
  afterAll(async () => {
    await workers?.dispose();
    await receiver.close();
    await axis.close();
    await redis.close();
  });

  it('every delivery completes once Redis is back, each delivered exactly once', async () => {
    // Some failures leave deliveries retrying with delayed jobs, which the restart wipes out with the rest.
    // From the 11th push on, answers wait for Redis to go down: the outage lands mid-run, whatever the machine's speed.
    let down!: () => void;
    const redisDown = new Promise<void>((resolve) => { down = resolve; });
    receiver.behave(({ index }) => ({ status: index % 5 === 0 ? 503 : 200, delayMs: 40, ...(index >= 10 ? { after: redisDown } : {}) }));
    workers = await startTestWorkers(axis, { redisUrl: redis.url, concurrency: 4, schedule: { sweepEveryMs: 1000 } });
    // The gateway's producer: its own connection, as src/main opens it.
    const gateway = createBullmqDeliveryQueue({ redisUrl: redis.url, prefix: workers.prefix, depthMetrics: false, enqueueTimeoutMs: 300 });
    const ids: string[] = [];
    for (let i = 0; i < 80; i += 1) ids.push(...(await acceptPackage(axis.store, { to: [RECIPIENT] })).deliveries.map((d) => d.id));
    await gateway.enqueueDeliveries(ids);
    await waitFor(() => expect(receiver.processed.size).toBeGreaterThanOrEqual(10), { interval: 10 });

    // Accepted while Redis is down: the store commits, the enqueue gives up quietly, the sweeper takes over.
    let processedAtOutage = 0;
    await restartRedis(redis, async () => {
      processedAtOutage = receiver.processed.size;
      down();
      for (let i = 0; i < 5; i += 1) {
        const batch = (await acceptPackage(axis.store, { to: [RECIPIENT] })).deliveries.map((d) => d.id);
        ids.push(...batch);
        await gateway.enqueueDeliveries(batch);
      }
    }, () => expect(workers!.log.lines.some((l) => /Redis error/.test(l.message))).toBe(true));
    expect(processedAtOutage).toBeLessThan(80);
    // Accepted after the restart: the gateway's connection is back too, and its enqueues land.
    const after: string[] = [];
    for (let i = 0; i < 10; i += 1) after.push(...(await acceptPackage(axis.store, { to: [RECIPIENT] })).deliveries.map((d) => d.id));
    // The gateway's connection comes back by itself within its reconnect back-off (at most 2 s between tries).
    await waitFor(() => gateway.enqueueOrThrow(after), { interval: 200 });
    ids.push(...after);

    const done = await waitForDeliveries(axis.store, ids, ['delivered'], 40_000);
    expect(done).toHaveLength(ids.length);
    expect(receiver.processed.size).toBe(ids.length);
    expect([...receiver.processed.values()].every((n) => n === 1)).toBe(true);
    const receipts = await allReceipts(axis.store);
    expect(receipts.filter((r) => r.type === 'delivered').map((r) => r.deliveryId).sort()).toEqual([...ids].sort());
    expect(verifyReceiptChain(receipts, { certificates: [axis.identity.certificateDer] }).valid).toBe(true);
    expect(workers.log.lines.some((l) => /Redis is back/.test(l.message))).toBe(true);
    await gateway.close();
    // The shared Redis never went down: other test files kept their nonces and queues.
    expect(await sharedRunId()).toBe(sharedBefore);
  });
});
