/**
 * The delivery worker when deliver() itself throws (the store unreachable, a bug): the job backs off exponentially,
 * counted per job across consecutive errors and kept in the job's data (a restarted worker carries on the count),
 * reset once deliver() answers again; the delivery's attempts are not touched and it is never dead-lettered for it.
 * Real Redis, real embedded store behind a switch that makes getDelivery throw, a real receiver on 127.0.0.1.
 */
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliverDeps } from '../../src/exchange/delivery/deliver.js';
import { deliveryPolicy, type DeliveryPolicyOverrides } from '../../src/exchange/delivery/delivery-policy.js';
import { createHttpPushClient, type HttpPushClient } from '../../src/push/http-push-client.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createBullmqDeliveryQueue, type BullmqDeliveryQueue } from '../../src/queue/bullmq/delivery-queue.js';
import { openRedis, workerRedisOptions } from '../../src/queue/bullmq/redis-options.js';
import { deliveryJobId, type DeliveryJobData } from '../../src/queue/names.js';
import type { Store } from '../../src/exchange/ports/index.js';
import { startDeliveryWorker, type RunningWorker } from '../../workers/delivery-worker.js';
import { acceptPackage, addAgency, openTestAxis, SENDER, startReceiver, waitForDeliveries, type TestAxis, type TestReceiver } from '../delivery/harness.js';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../delivery/redis-fixture.js';
import { memoryLogger, type LogLine } from './worker-fixture.js';
import { waitFor } from '../support/wait-for.js';
import { LOOPBACK_PUSH } from '../support/loopback-push.js';

const RECIPIENT = '000.00.00.H41';
/** Small values for the test: 100, 200, 400, 800 ms (random() = 1 draws the top of each step). */
const ERROR_BACKOFF = { baseMs: 100, maxMs: 800 };

/** The store, except that getDelivery throws while `failing` says so (a store that is unreachable, or a bug). */
function switchableStore(store: Store): { store: Store; fail(decide: () => boolean): void; throwsAt: number[] } {
  let decide: () => boolean = () => false;
  const throwsAt: number[] = [];
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'getDelivery') {
        return async (id: string) => {
          if (decide()) {
            throwsAt.push(Date.now());
            throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27017 (the store is unreachable)'), { code: 'STORE_MONGO_UNREACHABLE' });
          }
          return target.getDelivery(id);
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: proxy, fail(next) { decide = next; }, throwsAt };
}

const errorLines = (lines: LogLine[]): LogLine[] => lines.filter((l) => l.level === 'error' && l.message.startsWith('delivery job failed unexpectedly'));

describe('the delivery worker when deliver() throws', () => {
  let axis: TestAxis;
  let receiver: TestReceiver;
  let push: HttpPushClient;
  let queue: BullmqDeliveryQueue;
  let prefix: string;
  const connections: Redis[] = [];
  const workers: RunningWorker[] = [];

  beforeEach(async () => {
    axis = await openTestAxis();
    receiver = await startReceiver(axis.identity.certificateDer);
    await addAgency(axis.store, SENDER);
    await addAgency(axis.store, RECIPIENT, receiver.url);
    push = createHttpPushClient({ endpoints: LOOPBACK_PUSH });
    prefix = uniquePrefix('uerr');
    queue = createBullmqDeliveryQueue({ redisUrl: REDIS_URL, prefix, depthMetrics: false });
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.close(2000);
    for (const redis of connections.splice(0)) redis.disconnect();
    await queue.close();
    push.close();
    await dropPrefix(prefix);
    await receiver.close();
    await axis.close();
  });

  function start(store: Store, logger: ReturnType<typeof memoryLogger>, policy: DeliveryPolicyOverrides = {}): RunningWorker {
    const connection = openRedis(REDIS_URL, workerRedisOptions());
    connections.push(connection);
    const deps: DeliverDeps = {
      store,
      push,
      identity: axis.identity,
      policy: deliveryPolicy({ baseDelayMs: 50, maxDelayMs: 50, minDelayMs: 50, connectTimeoutMs: 500, responseTimeoutMs: 500, ...policy }),
      observer: createMetrics().deliveryObserver,
      alert: () => undefined,
    };
    const running = startDeliveryWorker({
      connection, prefix, deps, logger, concurrency: 4, lockDurationMs: 3000, stalledIntervalMs: 1000,
      errorBackoff: ERROR_BACKOFF, random: () => 1,
    });
    workers.push(running);
    return running;
  }

  it('backs off 100, 200, 400, 800, 800 ms over five errors in a row, spending no attempt, then delivers once', async () => {
    const flaky = switchableStore(axis.store);
    let left = 5;
    flaky.fail(() => left-- > 0);
    const log = memoryLogger();
    // One attempt allowed: were an unexpected error counted as an attempt, the delivery would be dead at once.
    start(flaky.store, log, { maxAttempts: 1 });
    const { deliveries } = await acceptPackage(axis.store, { to: [RECIPIENT] });
    const id = deliveries[0]!.id;
    await queue.enqueueDeliveries([id]);

    await waitFor(() => expect(errorLines(log.lines)).toHaveLength(5));
    expect(errorLines(log.lines).map((l) => [l.details['unexpectedErrors'], l.details['delayMs']])).toEqual([[1, 100], [2, 200], [3, 400], [4, 800], [5, 800]]);
    expect(errorLines(log.lines).every((l) => l.details['deliveryId'] === id && l.details['code'] === 'STORE_MONGO_UNREACHABLE')).toBe(true);
    // Between errors the delivery is untouched in the store: no attempt, no dead letter; its lastError says why it
    // waits (written once, at the third error in a row).
    expect(await axis.store.getDelivery(id)).toMatchObject({ state: 'pending', attempts: 0, lastError: expect.stringMatching(/^DELIVERY_AXIS_ERROR: the axis failed 3 times in a row .*: STORE_MONGO_UNREACHABLE: connect ECONNREFUSED/) });

    const [done] = await waitForDeliveries(axis.store, [id], ['delivered', 'dead'], 15_000);
    expect(done).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(done!.lastError).toBeUndefined();
    expect(receiver.processed.get(id)).toBe(1);
    // The job really waited each delay: the gaps between the store's failures grow with the backoff.
    const gaps = flaky.throwsAt.slice(1).map((t, i) => t - flaky.throwsAt[i]!);
    expect(gaps).toHaveLength(4);
    [100, 200, 400, 800].forEach((delay, i) => expect(gaps[i]).toBeGreaterThanOrEqual(delay - 10));
    // And they grow: the last wait is longer than the first by most of the 700 ms between them. A difference, not a
    // ratio: BullMQ's promotion of a delayed job and a loaded machine add about the same to every gap.
    expect(gaps[3]! - gaps[0]!).toBeGreaterThan(400);
  });

  it('starts counting again once deliver() has answered normally in between', async () => {
    const flaky = switchableStore(axis.store);
    // getDelivery calls: throw, throw, answer (push 503 -> retry), throw, throw, answer (push 202 -> delivered).
    const script = [true, true, false, true, true];
    flaky.fail(() => script.shift() ?? false);
    receiver.behave(({ attempt }) => (attempt === 1 ? { status: 503 } : { status: 202 }));
    const log = memoryLogger();
    start(flaky.store, log);
    const { deliveries } = await acceptPackage(axis.store, { to: [RECIPIENT] });
    const id = deliveries[0]!.id;
    await queue.enqueueDeliveries([id]);

    const [done] = await waitForDeliveries(axis.store, [id], ['delivered', 'dead'], 15_000);
    expect(done).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(errorLines(log.lines).map((l) => [l.details['unexpectedErrors'], l.details['delayMs']])).toEqual([[1, 100], [2, 200], [1, 100], [2, 200]]);
  });

  it('keeps the count in the job (same job id, the delivery id) so a restarted worker carries on with it', async () => {
    const flaky = switchableStore(axis.store);
    let failing = true;
    flaky.fail(() => failing);
    const first = memoryLogger();
    const worker = start(flaky.store, first);
    const { deliveries } = await acceptPackage(axis.store, { to: [RECIPIENT] });
    const id = deliveries[0]!.id;
    await queue.enqueueDeliveries([id]);

    await waitFor(() => expect(errorLines(first.lines).length).toBeGreaterThanOrEqual(2));
    await worker.close(2000);
    workers.splice(workers.indexOf(worker), 1);
    const seen = errorLines(first.lines).length;
    const job = await queue.queue.getJob(deliveryJobId(id));
    expect(job?.id).toBe(id);
    expect(job?.data as DeliveryJobData).toEqual({ deliveryId: id, unexpectedErrors: seen });

    const second = memoryLogger();
    start(flaky.store, second);
    await waitFor(() => expect(errorLines(second.lines).length).toBeGreaterThanOrEqual(1));
    expect(errorLines(second.lines)[0]?.details).toMatchObject({ deliveryId: id, unexpectedErrors: seen + 1, delayMs: Math.min(800, 100 * 2 ** seen) });

    failing = false;
    const [done] = await waitForDeliveries(axis.store, [id], ['delivered', 'dead'], 15_000);
    expect(done).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(done!.lastError).toBeUndefined();
    expect(receiver.processed.get(id)).toBe(1);
  });
});
