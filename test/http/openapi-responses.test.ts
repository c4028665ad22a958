/**
 * Issue 23: the answers of the HTTP tests are checked against schemas/openapi.yaml (test/support/openapi-contract.ts,
 * in the fixtures; a fixture's close() fails its file on any mismatch). Here: the check itself can fail (a wrong
 * body, an undocumented status, a wrong media type, an undocumented path), and a sweep of the operator API and the
 * exchange on the real use-cases is matched answer by answer.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAgainstOpenApi } from '../support/openapi-contract.js';
import { buildExchangeFixture, type ExchangeFixture, type TestAgency } from './exchange-fixture.js';
import { buildHarness, OPERATOR_TOKEN } from './harness.js';

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const problem = (status: number, code: string) => json({ type: `urn:edx-axis:error:${code}`, title: 'x', status, code, detail: 'x', instance: '/', requestId: 'r' });

describe('the check against schemas/openapi.yaml', () => {
  it('passes an answer that matches and names what is wrong with one that does not', () => {
    const ok = { method: 'GET', path: '/v1/inbox', status: 200, contentType: 'application/json; charset=utf-8', body: json({ items: [] }) };
    expect(checkAgainstOpenApi(ok)).toBeUndefined();
    expect(checkAgainstOpenApi({ ...ok, body: json({ things: [] }) })).toMatch(/GET \/v1\/inbox -> 200: the body does not match .*items/);
    expect(checkAgainstOpenApi({ ...ok, body: json({ items: [{ packageId: 'pkg_1' }] }) })).toMatch(/must have required property/);
    expect(checkAgainstOpenApi({ ...ok, status: 418, contentType: 'application/problem+json', body: problem(418, 'TEAPOT') })).toMatch(/status 418 is not documented/);
    expect(checkAgainstOpenApi({ ...ok, contentType: 'text/html', body: Buffer.from('<p>') })).toMatch(/answered as text\/html, documented as application\/json/);
    expect(checkAgainstOpenApi({ ...ok, path: '/v1/outbox' })).toMatch(/the path is not documented/);
    expect(checkAgainstOpenApi({ ...ok, status: 401, contentType: 'application/problem+json', body: json({ code: 'AUTH_MISSING' }) })).toMatch(/must have required property/);
    expect(checkAgainstOpenApi({ ...ok, status: 429, contentType: 'application/problem+json', body: problem(429, 'RATE_LIMITED') })).toBeUndefined();
    expect(checkAgainstOpenApi({ method: 'GET', path: '/v1/documents/000.00.00.H40%2C2026%2F12%2F01%2C7%2FUBND-VP/timeline', status: 404, contentType: 'application/problem+json', body: problem(404, 'EXCHANGE_NOT_FOUND') })).toBeUndefined();
  });
});

describe('a sweep of the operator API, every answer matched', () => {
  it('agencies, keys, certificates and dead letters, with their refusals', async () => {
    const h = await buildHarness();
    const auth = { Authorization: `Bearer ${OPERATOR_TOKEN}` };
    const created = await request(h.app).post('/v1/admin/agencies').set(auth).send({ organId: '000.00.00.D04', name: 'Sở D', endpointUrl: 'https://dms.example/edx' });
    expect(created.status).toBe(201);
    const answers = [
      await request(h.app).get('/v1/admin/agencies').set(auth),
      await request(h.app).get('/v1/admin/agencies'),
      await request(h.app).get('/v1/admin/agencies/000.00.00.D04').set(auth),
      await request(h.app).get('/v1/admin/agencies/000.00.00.Z99').set(auth),
      await request(h.app).get('/v1/admin/agencies/not%20a%20code').set(auth),
      await request(h.app).post('/v1/admin/agencies').set(auth).send({ organId: '000.00.00.D04', name: 'Sở D' }),
      await request(h.app).post('/v1/admin/agencies').set(auth).send({ organId: '000.00.00.E05' }),
      await request(h.app).post('/v1/admin/agencies').set(auth).send({ organId: '000.00.00.E05', name: 'Sở E', endpointUrl: 'https://169.254.169.254/' }),
      await request(h.app).post('/v1/admin/agencies/000.00.00.D04/suspend').set(auth),
      await request(h.app).post('/v1/admin/agencies/000.00.00.D04/resume').set(auth),
      await request(h.app).post('/v1/admin/agencies/000.00.00.D04/rotate-key').set(auth),
      await request(h.app).post(`/v1/admin/keys/${created.body.credentials.keyId as string}/revoke`).set(auth),
      await request(h.app).post('/v1/admin/keys/000.00.00.D04:0000000000000000/revoke').set(auth),
      await request(h.app).post('/v1/admin/agencies/000.00.00.D04/certificates').set(auth).send({ sha256Fingerprint: 'ab'.repeat(32) }),
      await request(h.app).post('/v1/admin/agencies/000.00.00.D04/certificates').set(auth).send({ sha256Fingerprint: 'z'.repeat(64) }),
      await request(h.app).get('/v1/admin/deliveries').set(auth),
      await request(h.app).post('/v1/admin/deliveries/dlv_nowhere/replay').set(auth),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 401, 200, 404, 400, 409, 400, 400, 200, 200, 200, 200, 404, 200, 400, 503, 503]);
    expect(h.openapi.checked()).toBe(answers.length + 1);
    expect(h.openapi.problems()).toEqual([]);
    await h.close();
  });
});

describe('a sweep of the exchange on the real use-cases, every answer matched', () => {
  let f: ExchangeFixture;
  let A: TestAgency;
  let B: TestAgency;
  beforeAll(async () => {
    f = await buildExchangeFixture();
    A = await f.agency('000.00.00.A01');
    B = await f.agency('000.00.00.B02');
  });
  afterAll(async () => f?.close());

  it('send, inbox, download, report, ack, receipts, timeline, revocation and the refusals on the way', async () => {
    const documentId = '000.00.00.A01,2026/12/01,1/A01-VP';
    const bytes = await f.documentFrom(A, { to: [B.organId], documentId });
    const sent = await f.send(A, bytes);
    const id = sent.body.packageId as string;
    const timelinePath = `/v1/documents/${encodeURIComponent(documentId)}/timeline`;
    const statuses = [
      sent.status,
      (await f.send(A, bytes)).status,
      (await f.send(A, await f.documentFrom(A, { to: [B.organId], documentId }))).status,
      (await f.send(A, Buffer.from('<not-xml'))).status,
      (await f.send(A, await f.documentFrom(A, { to: ['000.00.00.Z99'] }))).status,
      (await f.get(B, '/v1/inbox?limit=5')).status,
      (await f.get(B, '/v1/inbox?limit=0')).status,
      (await f.post(B, `/v1/packages/${id}/ack`)).status,
      (await f.get(B, `/v1/packages/${id}`, { raw: true })).status,
      (await f.get(B, `/v1/packages/${id}`, { raw: true, headers: { 'If-None-Match': `"${sent.body.receipt.receipt.subjectSha256 as string}"` } })).status,
      (await f.get(A, `/v1/packages/${id}/report`)).status,
      (await f.post(B, `/v1/packages/${id}/ack`)).status,
      (await f.post(A, `/v1/packages/${id}/ack`)).status,
      (await f.get(A, '/v1/receipts?limit=50')).status,
      (await f.get(A, '/v1/receipts?type=rejected')).status,
      (await f.get(A, timelinePath)).status,
      (await f.get(A, '/v1/packages/pkg_nowhere')).status,
    ];
    expect(statuses).toEqual([202, 200, 409, 400, 422, 200, 400, 409, 200, 304, 200, 200, 403, 200, 200, 200, 404]);
    // A revoked document, then its 410.
    const other = (await f.send(A, await f.documentFrom(A, { to: [B.organId], documentId: '000.00.00.A01,2026/12/01,2/A01-VP' }))).body.packageId as string;
    expect((await f.send(A, await f.documentFrom(A, { to: [B.organId], documentId: '000.00.00.A01,2026/12/01,3/A01-VP', business: { type: 1, original: { organId: A.organId, documentId: '000.00.00.A01,2026/12/01,2/A01-VP' } } }))).status).toBe(202);
    expect((await f.get(B, `/v1/packages/${other}`, { raw: true })).status).toBe(410);
    expect((await request(f.app).get(timelinePath).set('Authorization', `Bearer ${f.archivistToken}`)).status).toBe(200);
  });
});
