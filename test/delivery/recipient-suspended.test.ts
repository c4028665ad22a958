/**
 * The deliver use-case for a recipient agency suspended after its packages were accepted: a push delivery is held
 * (no push, no attempt, no dead letter, the reason visible on the record) and goes out once the agency is resumed;
 * a pull delivery goes to the inbox as before.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgencyRegistry, type AgencyRegistry } from '../../src/exchange/agencies/agency-registry.js';
import type { DeadLetterAlert } from '../../src/exchange/delivery/dead-letter-alert.js';
import { deliver, RECIPIENT_SUSPENDED, type DeliverDeps } from '../../src/exchange/delivery/deliver.js';
import { deliveryPolicy } from '../../src/exchange/delivery/delivery-policy.js';
import { createHttpPushClient } from '../../src/push/http-push-client.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { acceptPackage, addAgency, allReceipts, openTestAxis, SENDER, startReceiver, type TestAxis, type TestReceiver } from './harness.js';
import { setUpStep } from '../support/delivery-step.js';
import { LOOPBACK_PUSH } from '../support/loopback-push.js';

const RECIPIENT = '000.00.00.H41';

describe('deliver to a suspended recipient', () => {
  let axis: TestAxis;
  let receiver: TestReceiver;
  let registry: AgencyRegistry;
  let alerts: DeadLetterAlert[];
  let deps: DeliverDeps;
  let metrics: ReturnType<typeof createMetrics>;
  const push = createHttpPushClient({ endpoints: LOOPBACK_PUSH });

  afterAll(() => push.close());
  beforeEach(async () => {
    axis = await openTestAxis();
    receiver = await startReceiver(axis.identity.certificateDer);
    await addAgency(axis.store, SENDER);
    await addAgency(axis.store, RECIPIENT, receiver.url);
    registry = createAgencyRegistry({ store: axis.store, secretKey: randomBytes(32) });
    alerts = [];
    metrics = createMetrics();
    deps = {
      store: axis.store,
      push,
      identity: axis.identity,
      // Two attempts only: were a held look counted as one, the repeated looks below would dead-letter the delivery.
      policy: deliveryPolicy({ maxAttempts: 2, baseDelayMs: 1000, maxDelayMs: 1000, minDelayMs: 1000, suspendedRecheckMs: 500 }),
      observer: metrics.deliveryObserver,
      alert: (a) => alerts.push(a),
      random: () => 0.5,
    };
  });
  afterEach(async () => {
    await receiver.close();
    await axis.close();
  });

  const pending = async (): Promise<string> => (await acceptPackage(axis.store, { to: [RECIPIENT] })).deliveries[0]!.id;

  it('holds a pending push delivery without a push or an attempt, says why, and delivers it once after the resume', async () => {
    const id = await pending();
    await registry.suspend(RECIPIENT);

    expect(await deliver(deps, id)).toEqual({ kind: 'deferred', reason: 'recipient-suspended', delayMs: 500, recorded: true });
    const held = await axis.store.getDelivery(id);
    expect(held).toMatchObject({ state: 'pending', attempts: 0 });
    expect(held?.lastError).toMatch(new RegExp(`^${RECIPIENT_SUSPENDED}: recipient agency ${RECIPIENT.replace(/\./g, '\\.')} is suspended`));

    // Looked at again and again while suspended: still no push, no attempt, no dead letter, and no further write.
    for (let i = 0; i < 5; i += 1) {
      expect(await deliver(deps, id)).toMatchObject({ kind: 'deferred', reason: 'recipient-suspended', recorded: false });
    }
    expect(await axis.store.getDelivery(id)).toEqual(held);
    // Counted as held (a suspension), not as deferred (a busy recipient): an operator's dashboard tells them apart.
    const counted = await metrics.registry.metrics();
    expect(counted).toMatch(/edx_deliveries_total\{outcome="held",mode="push"\} 6\b/);
    expect(counted).not.toMatch(/edx_deliveries_total\{outcome="deferred"/);
    expect(receiver.requests).toHaveLength(0);
    expect(alerts).toHaveLength(0);
    expect((await allReceipts(axis.store)).map((r) => r.type)).toEqual(['accepted']);

    await registry.resume(RECIPIENT);
    expect(await deliver(deps, id)).toMatchObject({ kind: 'delivered', attempts: 1 });
    const done = await axis.store.getDelivery(id);
    expect(done).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(done?.lastError).toBeUndefined();
    expect(receiver.processed.get(id)).toBe(1);
    expect((await allReceipts(axis.store)).map((r) => r.type)).toEqual(['accepted', 'delivered']);
  });

  it('holds a delivery that is already retrying, keeping its attempts and the last push error, and resumes its retries', async () => {
    receiver.behave(({ attempt }) => (attempt === 1 ? { status: 503 } : { status: 202 }));
    const id = await pending();
    expect(await deliver(deps, id)).toMatchObject({ kind: 'retry', attempts: 1 });
    await registry.suspend(RECIPIENT);
    // Make the retry due now: the hold is decided when the delivery is due, not before.
    await axis.store.transitionDelivery(id, { step: setUpStep(['retrying']), patch: { nextAttemptAt: new Date(Date.now() - 1000).toISOString() } });

    expect(await deliver(deps, id)).toMatchObject({ kind: 'deferred', reason: 'recipient-suspended', recorded: true });
    const held = await axis.store.getDelivery(id);
    expect(held).toMatchObject({ state: 'retrying', attempts: 1 });
    expect(held?.lastError).toContain(RECIPIENT_SUSPENDED);
    expect(held?.lastError).toContain('HTTP 503');
    expect(receiver.requests).toHaveLength(1);

    await registry.resume(RECIPIENT);
    expect(await deliver(deps, id)).toMatchObject({ kind: 'delivered', attempts: 2 });
    expect(alerts).toHaveLength(0);
  });

  it('does not dead-letter a suspended agency\'s delivery for an endpoint URL an operator may be correcting meanwhile', async () => {
    const id = await pending();
    await registry.suspend(RECIPIENT);
    const agency = await axis.store.getAgency(RECIPIENT);
    await axis.store.updateAgency({ ...agency!, endpointUrl: 'ftp://dms.example/inbox' });
    expect(await deliver(deps, id)).toMatchObject({ kind: 'deferred', reason: 'recipient-suspended' });
    expect(await axis.store.getDelivery(id)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(alerts).toHaveLength(0);
  });

  it('leaves pull delivery as it is: a suspended pull agency\'s package goes to its inbox, and a hold marker is cleared on the way', async () => {
    const id = await pending();
    await registry.suspend(RECIPIENT);
    expect(await deliver(deps, id)).toMatchObject({ reason: 'recipient-suspended' });
    // The operator switches the suspended agency to pull: the package becomes available (no error), marker gone.
    const agency = await axis.store.getAgency(RECIPIENT);
    const { endpointUrl: _dropped, ...withoutEndpoint } = agency!;
    await axis.store.updateAgency({ ...withoutEndpoint, deliveryMode: 'pull' });
    expect(await deliver(deps, id)).toEqual({ kind: 'available' });
    const available = await axis.store.getDelivery(id);
    expect(available).toMatchObject({ state: 'available', attempts: 0 });
    expect(available?.lastError).toBeUndefined();
    expect(receiver.requests).toHaveLength(0);
  });
});
