/**
 * Issue 23, finding 6: each agency has a limit of requests per minute and of bytes uploaded per day, kept in Redis so
 * that every gateway process counts against the same ones: over either, 429 with Retry-After, counted (the metric's
 * callback), and nothing of the body read.
 */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { signRequest } from '../../src/http/rest/request-signing.js';
import type { AgencyCredentials } from '../../src/exchange/agencies/agency-registry.js';
import { buildHarness, fakeExchange, type Harness } from './harness.js';

const open: Harness[] = [];
afterEach(async () => { for (const h of open.splice(0)) await h.close(); });
async function harness(options: Parameters<typeof buildHarness>[0]): Promise<Harness> {
  const h = await buildHarness({ exchange: fakeExchange([]), ...options });
  open.push(h);
  return h;
}

/** A fixed instant, 30 s into a minute and 12 h into a Vietnamese day: the windows do not turn over during a test. */
const NOON = Date.parse('2026-12-07T05:00:30Z');
const now = () => NOON;

const inbox = (h: Harness, a: AgencyCredentials) => request(h.app).get('/v1/inbox').set({ ...signRequest({ method: 'GET', path: '/v1/inbox', keyId: a.keyId, secret: a.secret }) });
const upload = (h: Harness, a: AgencyCredentials, body: Buffer) => request(h.app).post('/v1/packages')
  .set({ ...signRequest({ method: 'POST', path: '/v1/packages', keyId: a.keyId, secret: a.secret, body }), 'Content-Type': 'application/xml' }).send(body);

describe('per-agency limits', () => {
  it('the request after AGENCY_REQUESTS_PER_MINUTE in a minute is 429 RATE_LIMITED with Retry-After; another agency is not held back', async () => {
    const h = await harness({ agencyLimits: { requestsPerMinute: 3, dailyBytes: 0, now } });
    const a = await h.add('000.00.00.A01');
    const b = await h.add('000.00.00.B02');
    for (let i = 0; i < 3; i++) expect((await inbox(h, a)).status).toBe(200);
    const refused = await inbox(h, a);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('RATE_LIMITED');
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.headers['retry-after']).toBe('30');
    expect(h.limited).toEqual(['requests']);
    expect((await inbox(h, b)).status).toBe(200);
  });

  it('two gateway processes share the count through Redis', async () => {
    const prefix = `test:http:shared:${randomBytes(6).toString('hex')}:`;
    const first = await harness({ prefix, agencyLimits: { requestsPerMinute: 2, dailyBytes: 0, now } });
    const other = await harness({ prefix, agencyLimits: { requestsPerMinute: 2, dailyBytes: 0, now } });
    // The same agency, registered on both (each harness has its own registry; the limit is by OrganId).
    expect((await inbox(first, await first.add('000.00.00.A01'))).status).toBe(200);
    const onOther = await other.add('000.00.00.A01');
    expect((await inbox(other, onOther)).status).toBe(200);
    expect((await inbox(other, onOther)).status).toBe(429);
  });

  it('an upload that would pass AGENCY_DAILY_BYTES is 429 RATE_QUOTA_EXCEEDED before its body is read, with Retry-After until the day ends', async () => {
    const h = await harness({ agencyLimits: { requestsPerMinute: 0, dailyBytes: 1000, now }, maxPackageBytes: 64 * 1024 });
    const a = await h.add('000.00.00.A01');
    expect((await upload(h, a, Buffer.alloc(600, 0x41))).status).toBe(202);
    const refused = await upload(h, a, Buffer.alloc(600, 0x42));
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('RATE_QUOTA_EXCEEDED');
    expect(refused.headers['connection']).toBe('close');
    // 05:00:30 UTC is 12:00:30 in Hà Nội: 11 h 59 min 30 s to midnight there.
    expect(refused.headers['retry-after']).toBe(String(12 * 3600 - 30));
    // What is left of the day still takes a smaller package, then nothing more.
    expect((await upload(h, a, Buffer.alloc(400, 0x43))).status).toBe(202);
    expect((await upload(h, a, Buffer.alloc(1, 0x44))).status).toBe(429);
    expect(h.limited).toEqual(['bytes', 'bytes']);
    // A chunked upload is charged what arrived: the quota is used up, so the next one is refused too.
    const b = await h.add('000.00.00.B02');
    const body = Buffer.alloc(900, 0x45);
    const chunked = request(h.app).post('/v1/packages').set({ ...signRequest({ method: 'POST', path: '/v1/packages', keyId: b.keyId, secret: b.secret, body }), 'Content-Type': 'application/xml', 'Transfer-Encoding': 'chunked' });
    chunked.write(body.subarray(0, 450));
    chunked.write(body.subarray(450));
    expect((await chunked).status).toBe(202);
    expect((await upload(h, b, Buffer.alloc(200, 0x46))).status).toBe(429);
  });

  it('AGENCY_REQUESTS_PER_MINUTE and AGENCY_DAILY_BYTES have sensible defaults and are validated', () => {
    expect(loadConfig({}).agencyLimits).toEqual({ requestsPerMinute: 600, dailyBytes: 20 * 1024 * 1024 * 1024 });
    expect(loadConfig({ AGENCY_REQUESTS_PER_MINUTE: '0', AGENCY_DAILY_BYTES: '0' }).agencyLimits).toEqual({ requestsPerMinute: 0, dailyBytes: 0 });
    expect(() => loadConfig({ AGENCY_REQUESTS_PER_MINUTE: '-1' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('AGENCY_REQUESTS_PER_MINUTE') }));
    expect(() => loadConfig({ AGENCY_DAILY_BYTES: 'lots' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('AGENCY_DAILY_BYTES') }));
  });
});
