/**
 * Redis restarted (empty: no persistence) in the middle of a run. The workers reconnect by themselves, the
 * maintenance worker restores its schedules and sweeps, and the store, the source of truth, gets every delivery
 * done, including packages accepted while Redis was down. This file shuts the shared Redis down for under a
 * second: kept alone and short on purpose.
 */
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptPackage, addAgency, allReceipts, openTestAxis, SENDER, startReceiver, verifyReceiptChain, waitForDeliveries,
  type TestAxis, type TestReceiver,
} from '../delivery/harness.js';
import { createBullmqDeliveryQueue } from '../../src/queue/bullmq/delivery-queue.js';
import { REDIS_URL } from '../delivery/redis-fixture.js';
import { startTestWorkers, type TestWorkers } from './worker-fixture.js';

const RECIPIENT = '000.00.00.H41';

async function redisUp(timeoutMs: number): Promise<boolean> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      try {
        if (probe.status !== 'ready') await probe.connect();
        if ((await probe.ping()) === 'PONG') return true;
      } catch {
        probe.disconnect();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    return false;
  } finally {
    probe.disconnect();
  }
}

/** The restart the CI machine uses: an empty Redis comes back on the same port. `whileDown` runs during the outage. */
async function restartRedis(downMs: number, whileDown: () => Promise<void> = async () => undefined): Promise<void> {
  try {
    execFileSync('redis-cli', ['shutdown', 'nosave'], { stdio: 'ignore' });
  } catch {
    // redis-cli reports the dropped connection of a successful shutdown as an error.
  }
  const started = Date.now();
  try {
    await whileDown();
  } finally {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, downMs - (Date.now() - started))));
    execFileSync('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', '6379', '--save', '', '--appendonly', 'no', '--dir', '/var/lib/redis', '--logfile', '/var/log/redis/ci.log'], { stdio: 'ignore' });
  }
}

describe('Redis restarted mid-run', () => {
  let axis: TestAxis;
  let receiver: TestReceiver;
  let workers: TestWorkers | undefined;

  beforeAll(async () => {
    axis = await openTestAxis();
    receiver = await startReceiver(axis.identity.certificateDer);
    await addAgency(axis.store, SENDER);
    await addAgency(axis.store, RECIPIENT, receiver.url);
  });
  afterAll(async () => {
    // Whatever happened, leave a running Redis behind for everyone else.
    if (!(await redisUp(500))) await restartRedis(0);
    await workers?.dispose();
    await receiver.close();
    await axis.close();
  });

  it('every delivery completes once Redis is back, each delivered exactly once', async () => {
    // Some failures leave deliveries retrying with delayed jobs, which the restart wipes out with the rest.
    receiver.behave(({ index }) => (index % 5 === 0 ? { status: 503, delayMs: 40 } : { status: 200, delayMs: 40 }));
    workers = await startTestWorkers(axis, { concurrency: 4, schedule: { sweepEveryMs: 1000 } });
    // The gateway's producer: its own connection, as src/main opens it.
    const gateway = createBullmqDeliveryQueue({ redisUrl: REDIS_URL, prefix: workers.prefix, depthMetrics: false, enqueueTimeoutMs: 300 });
    const ids: string[] = [];
    for (let i = 0; i < 80; i += 1) ids.push(...(await acceptPackage(axis.store, { to: [RECIPIENT] })).deliveries.map((d) => d.id));
    await gateway.enqueueDeliveries(ids);
    await expect.poll(() => receiver.processed.size, { timeout: 20_000, interval: 10 }).toBeGreaterThanOrEqual(10);

    // Accepted while Redis is down: the store commits, the enqueue gives up quietly, the sweeper takes over.
    await restartRedis(700, async () => {
      for (let i = 0; i < 5; i += 1) {
        const batch = (await acceptPackage(axis.store, { to: [RECIPIENT] })).deliveries.map((d) => d.id);
        ids.push(...batch);
        await gateway.enqueueDeliveries(batch);
      }
    });
    expect(await redisUp(5000)).toBe(true);
    expect(receiver.processed.size).toBeLessThan(ids.length);
    // Accepted after the restart: the gateway's connection is back too, and its enqueues land.
    const after: string[] = [];
    for (let i = 0; i < 10; i += 1) after.push(...(await acceptPackage(axis.store, { to: [RECIPIENT] })).deliveries.map((d) => d.id));
    // The gateway's connection comes back by itself within its reconnect back-off (at most 2 s between tries).
    await expect.poll(() => gateway.enqueueOrThrow(after).then(() => true, () => false), { timeout: 10_000, interval: 200 }).toBe(true);
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
  });
});
