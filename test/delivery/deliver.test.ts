/**
 * The deliver use-case on its own (no BullMQ): the cases that end without a push, the deferrals that are not
 * attempts, and two workers racing on one delivery.
 */
import { Readable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeadLetterAlert } from '../../src/exchange/delivery/dead-letter-alert.js';
import { replayDelivery } from '../../src/exchange/delivery/dead-letters.js';
import { deliver, type DeliverDeps } from '../../src/exchange/delivery/deliver.js';
import { deliveryPolicy } from '../../src/exchange/delivery/delivery-policy.js';
import { createHttpPushClient } from '../../src/push/http-push-client.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createRedisRecipientGate } from '../../src/queue/bullmq/recipient-gate.js';
import type { DeliveryQueue } from '../../src/exchange/ports/index.js';
import { acceptPackage, addAgency, allReceipts, openTestAxis, samplePackage, SENDER, startReceiver, type TestAxis, type TestReceiver } from './harness.js';
import { dropPrefix, REDIS_URL, uniquePrefix } from './redis-fixture.js';
import { setUpStep } from '../support/delivery-step.js';
import { waitFor } from '../support/wait-for.js';
import { LOOPBACK_PUSH } from '../support/loopback-push.js';

const RECIPIENT = '000.00.00.H41';

describe('deliver', () => {
  let axis: TestAxis;
  let receiver: TestReceiver;
  let alerts: DeadLetterAlert[];
  let deps: DeliverDeps;
  let redis: Redis;
  const prefix = uniquePrefix('deliver');
  const push = createHttpPushClient({ endpoints: LOOPBACK_PUSH });

  beforeAll(() => { redis = new Redis(REDIS_URL); });
  afterAll(async () => {
    push.close();
    await dropPrefix(prefix);
    await redis.quit();
  });
  beforeEach(async () => {
    axis = await openTestAxis();
    receiver = await startReceiver(axis.identity.certificateDer);
    await addAgency(axis.store, SENDER);
    await addAgency(axis.store, RECIPIENT, receiver.url);
    alerts = [];
    deps = {
      store: axis.store,
      push,
      identity: axis.identity,
      policy: deliveryPolicy({ baseDelayMs: 1000, maxDelayMs: 1000, minDelayMs: 1000 }),
      observer: createMetrics().deliveryObserver,
      alert: (a) => alerts.push(a),
    };
  });
  afterEach(async () => {
    await receiver.close();
    await axis.close();
  });

  const pending = async (): Promise<string> => (await acceptPackage(axis.store, { to: [RECIPIENT] })).deliveries[0]!.id;

  it('dead-letters a delivery to an agency that is not registered, without a push', async () => {
    const { deliveries } = await acceptPackage(axis.store, { to: ['000.00.00.X99'] });
    // acceptPackage made it available (unknown agency = no endpoint); put it back to pending as a push would be.
    await axis.store.transitionDelivery(deliveries[0]!.id, { step: setUpStep(['available'], 'pending'), patch: {} });
    expect(await deliver(deps, deliveries[0]!.id)).toMatchObject({ kind: 'dead', reason: 'recipient-unknown', attempts: 0 });
    expect(alerts).toMatchObject([{ deliveryId: deliveries[0]!.id, reason: 'recipient-unknown' }]);
    expect((await allReceipts(axis.store)).map((r) => r.type)).toEqual(['accepted', 'failed']);
  });

  it('dead-letters a delivery whose endpoint URL no push can use', async () => {
    const id = await pending();
    await addAgency(axis.store, RECIPIENT, 'ftp://dms.example/inbox');
    expect(await deliver(deps, id)).toMatchObject({ kind: 'dead', reason: 'endpoint-invalid' });
    expect(receiver.requests).toHaveLength(0);
  });

  it('dead-letters a delivery whose raw package is gone from the blob store', async () => {
    const { envelope, deliveries } = await acceptPackage(axis.store, { to: [RECIPIENT] });
    await axis.store.blobs.delete(envelope.sha256);
    expect(await deliver(deps, deliveries[0]!.id)).toMatchObject({ kind: 'dead', reason: 'package-missing', attempts: 0 });
    expect(receiver.requests).toHaveLength(0);
  });

  it('streams a large package from the blob store byte for byte, and dead-letters one whose bytes are gone', async () => {
    const big = await acceptPackage(axis.store, { to: [RECIPIENT], bytes: samplePackage(3 * 1024 * 1024) });
    expect(await deliver(deps, big.deliveries[0]!.id)).toMatchObject({ kind: 'delivered' });
    expect(receiver.requests).toMatchObject([{ digestMatches: true, signatureValid: true }]);
    const gone = await acceptPackage(axis.store, { to: [RECIPIENT], bytes: samplePackage(2 * 1024 * 1024) });
    await axis.store.blobs.delete(gone.envelope.sha256);
    expect(await deliver(deps, gone.deliveries[0]!.id)).toMatchObject({ kind: 'dead', reason: 'package-missing' });
    expect(receiver.requests).toHaveLength(1);
  });

  it('does nothing for a delivery already delivered, and defers one whose next attempt is not due', async () => {
    const id = await pending();
    expect(await deliver(deps, id)).toMatchObject({ kind: 'delivered', attempts: 1, status: 202 });
    expect(await deliver(deps, id)).toEqual({ kind: 'skipped', state: 'delivered' });
    expect(await deliver(deps, 'dlv_unknown')).toEqual({ kind: 'skipped', state: 'missing' });

    receiver.behave(() => ({ status: 503 }));
    const later = await pending();
    expect(await deliver(deps, later)).toMatchObject({ kind: 'retry', attempts: 1, delayMs: 1000 });
    const deferred = await deliver(deps, later);
    expect(deferred).toMatchObject({ kind: 'deferred', reason: 'not-due' });
    expect(receiver.requests).toHaveLength(2);
    expect((await axis.store.getDelivery(later))?.attempts).toBe(1);
  });

  it('defers without counting an attempt while the recipient has no free slot', async () => {
    const gate = createRedisRecipientGate(redis, prefix);
    const limits = { concurrency: 1, ratePerSecond: 0 };
    const held = await gate.acquire(RECIPIENT, limits, 10_000);
    const id = await pending();
    const outcome = await deliver({ ...deps, gate, policy: deliveryPolicy({ recipient: limits }) }, id);
    expect(outcome).toMatchObject({ kind: 'deferred', reason: 'recipient-busy' });
    expect((await axis.store.getDelivery(id))).toMatchObject({ state: 'pending', attempts: 0 });
    if (held.granted) await held.release();
    expect(await deliver({ ...deps, gate, policy: deliveryPolicy({ recipient: limits }) }, id)).toMatchObject({ kind: 'delivered' });
  });

  it('records a push answered 2xx as delivered even when a revocation withheld the delivery while the push was in flight', async () => {
    const id = await pending();
    let withheld: Promise<unknown> | undefined;
    receiver.behave(() => {
      // What a revocation accepted now does to a delivery its recipient has not received (the store's revoke).
      withheld = axis.store.transitionDelivery(id, { step: setUpStep(['pending', 'retrying'], 'withheld'), patch: {} });
      return { status: 200, delayMs: 100 };
    });
    expect(await deliver(deps, id)).toMatchObject({ kind: 'delivered', attempts: 1 });
    expect(await withheld).toBeDefined();
    expect(await axis.store.getDelivery(id)).toMatchObject({ state: 'delivered', attempts: 1 });
    expect((await allReceipts(axis.store)).filter((r) => r.deliveryId === id).map((r) => r.type)).toEqual(['delivered']);
    // and once delivered, a later push answer (a stalled job's) adds nothing
    expect(await deliver(deps, id)).toMatchObject({ kind: 'skipped', state: 'delivered' });
  });

  it('records the outcome without waiting for the recipient gate to release its slot (Redis away after the push)', async () => {
    const gate = createRedisRecipientGate(redis, prefix);
    const held: (() => Promise<void>)[] = [];
    // A release that never answers, as while Redis is unreachable (the gate's connection retries without end).
    const stuckGate: typeof gate = {
      acquire: async (...args) => {
        const slot = await gate.acquire(...args);
        if (!slot.granted) return slot;
        held.push(slot.release);
        return { granted: true, release: () => new Promise<void>(() => undefined) };
      },
    };
    const id = await pending();
    expect(await deliver({ ...deps, gate: stuckGate }, id)).toMatchObject({ kind: 'delivered' });
    expect(held).toHaveLength(1);
    expect(await axis.store.getDelivery(id)).toMatchObject({ state: 'delivered' });
    await Promise.all(held.map((release) => release()));
  });

  it("does not let a stalled worker's late failure undo what happened meanwhile: another worker's dead letter and an operator's replay", async () => {
    const id = await pending();
    const enqueued: string[] = [];
    const queue: DeliveryQueue = {
      enqueueDeliveries: async (ids) => { enqueued.push(...ids); },
      wakeDeliveries: async () => 0,
      hasJob: async () => false,
      depth: async () => ({ waiting: 0, active: 0, delayed: 0, failed: 0 }),
      close: async () => undefined,
    };
    let meanwhile: Promise<unknown> | undefined;
    receiver.behave(({ index }) => {
      if (index > 0) return { status: 200 };
      // While this push is in flight (its worker stalled), the job's next run dead-letters the delivery and an operator
      // replays it with a fresh set of attempts.
      meanwhile = (async () => {
        await axis.store.transitionDelivery(id, { step: setUpStep(['pending'], 'dead'), patch: { attempts: 5, lastError: 'HTTP 400' } });
        await replayDelivery(axis.store, queue, id, 'operator');
      })();
      return { status: 503, delayMs: 100 };
    });
    const late = await deliver(deps, id);
    await meanwhile;
    // Not recorded, and the job looks again instead of ending: the delivery is pending and due now.
    expect(late).toMatchObject({ kind: 'deferred', reason: 'not-due' });
    expect(await axis.store.getDelivery(id)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(enqueued).toEqual([id]);
    expect(await deliver(deps, id)).toMatchObject({ kind: 'delivered', attempts: 1 });
    expect((await allReceipts(axis.store)).filter((r) => r.deliveryId === id).map((r) => r.type)).toEqual(['replayed', 'delivered']);
  });

  it('records nothing of a push cut short by the shutdown: no attempt spent, no dead letter, no receipt', async () => {
    const id = await pending();
    // The last attempt: counted as a failure, it would dead-letter a package the recipient is about to take.
    const last = deps.policy.maxAttempts - 1;
    await axis.store.transitionDelivery(id, { step: setUpStep(['pending'], 'retrying'), patch: { attempts: last, nextAttemptAt: new Date(0).toISOString() } });
    const shutting = createHttpPushClient({ endpoints: LOOPBACK_PUSH });
    // The receiver has the push and has not answered yet when the shutdown cuts it.
    receiver.behave(() => 'hang');
    const outcome = deliver({ ...deps, push: shutting }, id);
    await waitFor(() => expect(receiver.requests).toHaveLength(1));
    shutting.close();
    expect(await outcome).toMatchObject({ kind: 'deferred', reason: 'interrupted' });
    expect(await axis.store.getDelivery(id)).toMatchObject({ state: 'retrying', attempts: last });
    expect(alerts).toEqual([]);
    expect((await allReceipts(axis.store)).filter((r) => r.deliveryId === id)).toEqual([]);
  });

  it("counts a package that cannot be read for a push as the axis's failure, with its code: no attempt, no dead letter", async () => {
    const big = await acceptPackage(axis.store, { to: [RECIPIENT], bytes: samplePackage(2 * 1024 * 1024) });
    const id = big.deliveries[0]!.id;
    const blobs: typeof axis.store.blobs = Object.create(axis.store.blobs, {
      openRead: {
        value: async () => new Readable({
          read() {
            this.push(Buffer.alloc(256 * 1024, 'x'));
            setImmediate(() => this.destroy(Object.assign(new Error('I/O error reading the package'), { code: 'EIO' })));
          },
        }),
      },
    });
    const store: typeof axis.store = Object.create(axis.store, { blobs: { value: blobs } });
    await expect(deliver({ ...deps, store }, id)).rejects.toMatchObject({ code: 'EIO' });
    expect(await axis.store.getDelivery(id)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(alerts).toEqual([]);
    expect(await deliver(deps, id)).toMatchObject({ kind: 'delivered', attempts: 1 });
  });

  it('counts the attempt of a late 2xx on the delivery as it is now, not as the stalled worker read it', async () => {
    const id = await pending();
    await axis.store.transitionDelivery(id, { step: setUpStep(['pending'], 'retrying'), patch: { attempts: 9, nextAttemptAt: new Date(0).toISOString() } });
    let meanwhile: Promise<unknown> | undefined;
    receiver.behave(() => {
      // While this push is in flight: dead-lettered by the job's next run, replayed, one failed attempt since.
      meanwhile = (async () => {
        await axis.store.transitionDelivery(id, { step: setUpStep(['retrying'], 'dead'), patch: { attempts: 10 } });
        await axis.store.transitionDelivery(id, { step: setUpStep(['dead'], 'pending'), patch: { attempts: 0 } });
        await axis.store.transitionDelivery(id, { step: setUpStep(['pending'], 'retrying'), patch: { attempts: 1 } });
      })();
      return { status: 200, delayMs: 100 };
    });
    expect(await deliver(deps, id)).toMatchObject({ kind: 'delivered', attempts: 2 });
    await meanwhile;
    expect(await axis.store.getDelivery(id)).toMatchObject({ state: 'delivered', attempts: 2 });
    const receipts = (await allReceipts(axis.store)).filter((r) => r.deliveryId === id);
    expect(receipts.map((r) => [r.type, r.detail?.['attempts']])).toEqual([['delivered', 2]]);
  });

  it('raises the alert of a dead letter whose recording was reported failed after it landed, when the job runs again', async () => {
    const id = await pending();
    receiver.behave(() => ({ status: 400 }));
    // The commit lands, then the store reports a failure (an fsync error, a MongoDB commit whose answer was lost).
    const store: typeof axis.store = Object.create(axis.store, {
      transitionDelivery: {
        value: async (...args: Parameters<typeof axis.store.transitionDelivery>) => {
          await axis.store.transitionDelivery(...args);
          throw Object.assign(new Error('fsync of the log failed'), { code: 'STORE_NOT_DURABLE' });
        },
      },
    });
    await expect(deliver({ ...deps, store }, id)).rejects.toMatchObject({ code: 'STORE_NOT_DURABLE' });
    expect(await axis.store.getDelivery(id)).toMatchObject({ state: 'dead', attempts: 1 });
    expect(alerts).toEqual([]);
    expect(await deliver(deps, id)).toEqual({ kind: 'skipped', state: 'dead' });
    expect(alerts).toMatchObject([{ deliveryId: id, recipientOrganId: RECIPIENT, reason: 'permanent-failure', attempts: 1, lastError: expect.stringMatching(/^HTTP 400/) }]);
    expect(receiver.requests).toHaveLength(1);
  });

  it('refuses a replay whose delivery changed after it was read, with a clear code, and writes no receipt', async () => {
    const id = await pending();
    await axis.store.transitionDelivery(id, { step: setUpStep(['pending'], 'dead'), patch: { attempts: 5, lastError: 'HTTP 400' } });
    const enqueued: string[] = [];
    const queue = { enqueueDeliveries: async (ids: readonly string[]) => { enqueued.push(...ids); } } as unknown as DeliveryQueue;
    // Another operator's replay, and the delivery dying again, between this replay's read and its write.
    const store: typeof axis.store = Object.create(axis.store, {
      getDelivery: {
        value: async (deliveryId: string) => {
          const read = await axis.store.getDelivery(deliveryId);
          await axis.store.transitionDelivery(deliveryId, { step: setUpStep(['dead'], 'pending'), patch: { attempts: 0 } });
          await axis.store.transitionDelivery(deliveryId, { step: setUpStep(['pending'], 'dead'), patch: { attempts: 5, lastError: 'HTTP 410' } });
          return read;
        },
      },
    });
    await expect(replayDelivery(store, queue, id, 'operator')).rejects.toMatchObject({ code: 'DELIVERY_STATE_CONFLICT', message: expect.stringContaining('changed while it was being replayed') });
    expect(enqueued).toEqual([]);
    expect(await axis.store.getDelivery(id)).toMatchObject({ state: 'dead', lastError: 'HTTP 410' });
    expect((await allReceipts(axis.store)).filter((r) => r.deliveryId === id)).toEqual([]);
  });

  it('two workers racing on one delivery record one outcome and one receipt', async () => {
    receiver.behave(() => ({ status: 200, delayMs: 50 }));
    const id = await pending();
    const outcomes = await Promise.all([deliver(deps, id), deliver(deps, id)]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['delivered', 'skipped']);
    expect((await allReceipts(axis.store)).filter((r) => r.type === 'delivered')).toHaveLength(1);
    expect(receiver.processed.get(id)).toBe(1);
  });
});
