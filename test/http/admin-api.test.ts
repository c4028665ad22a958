/**
 * The dead-letter admin API over HTTP, on the real delivery admin: the embedded store in a temp directory, a
 * delivery dead-lettered by the real deliver use-case against a local receiver that refuses it (422), and the replay
 * enqueued on the real BullMQ queue in Redis under a prefix of the test's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createDeliveryAdmin } from '../../src/exchange/delivery/dead-letters.js';
import { deliver } from '../../src/exchange/delivery/deliver.js';
import { deliveryPolicy } from '../../src/exchange/delivery/delivery-policy.js';
import { SILENT_OBSERVER } from '../../src/exchange/delivery/delivery-observer.js';
import { createHttpPushClient } from '../../src/push/http-push-client.js';
import { createBullmqDeliveryQueue, type BullmqDeliveryQueue } from '../../src/queue/bullmq/delivery-queue.js';
import { deliveryJobId } from '../../src/queue/names.js';
import { acceptPackage, addAgency, allReceipts, openTestAxis, SENDER, startReceiver, type TestAxis, type TestReceiver } from '../delivery/harness.js';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../delivery/redis-fixture.js';
import { ARCHIVIST_TOKEN, buildHarness, OPERATOR_TOKEN, type Harness } from './harness.js';
import { setUpStep } from '../support/delivery-step.js';
import { LOOPBACK_PUSH } from '../support/loopback-push.js';

const RECIPIENT = '000.00.00.H41';

describe('the dead-letter admin API', () => {
  let axis: TestAxis;
  let receiver: TestReceiver;
  let queue: BullmqDeliveryQueue;
  let h: Harness;
  let deadId: string;
  const prefix = uniquePrefix('admin-api');
  const push = createHttpPushClient({ endpoints: LOOPBACK_PUSH });

  beforeAll(async () => {
    axis = await openTestAxis();
    receiver = await startReceiver(axis.identity.certificateDer);
    await addAgency(axis.store, SENDER);
    await addAgency(axis.store, RECIPIENT, receiver.url);
    queue = createBullmqDeliveryQueue({ redisUrl: REDIS_URL, prefix, depthMetrics: false });
    h = await buildHarness({ deliveries: createDeliveryAdmin({ store: axis.store, queue }) });

    // A receiver that refuses the package for good: the real deliver use-case dead-letters it on the first attempt.
    receiver.behave(() => ({ status: 422 }));
    const { deliveries } = await acceptPackage(axis.store, { to: [RECIPIENT] });
    deadId = deliveries[0]!.id;
    const outcome = await deliver({
      store: axis.store, push, identity: axis.identity, policy: deliveryPolicy({}), observer: SILENT_OBSERVER, alert: () => undefined,
    }, deadId);
    expect(outcome).toMatchObject({ kind: 'dead' });
  });
  afterAll(async () => {
    await h.close();
    await queue.close();
    await dropPrefix(prefix);
    push.close();
    await receiver.close();
    await axis.close();
  });

  const list = () => request(h.app).get('/v1/admin/deliveries?state=dead');
  const replay = (id: string) => request(h.app).post(`/v1/admin/deliveries/${encodeURIComponent(id)}/replay`);

  it('needs an operator: no token 401, an archivist 403, for listing and replaying alike', async () => {
    const none = await list();
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('AUTH_MISSING');
    const archivist = await list().set('Authorization', `Bearer ${ARCHIVIST_TOKEN}`);
    expect(archivist.status).toBe(403);
    expect(archivist.body.code).toBe('AUTH_FORBIDDEN');
    expect((await replay(deadId)).status).toBe(401);
    expect((await replay(deadId).set('Authorization', `Bearer ${ARCHIVIST_TOKEN}`)).status).toBe(403);
    expect((await axis.store.getDelivery(deadId))?.state).toBe('dead');
  });

  it('an operator lists the dead letter with its sender, recipient and last error', async () => {
    const res = await list().set('Authorization', `Bearer ${OPERATOR_TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([expect.objectContaining({
      deliveryId: deadId, recipientOrganId: RECIPIENT, fromOrganId: SENDER, attempts: 1, lastError: expect.stringMatching(/^HTTP 422/),
    })]);
  });

  it('pages dead letters: a full page comes with nextCursor, the next page continues after it, a limit over 1000 is 400', async () => {
    const more: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { deliveries } = await acceptPackage(axis.store, { to: [RECIPIENT] });
      await axis.store.transitionDelivery(deliveries[0]!.id, { step: setUpStep(['pending'], 'dead'), patch: { lastError: 'HTTP 422: test' } });
      more.push(deliveries[0]!.id);
    }
    try {
      const auth = { Authorization: `Bearer ${OPERATOR_TOKEN}` };
      const first = await request(h.app).get('/v1/admin/deliveries?state=dead&limit=2').set(auth);
      expect(first.status).toBe(200);
      expect(first.body.items.map((d: { deliveryId: string }) => d.deliveryId)).toEqual([deadId, more[0]]);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await request(h.app).get(`/v1/admin/deliveries?state=dead&limit=2&after=${first.body.nextCursor}`).set(auth);
      expect(second.body.items.map((d: { deliveryId: string }) => d.deliveryId)).toEqual([more[1], more[2]]);
      const last = await request(h.app).get(`/v1/admin/deliveries?state=dead&limit=2&after=${second.body.nextCursor}`).set(auth);
      expect(last.body).toEqual({ items: [] });
      const tooMany = await request(h.app).get('/v1/admin/deliveries?state=dead&limit=1001').set(auth);
      expect({ status: tooMany.status, code: tooMany.body.code }).toEqual({ status: 400, code: 'HTTP_QUERY_INVALID' });
    } finally {
      for (const id of more) await axis.store.transitionDelivery(id, { step: setUpStep(['dead'], 'delivered'), patch: {} });
    }
  });

  it('a bad listing query is 400 HTTP_QUERY_INVALID', async () => {
    const res = await request(h.app).get('/v1/admin/deliveries?state=delivered').set('Authorization', `Bearer ${OPERATOR_TOKEN}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('HTTP_QUERY_INVALID');
  });

  it('an unknown delivery id is 404 DELIVERY_NOT_FOUND', async () => {
    const res = await replay('dlv_unknown').set('Authorization', `Bearer ${OPERATOR_TOKEN}`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('DELIVERY_NOT_FOUND');
  });

  it('a replay puts the delivery back to pending with a replayed receipt and a job; a second replay is 409', async () => {
    const res = await replay(deadId).set('Authorization', `Bearer ${OPERATOR_TOKEN}`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ deliveryId: deadId, state: 'pending', receipt: { type: 'replayed', deliveryId: deadId } });
    expect((await axis.store.getDelivery(deadId))?.state).toBe('pending');
    expect((await allReceipts(axis.store)).filter((r) => r.type === 'replayed').map((r) => r.deliveryId)).toEqual([deadId]);
    expect(await queue.queue.getJob(deliveryJobId(deadId))).toBeDefined();

    const again = await replay(deadId).set('Authorization', `Bearer ${OPERATOR_TOKEN}`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('DELIVERY_STATE_CONFLICT');
    expect(again.body.detail).toMatch(/not dead/);
    const listed = await list().set('Authorization', `Bearer ${OPERATOR_TOKEN}`);
    expect(listed.body.items).toEqual([]);
  });
});
