/**
 * A worker role as its own process: its settings come from the configuration (src/config: validated, one line
 * naming a bad variable), and SIGTERM drains it: no new jobs, the push in flight finishes, exit 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBullmqDeliveryQueue, type BullmqDeliveryQueue } from '../../src/queue/bullmq/delivery-queue.js';
import { loadConfig } from '../../src/config/config.js';
import { acceptPackage, addAgency, openTestAxis, SENDER, startReceiver, type TestAxis, type TestReceiver } from '../delivery/harness.js';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../delivery/redis-fixture.js';
import { startWorkers } from '../../src/main/start-workers.js';
import { spawnWorker } from './worker-process.js';
import { waitForDeliveries } from '../delivery/harness.js';
import { waitFor } from '../support/wait-for.js';
import { LOOPBACK_PUSH_ENV } from '../support/loopback-push.js';

describe('worker settings in the configuration', () => {
  it('carry the delivery policy, limits and schedule from the environment', () => {
    const settings = loadConfig({
      QUEUE_PREFIX: 'edx-a', DELIVERY_MAX_ATTEMPTS: '5', DELIVERY_BASE_DELAY_MS: '1000', DELIVERY_RECIPIENT_CONCURRENCY: '4',
      DELIVERY_CONCURRENCY: '64', SWEEP_EVERY_MS: '5000', RETENTION_DAYS: '3650', DEAD_LETTER_WEBHOOK_URL: 'https://ops.example/hook', DELIVERY_MIN_DELAY_MS: '',
    }).workers;
    expect(settings).toMatchObject({
      prefix: 'edx-a',
      delivery: { maxAttempts: 5, baseDelayMs: 1000, recipient: { concurrency: 4 } },
      concurrency: 64,
      schedule: { sweepEveryMs: 5000 },
      retention: { keepRawPackagesDays: 3650 },
      alertWebhookUrl: 'https://ops.example/hook',
    });
    expect(settings.delivery).not.toHaveProperty('minDelayMs');
    expect(loadConfig({}).workers).toEqual({ delivery: {} });
  });

  it.each([
    ['DELIVERY_MAX_ATTEMPTS', '0'],
    ['DELIVERY_BASE_DELAY_MS', 'soon'],
    ['QUEUE_PREFIX', 'a:b'],
    ['DEAD_LETTER_WEBHOOK_URL', 'not a url'],
  ])('refuses %s=%s with a configuration error naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining(name) }));
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
    await waitFor(() => expect(receiver.requests).toHaveLength(1), { interval: 10 });

    expect(await worker.kill('SIGTERM')).toBe(0);
    const states = await Promise.all(ids.map(async (id) => (await axis.store.getDelivery(id))?.state));
    // The one in flight was finished and recorded; the others were left in the queue for the next worker.
    expect(states.filter((s) => s === 'delivered')).toHaveLength(1);
    expect(states.filter((s) => s === 'pending')).toHaveLength(2);
    expect(receiver.requests).toHaveLength(1);
    expect((await queue.depth()).waiting).toBe(2);
    expect(worker.output.join('')).toContain('delivery worker stopping');
  });

  it('in-process workers take their settings from config.workers, as npm start passes the configuration', async () => {
    receiver.behave(() => ({ status: 500 }));
    const config = loadConfig({ ...LOOPBACK_PUSH_ENV, REDIS_URL, QUEUE_PREFIX: prefix, DELIVERY_MAX_ATTEMPTS: '2', DELIVERY_BASE_DELAY_MS: '20', DELIVERY_MAX_DELAY_MS: '40', DELIVERY_MIN_DELAY_MS: '5' });
    const running = await startWorkers({ store: axis.store, identity: axis.identity, config, roles: { delivery: true, maintenance: false } });
    try {
      const { deliveries } = await acceptPackage(axis.store, { to: ['000.00.00.H41'] });
      await running.queue.enqueueDeliveries([deliveries[0]!.id]);
      const [dead] = await waitForDeliveries(axis.store, [deliveries[0]!.id], ['dead']);
      expect(dead?.attempts).toBe(2);
    } finally {
      await running.close(2000);
    }
  });

  it('exits 2 with one line naming a bad setting', async () => {
    await expect(spawnWorker('delivery', { dataDir: axis.dataDir, prefix, env: { DELIVERY_MAX_ATTEMPTS: 'many' } })).rejects.toThrow(/exited \(2\).*DELIVERY_MAX_ATTEMPTS/s);
  });
});
