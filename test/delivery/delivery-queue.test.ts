import { afterEach, describe, expect, it } from 'vitest';
import { createBullmqDeliveryQueue, type BullmqDeliveryQueue } from '../../src/queue/bullmq/delivery-queue.js';
import { DELIVERY_JOB_OPTIONS, deliveryJobId, DELIVERY_QUEUE, MAINTENANCE_QUEUE } from '../../src/queue/names.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { dropPrefix, REDIS_URL, uniquePrefix } from './redis-fixture.js';

describe('the delivery queue on BullMQ', () => {
  const opened: { queue: BullmqDeliveryQueue; prefix: string }[] = [];
  const open = (url = REDIS_URL, extra: { depthMetrics?: ReturnType<typeof createMetrics> } & { enqueueTimeoutMs?: number; logger?: { warn(d: Record<string, unknown>, m: string): void }; onEnqueueFailure?: (n: number) => void } = {}) => {
    const prefix = uniquePrefix('queue');
    const queue = createBullmqDeliveryQueue({ redisUrl: url, prefix, ...extra });
    opened.push({ queue, prefix });
    return queue;
  };
  afterEach(async () => {
    for (const { queue, prefix } of opened.splice(0)) {
      await queue.close();
      await dropPrefix(prefix);
    }
  });

  it('gives a delivery one job whose id is the delivery id: enqueuing it again is a no-op', async () => {
    const queue = open();
    await queue.enqueueDeliveries(['dlv_a', 'dlv_b']);
    await queue.enqueueDeliveries(['dlv_a']);
    await queue.enqueueOrThrow(['dlv_a', 'dlv_b']);
    expect(await queue.queue.getJobCountByTypes('waiting', 'prioritized')).toBe(2);
    const job = await queue.queue.getJob('dlv_a');
    expect(job?.data).toEqual({ deliveryId: 'dlv_a' });
    expect(job?.opts.attempts).toBe(DELIVERY_JOB_OPTIONS.attempts);
    expect(await queue.hasJob('dlv_a')).toBe(true);
    expect(await queue.hasJob('dlv_zzz')).toBe(false);
    expect(await queue.depth()).toEqual({ waiting: 2, active: 0, delayed: 0, failed: 0 });
  });

  it('enqueues asked for at once all land, one job per delivery even when a delivery is asked for twice', async () => {
    const queue = open();
    const ids = Array.from({ length: 40 }, (_, i) => `dlv_many_${i}`);
    await Promise.all([...ids.map((id) => queue.enqueueDeliveries([id])), queue.enqueueOrThrow(ids.slice(0, 5))]);
    expect(await queue.queue.getJobCountByTypes('waiting', 'prioritized')).toBe(40);
    for (const id of [ids[0]!, ids[39]!]) expect((await queue.queue.getJob(deliveryJobId(id)))?.data).toEqual({ deliveryId: id });
  });

  it('wakes deliveries: a delayed job becomes due now, a missing one is enqueued, a waiting one is left as it is', async () => {
    const queue = open();
    await queue.queue.add('deliver', { deliveryId: 'dlv_later' }, { ...DELIVERY_JOB_OPTIONS, jobId: deliveryJobId('dlv_later'), delay: 60_000 });
    await queue.enqueueDeliveries(['dlv_waiting']);
    expect(await queue.depth()).toMatchObject({ waiting: 1, delayed: 1 });
    expect(await queue.wakeDeliveries(['dlv_later', 'dlv_waiting', 'dlv_missing'])).toBe(2);
    expect(await queue.depth()).toMatchObject({ waiting: 3, delayed: 0 });
    expect(await queue.queue.getJobState(deliveryJobId('dlv_later'))).toBe('waiting');
    expect(await queue.hasJob('dlv_missing')).toBe(true);
  });

  it('reports its depth to /metrics at each scrape and shows both queues on Bull Board', async () => {
    const m = createMetrics();
    const queue = open(REDIS_URL, { depthMetrics: m });
    await queue.enqueueDeliveries(['dlv_1', 'dlv_2', 'dlv_3']);
    expect(await m.registry.getSingleMetricAsString('edx_queue_depth')).toContain(`edx_queue_depth{queue="${DELIVERY_QUEUE}",state="waiting"} 3`);
    expect(queue.queues.map((q) => q.name)).toEqual([DELIVERY_QUEUE, MAINTENANCE_QUEUE]);
    await queue.close();
    expect(await m.registry.getSingleMetricAsString('edx_queue_depth')).not.toContain(DELIVERY_QUEUE);
  });

  it('maps ids BullMQ would refuse (all digits, with a colon) one-to-one onto job ids', async () => {
    expect(deliveryJobId('dlv_1')).toBe('dlv_1');
    const odd = ['123', 'a:b', 'a~cb', 'd~x'];
    const mapped = odd.map(deliveryJobId);
    expect(new Set(mapped).size).toBe(odd.length);
    for (const id of mapped) expect(id).not.toMatch(/^\d+$|:/);
    const queue = open();
    await queue.enqueueOrThrow(odd);
    await queue.enqueueOrThrow(odd);
    expect(await queue.queue.getJobCountByTypes('waiting')).toBe(odd.length);
    for (const id of odd) expect(await queue.hasJob(id)).toBe(true);
  });

  it('never fails the caller when Redis is unreachable: it logs and leaves the delivery to the sweeper', async () => {
    const warnings: string[] = [];
    let failed = 0;
    const queue = open('redis://127.0.0.1:1', { enqueueTimeoutMs: 300, logger: { warn: (_d, m) => warnings.push(m) }, onEnqueueFailure: (n) => { failed += n; } });
    await expect(queue.enqueueDeliveries(['dlv_lost', 'dlv_lost2'])).resolves.toBeUndefined();
    expect(warnings.join()).toMatch(/sweeper/);
    expect(failed).toBe(2);
    await expect(queue.enqueueOrThrow(['dlv_lost'])).rejects.toThrow();
  });
});
