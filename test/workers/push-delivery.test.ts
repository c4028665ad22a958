/**
 * Push delivery against real receivers on 127.0.0.1, with the real embedded store, real Redis and the axis's real
 * signature: failures and retries, hangs and timeouts, refusals and dead letters, replays, Retry-After, per-recipient
 * limits and the order of a graceful stop.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDeliveryAdmin } from '../../src/exchange/delivery/dead-letters.js';
import { INBOX_STATES } from '../../src/exchange/model/index.js';
import {
  acceptPackage, addAgency, allReceipts, openTestAxis, SENDER, startReceiver, verifyReceiptChain, waitForDeliveries,
  type TestAxis, type TestReceiver,
} from '../delivery/harness.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers, type TestWorkers } from './worker-fixture.js';

const RECIPIENT = '000.00.00.H41';

describe('push delivery', () => {
  let axis: TestAxis;
  let receiver: TestReceiver;
  let workers: TestWorkers | undefined;

  beforeEach(async () => {
    axis = await openTestAxis();
    receiver = await startReceiver(axis.identity.certificateDer);
    await addAgency(axis.store, SENDER);
    await addAgency(axis.store, RECIPIENT, receiver.url);
  });
  afterEach(async () => {
    await workers?.dispose();
    workers = undefined;
    await receiver.close();
    await axis.close();
  });

  async function send(count = 1, to = [RECIPIENT]): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const { deliveries } = await acceptPackage(axis.store, { to });
      ids.push(...deliveries.filter((d) => d.state === 'pending').map((d) => d.id));
    }
    await workers?.queue.enqueueDeliveries(ids);
    return ids;
  }

  it('a receiver that fails the first 3 attempts gets the package exactly once, on the 4th, signed by the axis', async () => {
    receiver.behave(({ attempt }) => (attempt <= 3 ? { status: 503 } : { status: 202 }));
    workers = await startTestWorkers(axis);
    const [id] = await send();
    const [done] = await waitForDeliveries(axis.store, [id!]);
    expect(done).toMatchObject({ state: 'delivered', attempts: 4 });
    expect(receiver.requests.map((r) => r.answer)).toEqual([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 202 }]);
    expect(receiver.requests.every((r) => r.idempotencyKey === id && r.signatureValid && r.digestMatches)).toBe(true);
    expect(receiver.processed.get(id!)).toBe(1);
    const receipts = await allReceipts(axis.store);
    expect(receipts.map((r) => r.type)).toEqual(['accepted', 'delivered']);
    expect(receipts[1]).toMatchObject({ deliveryId: id, detail: { mode: 'push', httpStatus: 202, attempts: 4 } });
    expect(verifyReceiptChain(receipts, { certificates: [axis.identity.certificateDer] }).valid).toBe(true);
    expect(await workers.metrics.registry.getSingleMetricAsString('edx_delivery_retries_total')).toContain('edx_delivery_retries_total{reason="503"} 3');
  });

  it('a receiver that hangs is cut off at the response timeout and the package delivered on a later attempt', async () => {
    receiver.behave(({ attempt }) => (attempt === 1 ? 'hang' : { status: 200 }));
    workers = await startTestWorkers(axis);
    const [id] = await send();
    const [done] = await waitForDeliveries(axis.store, [id!]);
    expect(done).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(receiver.processed.get(id!)).toBe(1);
    expect(await workers.metrics.registry.getSingleMetricAsString('edx_delivery_retries_total')).toContain('reason="response-timeout"');
  });

  it('a refused connection is retried until the endpoint comes up', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    await new Promise((resolve) => blocker.close(resolve));
    await addAgency(axis.store, RECIPIENT, `http://127.0.0.1:${port}/edx/inbox`);
    workers = await startTestWorkers(axis, { delivery: { baseDelayMs: 150, maxDelayMs: 300, maxAttempts: 20 } });
    const [id] = await send();
    await waitFor(async () => expect((await axis.store.getDelivery(id!))?.lastError ?? '').toMatch(/^refused/));
    await addAgency(axis.store, RECIPIENT, receiver.url);
    const [done] = await waitForDeliveries(axis.store, [id!]);
    expect(done?.state).toBe('delivered');
    expect(done!.attempts).toBeGreaterThan(1);
  });

  it('a 400 is a dead letter at once: visible to operators, alerted, still in the inbox, and replayable once fixed', async () => {
    const hooks: unknown[] = [];
    const webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => { hooks.push(JSON.parse(body)); res.end(); });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    try {
      receiver.behave(() => ({ status: 400 }));
      workers = await startTestWorkers(axis, { alertWebhookUrl: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/alert` });
      const [id] = await send();
      const [dead] = await waitForDeliveries(axis.store, [id!]);
      expect(dead).toMatchObject({ state: 'dead', attempts: 1 });
      expect(dead?.lastError).toMatch(/^HTTP 400/);
      expect(receiver.requests).toHaveLength(1);

      const admin = createDeliveryAdmin({ store: axis.store, queue: workers.queue });
      const listed = (await admin.listDead({ limit: 10 })).items;
      expect(listed).toMatchObject([{ deliveryId: id, recipientOrganId: RECIPIENT, fromOrganId: SENDER, attempts: 1 }]);
      expect(INBOX_STATES).toContain('dead');
      expect((await axis.store.listDeliveries({ recipientOrganId: RECIPIENT, states: [...INBOX_STATES], limit: 10 })).map((d) => d.id)).toEqual([id]);

      expect(await workers.metrics.registry.getSingleMetricAsString('edx_dead_letters_total')).toContain('reason="permanent-failure"} 1');
      const alert = workers.log.lines.find((l) => l.level === 'error' && l.details['alert'] === 'dead-letter');
      expect(alert?.message).toContain(`edx admin replay ${id}`);
      await waitFor(() => expect(hooks).toHaveLength(1));
      expect(hooks[0]).toMatchObject({ type: 'edx.delivery.dead-letter', deliveryId: id, reason: 'permanent-failure' });

      receiver.behave(() => ({ status: 202 }));
      const replay = await admin.replay(id!);
      expect(replay).toMatchObject({ deliveryId: id, state: 'pending', receipt: { type: 'replayed' } });
      const [done] = await waitForDeliveries(axis.store, [id!], ['delivered']);
      expect(done?.attempts).toBe(1);
      expect(receiver.processed.get(id!)).toBe(1);
      expect((await allReceipts(axis.store)).map((r) => r.type)).toEqual(['accepted', 'failed', 'replayed', 'delivered']);
      expect((await admin.listDead({ limit: 10 })).items).toEqual([]);
      await expect(admin.replay(id!)).rejects.toMatchObject({ code: 'DELIVERY_STATE_CONFLICT' });
      await expect(admin.replay('dlv_nope')).rejects.toMatchObject({ code: 'DELIVERY_NOT_FOUND' });
    } finally {
      webhook.closeAllConnections();
      await new Promise((resolve) => webhook.close(resolve));
    }
  });

  it('retries end in a dead letter after maxAttempts, and the recipient still finds the package in its inbox', async () => {
    receiver.behave(() => ({ status: 500 }));
    workers = await startTestWorkers(axis, { delivery: { maxAttempts: 3 } });
    const [id] = await send();
    const [dead] = await waitForDeliveries(axis.store, [id!]);
    expect(dead).toMatchObject({ state: 'dead', attempts: 3 });
    expect(receiver.requests).toHaveLength(3);
    const failed = (await allReceipts(axis.store)).find((r) => r.type === 'failed');
    expect(failed?.detail).toMatchObject({ reason: 'retries-exhausted', attempts: 3 });
    expect((await axis.store.listDeliveries({ recipientOrganId: RECIPIENT, states: [...INBOX_STATES], limit: 10 })).map((d) => d.id)).toEqual([id]);
  });

  it('honours Retry-After: the next attempt waits at least as long as the receiver asked', async () => {
    const times: number[] = [];
    receiver.behave(({ attempt }) => {
      times.push(Date.now());
      return attempt === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 };
    });
    workers = await startTestWorkers(axis);
    const [id] = await send();
    await waitForDeliveries(axis.store, [id!], ['delivered']);
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
  });

  it('a status package goes back to the original sender through the same path', async () => {
    const senderInbox = await startReceiver(axis.identity.certificateDer, '/status');
    try {
      await addAgency(axis.store, SENDER, senderInbox.url);
      workers = await startTestWorkers(axis);
      const { deliveries } = await acceptPackage(axis.store, { from: RECIPIENT, to: [SENDER], kind: 'status' });
      await workers.queue.enqueueDeliveries(deliveries.map((d) => d.id));
      const [done] = await waitForDeliveries(axis.store, deliveries.map((d) => d.id), ['delivered']);
      expect(done?.recipientOrganId).toBe(SENDER);
      expect(senderInbox.requests).toMatchObject([{ signatureValid: true, digestMatches: true }]);
    } finally {
      await senderInbox.close();
    }
  });

  it('a pull agency has the package in its inbox at once; a delivery job for it only makes it available', async () => {
    const PULL = '000.00.00.K09';
    await addAgency(axis.store, PULL);
    const { deliveries } = await acceptPackage(axis.store, { to: [PULL, RECIPIENT] });
    expect(deliveries.map((d) => d.state).sort()).toEqual(['available', 'pending']);
    // The agency switched to pull after acceptance: the worker makes the pending delivery available, no push.
    await addAgency(axis.store, RECIPIENT);
    workers = await startTestWorkers(axis);
    await workers.queue.enqueueDeliveries(deliveries.map((d) => d.id));
    const done = await waitForDeliveries(axis.store, deliveries.map((d) => d.id), ['available']);
    expect(done.map((d) => d.state)).toEqual(['available', 'available']);
    expect(receiver.requests).toHaveLength(0);
  });

  it('never has more pushes in flight to one recipient than its concurrency limit', async () => {
    const PACKAGES = 12;
    let inFlight = 0;
    let most = 0;
    // The first two pushes are held until every other delivery has been turned away by the gate (its job moved to
    // BullMQ's delayed set to look again): the limit is reached and enforced at the same moment, whatever the
    // machine's speed. Every later push is answered at once.
    const turnedAway = new Set<string>();
    let held: (() => void)[] | undefined = [];
    const server = createServer((req, res) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      req.resume();
      req.on('end', () => {
        const answer = (): void => { inFlight -= 1; res.end(); };
        if (!held) return answer();
        held.push(answer);
        if (held.length < 2) return;
        const pair = held;
        held = undefined;
        void waitFor(async () => {
          for (const job of await workers!.queue.queue.getDelayed()) if (job.id) turnedAway.add(job.id);
          expect(turnedAway.size).toBe(PACKAGES - 2);
        }).catch(() => undefined).finally(() => pair.forEach((go) => go()));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await addAgency(axis.store, RECIPIENT, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      // A response timeout longer than any hold: a held push must not fail and come back as a retry.
      workers = await startTestWorkers(axis, { delivery: { recipient: { concurrency: 2, ratePerSecond: 0 }, responseTimeoutMs: 60_000 } });
      const ids = await send(PACKAGES);
      const done = await waitForDeliveries(axis.store, ids, ['delivered', 'dead'], 50_000);
      expect(done.every((d) => d.state === 'delivered')).toBe(true);
      expect(turnedAway.size).toBe(PACKAGES - 2);
      expect(most).toBe(2);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('the sweeper enqueues a delivery that was committed but never enqueued (a crash between the two)', async () => {
    workers = await startTestWorkers(axis);
    const { deliveries } = await acceptPackage(axis.store, { to: [RECIPIENT] });
    const [done] = await waitForDeliveries(axis.store, deliveries.map((d) => d.id));
    expect(done?.state).toBe('delivered');
    expect(workers.log.lines.some((l) => /sweeper/.test(l.message))).toBe(true);
  });

  it('a graceful stop lets an in-flight push finish before the workers close', async () => {
    const order: string[] = [];
    let arrived!: () => void;
    const inFlight = new Promise<void>((resolve) => { arrived = resolve; });
    let respond: (() => void) | undefined;
    const answer = (): void => {
      if (!respond) return;
      respond();
      respond = undefined;
      order.push('push answered');
    };
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        respond = () => res.end();
        arrived();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await addAgency(axis.store, RECIPIENT, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      workers = await startTestWorkers(axis, { delivery: { responseTimeoutMs: 60_000 } });
      const [id] = await send();
      await inFlight;
      // The push is answered a while into the stop, or as soon as the delivery worker has closed: a worker that
      // closed without waiting for its push is caught by the order below, whatever the machine's speed.
      workers.delivery!.worker.once('closed', () => { order.push('worker closed'); answer(); });
      const closing = workers.close(30_000).then(() => { order.push('workers closed'); });
      const later = setTimeout(answer, 2000);
      await closing;
      clearTimeout(later);
      expect(order).toEqual(['push answered', 'worker closed', 'workers closed']);
      expect((await axis.store.getDelivery(id!))?.state).toBe('delivered');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

