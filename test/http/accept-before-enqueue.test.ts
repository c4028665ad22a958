/**
 * The accept answers once the package and its deliveries are on disk, not once Redis has the delivery job: the
 * queue's Redis is held still (CLIENT PAUSE WRITE: scripts wait, plain reads go on) while a document is sent.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_QUEUE, deliveryJobId } from '../../src/queue/names.js';
import { startPrivateRedis, type PrivateRedis } from '../delivery/redis-fixture.js';
import { waitFor } from '../support/wait-for.js';
import { buildExchangeFixture, type ExchangeFixture } from './exchange-fixture.js';

let queueRedis: PrivateRedis;
let f: ExchangeFixture;
let admin: Redis;

beforeAll(async () => {
  queueRedis = await startPrivateRedis();
  await queueRedis.start();
  // The enqueue waits for Redis longer than the pause lasts: an accept that waited for it could not answer at all.
  f = await buildExchangeFixture({ queueRedisUrl: queueRedis.url, enqueueTimeoutMs: 120_000 });
  admin = new Redis(queueRedis.url);
}, 30_000);

afterAll(async () => {
  await admin?.client('UNPAUSE').catch(() => undefined);
  admin?.disconnect();
  await f?.close();
  await queueRedis?.close();
});

describe('accepting does not wait for the delivery queue', () => {
  it('answers 202 while Redis holds the enqueue; the job lands once Redis goes on, and closing the queue waits for it', { timeout: 20_000 }, async () => {
    const A = await f.agency('000.00.00.H40');
    const B = await f.agency('000.00.12.H40', { endpointUrl: 'http://127.0.0.1:9/edx' });
    const bytes = await f.documentFrom(A, { to: [B.organId] });
    // Loads BullMQ's scripts on this Redis first, so what the pause holds is the enqueue itself.
    await f.queue.enqueueOrThrow(['dlv_warmup']);

    await admin.client('PAUSE', 60_000, 'WRITE');
    const res = await f.send(A, bytes);
    expect(res.status).toBe(202);
    const deliveries = await f.store.listDeliveriesForEnvelope(res.body.packageId as string);
    expect(deliveries.map((d) => [d.recipientOrganId, d.state])).toEqual([[B.organId, 'pending']]);
    const jobKey = `${f.queuePrefix}:${DELIVERY_QUEUE}:${deliveryJobId(deliveries[0]!.id)}`;
    expect(await admin.exists(jobKey)).toBe(0);

    // The enqueue is at Redis, held by the pause: a client blocked on BullMQ's script.
    await waitFor(async () => expect(String(await admin.client('LIST'))).toMatch(/ flags=b .* cmd=evalsha /));
    // Closing the queue now must not cut the enqueue off: it waits for Redis's answer.
    const closing = f.queue.close();
    await admin.client('UNPAUSE');
    await closing;
    expect(await admin.exists(jobKey)).toBe(1);
  });
});
