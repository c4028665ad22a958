import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { signRequest } from '../../src/http/rest/request-signing.js';
import type { AgencyCredentials } from '../../src/exchange/agencies/agency-registry.js';
import { buildHarness, fakeExchange, type Harness } from './harness.js';
import { freePort } from '../delivery/redis-fixture.js';

const XML = Buffer.from('<?xml version="1.0"?><edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>');

describe('agency systems authenticate every request with an HMAC signature', () => {
  let h: Harness;
  let a: AgencyCredentials;
  beforeAll(async () => {
    h = await buildHarness({ exchange: fakeExchange([]) });
    a = await h.add('000.00.00.A01');
  });
  afterAll(async () => h.close());

  const inbox = (headers: Record<string, string>) => request(h.app).get('/v1/inbox?limit=5').set(headers);

  it('a correctly signed request is served', async () => {
    const res = await inbox({ ...signRequest({ method: 'GET', path: '/v1/inbox?limit=5', keyId: a.keyId, secret: a.secret }) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [] });
  });

  it('a signature made with another secret is refused as AUTH_INVALID', async () => {
    const res = await inbox({ ...signRequest({ method: 'GET', path: '/v1/inbox?limit=5', keyId: a.keyId, secret: 'not-the-secret' }) });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('AUTH_INVALID');
  });

  it('a signature over another path (or query) is refused', async () => {
    const res = await inbox({ ...signRequest({ method: 'GET', path: '/v1/inbox?limit=50', keyId: a.keyId, secret: a.secret }) });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('AUTH_INVALID');
  });

  it('an unknown key id gets the same answer as a bad signature', async () => {
    const res = await inbox({ ...signRequest({ method: 'GET', path: '/v1/inbox?limit=5', keyId: '000.00.00.A01:0000000000000000', secret: a.secret }) });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('AUTH_INVALID');
  });

  it('a request without signature headers is AUTH_MISSING', async () => {
    const res = await inbox({});
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('AUTH_MISSING');
  });

  it('a timestamp outside the window is AUTH_EXPIRED', async () => {
    const old = Math.floor(Date.now() / 1000) - 301;
    const res = await inbox({ ...signRequest({ method: 'GET', path: '/v1/inbox?limit=5', keyId: a.keyId, secret: a.secret, timestamp: old }) });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('AUTH_EXPIRED');
  });

  it('the same signed request sent twice is AUTH_REPLAYED the second time', async () => {
    const headers = { ...signRequest({ method: 'GET', path: '/v1/inbox?limit=5', keyId: a.keyId, secret: a.secret }) };
    expect((await inbox(headers)).status).toBe(200);
    const second = await inbox(headers);
    expect(second.status).toBe(401);
    expect(second.body.code).toBe('AUTH_REPLAYED');
    expect(await h.redis.exists(`${h.prefix}nonce:${a.keyId}:${headers['X-Edx-Nonce']}`)).toBe(1);
  });

  it('a body that differs from the signed digest is AUTH_BODY_DIGEST_MISMATCH and nothing is submitted', async () => {
    const headers = signRequest({ method: 'POST', path: '/v1/packages', keyId: a.keyId, secret: a.secret, body: XML });
    const tampered = Buffer.from(XML.toString().replace('edXMLEnvelope', 'edXMLEnvelopX'));
    const res = await request(h.app).post('/v1/packages').set({ ...headers, 'Content-Type': 'application/xml' }).send(tampered);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('AUTH_BODY_DIGEST_MISMATCH');
  });

  it('a correctly signed package upload reaches the use-case with its digest and size', async () => {
    const headers = signRequest({ method: 'POST', path: '/v1/packages', keyId: a.keyId, secret: a.secret, body: XML });
    const res = await request(h.app).post('/v1/packages').set({ ...headers, 'Content-Type': 'application/xml' }).send(XML);
    expect(res.status).toBe(202);
    expect(res.body.receipt).toEqual({ type: 'accepted', subjectSha256: headers['X-Edx-Content-SHA256'], size: XML.length });
  });

  it('a suspended agency is refused with 403 AUTH_AGENCY_SUSPENDED, and served again once resumed', async () => {
    const b = await h.add('000.00.00.B02');
    await h.agencies.suspend('000.00.00.B02');
    const sign = () => signRequest({ method: 'GET', path: '/v1/inbox?limit=5', keyId: b.keyId, secret: b.secret });
    const res = await inbox({ ...sign() });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('AUTH_AGENCY_SUSPENDED');
    await h.agencies.resume('000.00.00.B02');
    expect((await inbox({ ...sign() })).status).toBe(200);
  });

  it('after a key rotation both keys work during the grace period, and an expired key is refused', async () => {
    const c = await h.add('000.00.00.C03');
    const rotated = await h.agencies.rotateKey('000.00.00.C03');
    for (const cred of [c, rotated.credentials]) {
      expect((await inbox({ ...signRequest({ method: 'GET', path: '/v1/inbox?limit=5', keyId: cred.keyId, secret: cred.secret }) })).status).toBe(200);
    }
    expect(rotated.agency.keys.find((k) => k.keyId === c.keyId)?.expiresAt).toBeDefined();
    expect(await h.agencies.resolveKey(c.keyId)).toBeDefined();
  });
});

describe('when Redis, the replay cache, is down', () => {
  let h: Harness;
  let a: AgencyCredentials;
  let submitted = 0;
  beforeAll(async () => {
    const exchange = fakeExchange([]);
    h = await buildHarness({
      exchange: { ...exchange, submitPackage: async (input) => { submitted += 1; return exchange.submitPackage(input); } },
      unreachableRedisUrl: `redis://127.0.0.1:${await freePort()}`,
    });
    a = await h.add('000.00.00.A01');
  });
  afterAll(async () => h.close());

  it('a correctly signed request is refused with 503 AUTH_REPLAY_CACHE_UNAVAILABLE and Retry-After, never served unchecked', async () => {
    const res = await request(h.app).get('/v1/inbox?limit=5')
      .set({ ...signRequest({ method: 'GET', path: '/v1/inbox?limit=5', keyId: a.keyId, secret: a.secret }) });
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('AUTH_REPLAY_CACHE_UNAVAILABLE');
    expect(res.body.detail).toMatch(/replay/);
    expect(res.headers['retry-after']).toBe('5');
  });

  it('a signed upload is refused the same way: nothing reaches the use-case and no temporary file is left', async () => {
    const headers = signRequest({ method: 'POST', path: '/v1/packages', keyId: a.keyId, secret: a.secret, body: XML });
    const res = await request(h.app).post('/v1/packages').set({ ...headers, 'Content-Type': 'application/xml' }).send(XML);
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('AUTH_REPLAY_CACHE_UNAVAILABLE');
    expect(submitted).toBe(0);
    expect(readdirSync(h.dir)).toEqual([]);
  });

  it('checks that need no Redis still answer first: a bad signature is 401, and the gateway keeps running', async () => {
    const bad = await request(h.app).get('/v1/inbox?limit=5')
      .set({ ...signRequest({ method: 'GET', path: '/v1/inbox?limit=5', keyId: a.keyId, secret: 'not-the-secret' }) });
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('AUTH_INVALID');
    expect((await request(h.app).get('/healthz')).status).toBe(200);
  });
});
