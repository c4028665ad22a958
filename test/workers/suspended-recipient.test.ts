/**
 * A recipient agency suspended after its packages were accepted, with the real workers (real Redis, embedded store,
 * a live receiver on 127.0.0.1): nothing is pushed to it and no attempt is spent while it is suspended, an operator
 * sees why its deliveries wait, other recipients are not held up, and after the resume each package arrives once.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgencyRegistry, type AgencyRegistry } from '../../src/exchange/agencies/agency-registry.js';
import { createDeliveryAdmin } from '../../src/exchange/delivery/dead-letters.js';
import { RECIPIENT_SUSPENDED } from '../../src/exchange/delivery/deliver.js';
import {
  acceptPackage, addAgency, allReceipts, openTestAxis, SENDER, startReceiver, waitForDeliveries, type TestAxis, type TestReceiver,
} from '../delivery/harness.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers, type TestWorkers } from './worker-fixture.js';

const SUSPENDED = '000.00.00.H41';
const ACTIVE = '000.00.00.H42';
const RECHECK_MS = 200;

describe('push delivery to a suspended recipient', () => {
  let axis: TestAxis;
  let suspendedReceiver: TestReceiver;
  let activeReceiver: TestReceiver;
  let registry: AgencyRegistry;
  let workers: TestWorkers | undefined;

  beforeEach(async () => {
    axis = await openTestAxis();
    suspendedReceiver = await startReceiver(axis.identity.certificateDer);
    activeReceiver = await startReceiver(axis.identity.certificateDer);
    await addAgency(axis.store, SENDER);
    await addAgency(axis.store, SUSPENDED, suspendedReceiver.url);
    await addAgency(axis.store, ACTIVE, activeReceiver.url);
    registry = createAgencyRegistry({ store: axis.store, secretKey: randomBytes(32) });
  });
  afterEach(async () => {
    await workers?.dispose();
    workers = undefined;
    await suspendedReceiver.close();
    await activeReceiver.close();
    await axis.close();
  });

  it('holds the deliveries while suspended (no push, attempts 0, reason visible), delivers the others, then each held one once after the resume', async () => {
    // maxAttempts 1: a held look counted as an attempt, or a push to the suspended endpoint that failed, would be fatal.
    const accepted = [];
    for (let i = 0; i < 5; i += 1) accepted.push(await acceptPackage(axis.store, { to: [SUSPENDED, ACTIVE] }));
    const held = accepted.map((a) => a.deliveries.find((d) => d.recipientOrganId === SUSPENDED)!.id);
    const others = accepted.map((a) => a.deliveries.find((d) => d.recipientOrganId === ACTIVE)!.id);
    // Suspended after acceptance, before the workers' first look. (Workers started before the suspension could have
    // their stuck-delivery sweeper enqueue and push these first: a race of the test, not of the axis.)
    await registry.suspend(SUSPENDED);
    workers = await startTestWorkers(axis, { delivery: { suspendedRecheckMs: RECHECK_MS, maxAttempts: 1 } });
    await workers.queue.enqueueDeliveries([...held, ...others]);

    expect((await waitForDeliveries(axis.store, others, ['delivered', 'dead'], 15_000)).map((d) => d.state)).toEqual(Array(5).fill('delivered'));
    // Several rechecks go by while suspended: each look at a held delivery is counted (edx_deliveries_total held).
    await waitFor(async () => expect(await heldLooks(workers!)).toBeGreaterThanOrEqual(held.length * 4));
    expect(suspendedReceiver.requests).toHaveLength(0);
    for (const id of held) {
      const delivery = await axis.store.getDelivery(id);
      expect(delivery).toMatchObject({ state: 'pending', attempts: 0 });
      expect(delivery?.lastError).toMatch(new RegExp(`^${RECIPIENT_SUSPENDED}: `));
      expect(await workers.queue.hasJob(id)).toBe(true);
    }
    // What an operator sees: `edx admin deliveries --state pending` lists them with that lastError; no dead letter.
    expect(await axis.store.listDeliveries({ states: ['dead'], limit: 10 })).toHaveLength(0);
    const holdLines = workers.log.lines.filter((l) => l.details['code'] === RECIPIENT_SUSPENDED);
    // Logged once per delivery, not at every recheck.
    expect(holdLines.map((l) => l.details['deliveryId']).sort()).toEqual([...held].sort());
    // Each held delivery is looked at again after the recheck interval (±10 % jitter), not after a push backoff.
    for (const line of holdLines) expect(line.details['recheckMs']).toSatisfy((ms: number) => ms >= RECHECK_MS * 0.9 && ms <= RECHECK_MS * 1.1);
    expect(workers.log.lines.filter((l) => l.level === 'error')).toHaveLength(0);

    await registry.resume(SUSPENDED);
    const done = await waitForDeliveries(axis.store, held, ['delivered', 'dead'], 15_000);
    // Out at the first look after the resume: one attempt, no retry scheduled on the way.
    expect(done.map((d) => [d.state, d.attempts, d.lastError])).toEqual(Array(5).fill(['delivered', 1, undefined]));
    expect(await workers.metrics.retries.get().then((m) => m.values)).toEqual([]);
    expect(held.map((id) => suspendedReceiver.processed.get(id))).toEqual(Array(5).fill(1));
    expect(suspendedReceiver.requests).toHaveLength(5);
    const receipts = await allReceipts(axis.store);
    expect(receipts.filter((r) => r.type === 'delivered')).toHaveLength(10);
    expect(receipts.filter((r) => r.type === 'failed')).toHaveLength(0);
  });

  it('an operator\'s resume wakes the held deliveries at once (wakeHeld), long before their next recheck', async () => {
    // Far beyond the test's own timeout: a held delivery that goes out in this test was woken, not rechecked.
    const LONG_RECHECK_MS = 3_600_000;
    workers = await startTestWorkers(axis, { delivery: { suspendedRecheckMs: LONG_RECHECK_MS, maxAttempts: 1 } });
    const admin = createDeliveryAdmin({ store: axis.store, queue: workers.queue });
    await registry.suspend(SUSPENDED);
    const accepted = [];
    for (let i = 0; i < 3; i += 1) accepted.push(await acceptPackage(axis.store, { to: [SUSPENDED] }));
    const held = accepted.map((a) => a.deliveries[0]!.id);
    await workers.queue.enqueueDeliveries(held);
    // Every delivery has been looked at once and is held, its next look an hour away.
    await waitFor(async () => {
      for (const id of held) {
        expect(await axis.store.getDelivery(id)).toMatchObject({ state: 'pending', attempts: 0, lastError: expect.stringMatching(new RegExp(`^${RECIPIENT_SUSPENDED}: `)) });
      }
    });
    expect(suspendedReceiver.requests).toHaveLength(0);
    await registry.resume(SUSPENDED);
    expect(await admin.wakeHeld(SUSPENDED)).toBe(3);
    const done = await waitForDeliveries(axis.store, held, ['delivered', 'dead']);
    expect(done.map((d) => d.state)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(held.map((id) => suspendedReceiver.processed.get(id))).toEqual([1, 1, 1]);
    // Nothing left to wake: delivered deliveries are not held.
    expect(await admin.wakeHeld(SUSPENDED)).toBe(0);
  });
});

/** How many times the workers looked at a delivery and held it (the recipient suspended). */
async function heldLooks(workers: TestWorkers): Promise<number> {
  const { values } = await workers.metrics.deliveries.get();
  return values.find((v) => v.labels['outcome'] === 'held')?.value ?? 0;
}
