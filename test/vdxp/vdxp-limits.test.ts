/**
 * The SDK dialect under the same limits as /v1 (docs/vdxp.md, docs/operations.md): the per-agency requests per minute
 * and bytes per day, counted against the agency a request acts as (else the system), answered as the SDK reads a
 * refusal (a FAIL reply with the code) plus Retry-After; an upload that stops sending is cut off. Nothing is recorded
 * for any of them, and the service goes on.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.js';
import { JavaHashMap } from './java-hash-map.js';
import { sdkTimestamp, signedHeadersOf, unpaddedHex, type SdkReply } from './sdk-client.js';
import { startSdkGateway, type SdkGateway } from './sdk-gateway.js';

/** 30 s into a minute and 12 h into a Vietnamese day: the windows do not turn over during a test. */
const NOON = Date.parse('2026-12-07T05:00:30Z');

const open: SdkGateway[] = [];
afterEach(async () => { for (const g of open.splice(0)) await g.close(); });

async function gateway(options: Parameters<typeof startSdkGateway>[0]): Promise<SdkGateway> {
  const g = await startSdkGateway(options);
  open.push(g);
  return g;
}

function expectFail(reply: SdkReply, code: string): void {
  expect(reply.status).toBe(200);
  expect(reply.json).toMatchObject({ status: 'FAIL', ErrorCode: code, ErrorDesc: expect.any(String) });
}

describe('per-agency limits on /vdxp', () => {
  it('the request after AGENCY_REQUESTS_PER_MINUTE is FAIL RATE_LIMITED with Retry-After; another system is not held back', async () => {
    const limited: string[] = [];
    const g = await gateway({ agencyLimits: { requestsPerMinute: 2, dailyBytes: 0, now: () => NOON, limited: (reason) => limited.push(reason) } });
    const A = await g.f.agency('000.00.00.G22');
    const B = await g.f.agency('000.00.00.H41');
    const first = (await g.system('vxp.saas.03', [A.organId])).client;
    const other = (await g.system('vxp.saas.04', [B.organId])).client;
    for (let i = 0; i < 2; i++) expect((await first().post('getReceivedEdocList', { messagetype: 'edoc' }, 'empty')).json).toMatchObject({ status: 'OK' });
    const refused = await first().post('getReceivedEdocList', { messagetype: 'edoc' }, 'empty');
    expectFail(refused, 'RATE_LIMITED');
    expect(refused.headers['retry-after']).toBe('30');
    expect(limited).toEqual(['requests']);
    expect((await other().post('getReceivedEdocList', { messagetype: 'edoc' }, 'empty')).json).toMatchObject({ status: 'OK' });
  });

  it('a sendEdoc past the agency\'s bytes for the day is FAIL RATE_QUOTA_EXCEEDED before its body is read: nothing recorded', async () => {
    const g = await gateway({ agencyLimits: { requestsPerMinute: 0, dailyBytes: 64 * 1024, now: () => NOON } });
    const A = await g.f.agency('000.00.00.G22');
    const B = await g.f.agency('000.00.00.H41');
    const client = (await g.system('vxp.saas.03', [A.organId])).client;
    const file = await g.f.documentFrom(A, { to: [B.organId], attachments: [{ name: 'bao-cao.txt', bytes: randomBytes(40 * 1024), contentType: 'text/plain' }] });
    const sent = await client().sendEdoc({ from: A.organId, servicetype: 'eDoc', messagetype: 'edoc' }, file);
    expect(sent.json).toMatchObject({ status: 'OK' });
    const before = await g.f.snapshot();
    const again = await g.f.documentFrom(A, { to: [B.organId], attachments: [{ name: 'bao-cao-2.txt', bytes: randomBytes(40 * 1024), contentType: 'text/plain' }] });
    const refused = await client().sendEdoc({ from: A.organId, servicetype: 'eDoc', messagetype: 'edoc' }, again);
    expectFail(refused, 'RATE_QUOTA_EXCEEDED');
    expect(refused.json?.['DocId']).toBe('');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3600);
    expect(await g.f.snapshot()).toEqual(before);
  });
});

describe('an SDK upload that stops sending', () => {
  it('is cut off after UPLOAD_IDLE_TIMEOUT_MS with FAIL HTTP_UPLOAD_IDLE, its temporary file removed, nothing recorded', async () => {
    const g = await gateway({ uploadIdleTimeoutMs: 300 });
    const A = await g.f.agency('000.00.00.G22');
    const B = await g.f.agency('000.00.00.H41');
    const { secret } = await g.system('vxp.saas.03', [A.organId]);
    // Over the in-memory threshold, so the upload goes to a temporary file.
    const file = await g.f.documentFrom(A, { to: [B.organId], attachments: [{ name: 'so-hoa.bin', bytes: randomBytes(2 * 1024 * 1024), contentType: 'application/octet-stream' }] });
    const before = await g.f.snapshot();
    // The SDK's sendEdoc headers, signed, with the whole length declared; then only the first half is sent.
    const map = new JavaHashMap();
    map.put('timestamp', sdkTimestamp(new Date()));
    map.put('systemid', 'vxp.saas.03');
    map.put('Content-Type', 'application/octet-stream');
    for (const [key, value] of Object.entries({ from: A.organId, servicetype: 'eDoc', messagetype: 'edoc' })) map.put(key, value);
    map.put('hash-file', unpaddedHex(createHash('sha256').update(file).digest()));
    const headers = Object.fromEntries(signedHeadersOf(map, secret).headers);
    const url = new URL(`${g.endpoint}/sendEdoc`);
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, method: 'POST', path: url.pathname, headers: { ...headers, 'Content-Length': String(file.length + 2) } });
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.write(file.subarray(0, file.length / 2));
    });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ status: 'FAIL', ErrorCode: 'HTTP_UPLOAD_IDLE', DocId: '' });
    await waitFor(async () => expect(await g.f.snapshot()).toEqual(before));
  });
});
