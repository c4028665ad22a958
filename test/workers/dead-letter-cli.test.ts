/**
 * The operator's path for a dead letter, as an operator runs it: `edx admin deliveries --state dead` lists it,
 * `edx admin replay ID` puts it back, and the workers deliver it once the receiver is fixed. Spawns the compiled
 * CLI (bin/edx.js): build first (npm test does).
 */
import { spawnSync } from 'node:child_process';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUEUE_PREFIX, DELIVERY_QUEUE, deliveryJobId } from '../../src/queue/names.js';
import { acceptPackage, addAgency, allReceipts, openTestAxis, SENDER, startReceiver, waitForDeliveries, type TestAxis, type TestReceiver } from '../delivery/harness.js';
import { REDIS_URL } from '../delivery/redis-fixture.js';
import { startTestWorkers, type TestWorkers } from './worker-fixture.js';
import { setUpStep } from '../support/delivery-step.js';

const RECIPIENT = '000.00.00.H41';

describe('dead letters from the command line', () => {
  let axis: TestAxis;
  let receiver: TestReceiver;
  let workers: TestWorkers;

  const edx = (args: string[], env: Record<string, string> = {}) => {
    const run = spawnSync(process.execPath, ['bin/edx.js', 'admin', ...args], {
      env: { PATH: process.env['PATH'] ?? '', DATA_DIR: axis.dataDir, REDIS_URL, LOG_LEVEL: 'silent', QUEUE_PREFIX: workers.prefix, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  };

  beforeAll(async () => {
    axis = await openTestAxis();
    receiver = await startReceiver(axis.identity.certificateDer);
    await addAgency(axis.store, SENDER);
    await addAgency(axis.store, RECIPIENT, receiver.url);
    workers = await startTestWorkers(axis);
  });
  afterAll(async () => {
    await workers.dispose();
    await receiver.close();
    await axis.close();
  });

  it('lists the dead letter, replays it, and the fixed receiver gets it once', async () => {
    receiver.behave(() => ({ status: 422 }));
    const { deliveries } = await acceptPackage(axis.store, { to: [RECIPIENT] });
    const id = deliveries[0]!.id;
    await workers.queue.enqueueDeliveries([id]);
    await waitForDeliveries(axis.store, [id], ['dead']);

    const listed = edx(['deliveries', '--state', 'dead']);
    expect(listed.stderr).toBe('');
    expect(listed.status).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ deliveryId: id, packageId: deliveries[0]!.envelopeId, recipient: RECIPIENT, recipientOrganId: RECIPIENT, fromOrganId: SENDER, attempts: 1, lastError: expect.stringMatching(/^HTTP 422/) }]);

    receiver.behave(() => ({ status: 202 }));
    const replayed = edx(['replay', id]);
    expect(replayed.stderr).toBe('');
    expect(replayed.status).toBe(0);
    expect(JSON.parse(replayed.stdout)).toMatchObject({ deliveryId: id, state: 'pending', receipt: { type: 'replayed' } });

    // The CLI enqueued under its configured prefix; if this build's configuration has no QUEUE_PREFIX yet, the job
    // went to the default prefix and the sweeper of these workers enqueues the pending delivery instead.
    const [done] = await waitForDeliveries(axis.store, [id], ['delivered']);
    expect(done?.attempts).toBe(1);
    expect(receiver.processed.get(id)).toBe(1);
    expect((await allReceipts(axis.store)).map((r) => r.type)).toEqual(['accepted', 'failed', 'replayed', 'delivered']);
    expect(JSON.parse(edx(['deliveries', '--state', 'dead']).stdout)).toEqual([]);
    // Other states under the API's names too (issue 23: the CLI printed the store's `id`, `envelopeId`, `recipientOrganId`).
    expect(JSON.parse(edx(['deliveries', '--state', 'delivered']).stdout)).toEqual([
      expect.objectContaining({ deliveryId: id, packageId: deliveries[0]!.envelopeId, recipient: RECIPIENT, state: 'delivered', seq: expect.any(Number) }),
    ]);

    const again = edx(['replay', id]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/DELIVERY_STATE_CONFLICT/);

    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const stray = new Queue(DELIVERY_QUEUE, { connection, prefix: DEFAULT_QUEUE_PREFIX });
    await stray.remove(deliveryJobId(id)).catch(() => 0);
    await stray.close();
    await connection.quit();
  });

  it('lists dead letters page by page from the store alone (Redis down), and refuses a bad --state, --limit or --after', async () => {
    const PULL = '000.00.00.K09';
    await addAgency(axis.store, PULL);
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      // A pull delivery (available, never swept or pushed) made dead by hand: the list is what is tested here.
      const { deliveries } = await acceptPackage(axis.store, { to: [PULL] });
      await axis.store.transitionDelivery(deliveries[0]!.id, { step: setUpStep(['available'], 'dead'), patch: { lastError: 'test' } });
      ids.push(deliveries[0]!.id);
    }
    try {
      const noRedis = { REDIS_URL: 'redis://127.0.0.1:6390' };
      const first = edx(['deliveries', '--state', 'dead', '--limit', '1'], noRedis);
      expect(first.status).toBe(0);
      expect(JSON.parse(first.stdout).map((d: { deliveryId: string }) => d.deliveryId)).toEqual([ids[0]]);
      const cursor = /^edx: more may follow: --after (\d+)\n$/.exec(first.stderr)?.[1];
      expect(cursor).toBeDefined();
      const second = edx(['deliveries', '--state', 'dead', '--limit', '1', '--after', cursor!], noRedis);
      expect(JSON.parse(second.stdout).map((d: { deliveryId: string }) => d.deliveryId)).toEqual([ids[1]]);
      // Other states page the same way.
      const available = edx(['deliveries', '--state', 'available', '--limit', '1000'], noRedis);
      expect(available.status).toBe(0);
      expect(available.stderr).toBe('');
      for (const bad of [['--state', 'gone'], ['--limit', '0'], ['--limit', 'ten'], ['--limit', '1001'], ['--after', '1.5']]) {
        const refused = edx(['deliveries', ...bad], noRedis);
        expect(refused.status).toBe(1);
        expect(refused.stdout).toBe('');
        expect(refused.stderr).toMatch(/^edx: CLI_ARGUMENT_INVALID: .+\n$/);
      }
    } finally {
      for (const id of ids) await axis.store.transitionDelivery(id, { step: setUpStep(['dead'], 'acknowledged'), patch: {} });
    }
  });
});
