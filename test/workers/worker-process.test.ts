/**
 * A worker role as its own process: its settings come from the environment (validated, one line naming a bad
 * variable), and SIGTERM drains it: no new jobs, the push in flight finishes, exit 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBullmqDeliveryQueue, type BullmqDeliveryQueue } from '../../src/queue/bullmq/delivery-queue.js';
import { workerSettingsFromEnv } from '../../workers/process-options.js';
import { acceptPackage, addAgency, openTestAxis, SENDER, startReceiver, type TestAxis, type TestReceiver } from '../delivery/harness.js';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../delivery/redis-fixture.js';
import { spawnWorker } from './worker-process.js';

describe('worker process settings', () => {
  it('reads the delivery policy, limits and schedule from the environment', () => {
    const settings = workerSettingsFromEnv({
      QUEUE_PREFIX: 'edx-a', DELIVERY_MAX_ATTEMPTS: '5', DELIVERY_BASE_DELAY_MS: '1000', DELIVERY_RECIPIENT_CONCURRENCY: '4',
      DELIVERY_CONCURRENCY: '64', SWEEP_EVERY_MS: '5000', RETENTION_DAYS: '3650', DEAD_LETTER_WEBHOOK_URL: 'https://ops.example/hook', DELIVERY_MIN_DELAY_MS: '',
    });
    expect(settings).toMatchObject({
      prefix: 'edx-a',
      delivery: { maxAttempts: 5, baseDelayMs: 1000, recipient: { concurrency: 4 } },
      concurrency: 64,
      schedule: { sweepEveryMs: 5000 },
      retention: { keepRawPackagesDays: 3650 },
      alertWebhookUrl: 'https://ops.example/hook',
    });
    expect(settings.delivery).not.toHaveProperty('minDelayMs');
    expect(workerSettingsFromEnv({})).toEqual({ delivery: {} });
  });

  it.each([
    ['DELIVERY_MAX_ATTEMPTS', '0'],
    ['DELIVERY_BASE_DELAY_MS', 'soon'],
    ['QUEUE_PREFIX', 'a:b'],
    ['DEAD_LETTER_WEBHOOK_URL', 'not a url'],
  ])('refuses %s=%s with a configuration error naming it', (name, value) => {
    expect(() => workerSettingsFromEnv({ [name]: value })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining(name) }));
  });
});

describe('a delivery worker process', () => {
  let axis: TestAxis;
  let receiver: TestReceiver;
  let queue: BullmqDeliveryQueue;
  const prefix = uniquePrefix('proc');

  beforeAll(async () => {
    axis = await openTestAxis();
    receiver = await startReceiver(axis.identity.certificateDer);
    await addAgency(axis.store, SENDER);
    await addAgency(axis.store, '000.00.00.H41', receiver.url);
    queue = createBullmqDeliveryQueue({ redisUrl: REDIS_URL, prefix });
  });
  afterAll(async () => {
    await queue.close();
    await receiver.close();
    await axis.close();
    await dropPrefix(prefix);
  });

  it('on SIGTERM stops taking jobs, finishes the push in flight and exits 0', async () => {
    receiver.behave(() => ({ status: 200, delayMs: 700 }));
    const worker = await spawnWorker('delivery', { dataDir: axis.dataDir, prefix, env: { DELIVERY_CONCURRENCY: '1' } });
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push(...(await acceptPackage(axis.store, { to: ['000.00.00.H41'] })).deliveries.map((d) => d.id));
    await queue.enqueueDeliveries(ids);
    await expect.poll(() => receiver.requests.length, { timeout: 10_000, interval: 10 }).toBe(1);

    expect(await worker.kill('SIGTERM')).toBe(0);
    const states = await Promise.all(ids.map(async (id) => (await axis.store.getDelivery(id))?.state));
    // The one in flight was finished and recorded; the others were left in the queue for the next worker.
    expect(states.filter((s) => s === 'delivered')).toHaveLength(1);
    expect(states.filter((s) => s === 'pending')).toHaveLength(2);
    expect(receiver.requests).toHaveLength(1);
    expect((await queue.depth()).waiting).toBe(2);
    expect(worker.output.join('')).toContain('delivery worker stopping');
  });

  it('exits 2 with one line naming a bad setting', async () => {
    await expect(spawnWorker('delivery', { dataDir: axis.dataDir, prefix, env: { DELIVERY_MAX_ATTEMPTS: 'many' } })).rejects.toThrow(/exited \(2\).*DELIVERY_MAX_ATTEMPTS/s);
  });
});
