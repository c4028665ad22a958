import { once } from 'node:events';
import { readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { signRequest } from '../../src/http/rest/request-signing.js';
import type { AgencyCredentials } from '../../src/exchange/agencies/agency-registry.js';
import { freePort } from '../delivery/redis-fixture.js';
import { waitFor } from '../support/wait-for.js';
import { ARCHIVIST_TOKEN, buildHarness, fakeExchange, OPERATOR_TOKEN, type Harness } from './harness.js';

const PROBLEM_KEYS = ['code', 'detail', 'instance', 'requestId', 'status', 'title', 'type'];

describe('the gateway shell', () => {
  let h: Harness;
  let a: AgencyCredentials;
  let storeUp = true;
  beforeAll(async () => {
    h = await buildHarness({
      exchange: fakeExchange([]),
      maxPackageBytes: 1024,
      storePing: async () => { if (!storeUp) throw new Error('database is closed'); },
    });
    a = await h.add('000.00.00.A01');
  });
  afterAll(async () => h.close());

  const upload = (body: Buffer, type: string) =>
    request(h.app).post('/v1/packages')
      .set({ ...signRequest({ method: 'POST', path: '/v1/packages', keyId: a.keyId, secret: a.secret, body }), 'Content-Type': type })
      .send(body);

  it('errors are problem+json with the stable code, and the request id given by the client is echoed', async () => {
    const res = await request(h.app).get('/v1/inbox').set('X-Request-Id', 'trace-123');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Object.keys(res.body).sort()).toEqual(PROBLEM_KEYS);
    expect(res.body).toMatchObject({ status: 401, code: 'AUTH_MISSING', instance: '/v1/inbox', requestId: 'trace-123' });
    expect(res.headers['x-request-id']).toBe('trace-123');
  });

  it('a request without an id gets a generated one, and unknown paths are a 404 problem', async () => {
    const res = await request(h.app).get('/nowhere');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
    expect(res.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-request-id']).toBe(res.body.requestId);
  });

  it('a package over the size limit is 413 EDXML_TOO_LARGE and leaves no temporary file', async () => {
    const res = await upload(Buffer.alloc(2048, 0x41), 'application/xml');
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('EDXML_TOO_LARGE');
    expect(readdirSync(h.dir)).toEqual([]);
  });

  it('a chunked package that crosses the limit mid-stream is cut off with 413', async () => {
    const body = Buffer.alloc(4096, 0x42);
    const headers = signRequest({ method: 'POST', path: '/v1/packages', keyId: a.keyId, secret: a.secret, body });
    const req = request(h.app).post('/v1/packages').set({ ...headers, 'Content-Type': 'application/xml', 'Transfer-Encoding': 'chunked' });
    for (let i = 0; i < 4; i++) req.write(body.subarray(i * 1024, (i + 1) * 1024));
    const res = await req;
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('EDXML_TOO_LARGE');
    expect(readdirSync(h.dir)).toEqual([]);
  });

  it('an upload cut off mid-stream leaves no temporary file and no open descriptor, and the service goes on', async () => {
    const server = createServer(h.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const body = Buffer.alloc(4096, 0x43);
      const headers = signRequest({ method: 'POST', path: '/v1/packages', keyId: a.keyId, secret: a.secret, body });
      const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
      await once(socket, 'connect');
      const head = Object.entries({ ...headers, 'Content-Type': 'application/xml', 'Transfer-Encoding': 'chunked', Host: 'localhost' }).map(([k, v]) => `${k}: ${v}`).join('\r\n');
      socket.write(`POST /v1/packages HTTP/1.1\r\n${head}\r\n\r\n200\r\n${'x'.repeat(0x200)}\r\n`);
      const openUploads = (): string[] => readdirSync('/proc/self/fd').flatMap((fd) => {
        try { return [readlinkSync(`/proc/self/fd/${fd}`)]; } catch { return []; }
      }).filter((target) => target.startsWith(h.dir));
      // The upload is under way: its temporary file is there and open.
      await waitFor(() => expect([readdirSync(h.dir).length, openUploads().length]).toEqual([1, 1]));
      socket.destroy();
      await waitFor(() => expect([readdirSync(h.dir).length, openUploads().length]).toEqual([0, 0]));
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    expect((await upload(Buffer.from('<html/>'), 'application/xml')).status).toBeLessThan(500);
  });

  it('a package that is not sent as XML is 415', async () => {
    const res = await upload(Buffer.from('{"not":"xml"}'), 'application/json');
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('HTTP_UNSUPPORTED_MEDIA_TYPE');
  });

  it('the service is still up after bad input', async () => {
    expect((await request(h.app).get('/healthz')).body).toEqual({ status: 'ok' });
  });

  it('/readyz is 200 when Redis and the store answer, 503 naming the store when it does not', async () => {
    const ok = await request(h.app).get('/readyz');
    expect(ok.status).toBe(200);
    expect(ok.body.checks).toEqual({ redis: 'ok', store: 'ok' });
    storeUp = false;
    try {
      const down = await request(h.app).get('/readyz');
      expect(down.status).toBe(503);
      // The reason is for the operator's log, not for whoever asks /readyz (it can name hosts and paths).
      expect(down.body.checks).toEqual({ store: 'unreachable', redis: 'ok' });
      expect(JSON.stringify(h.logLines.filter((l) => l.msg === 'not ready'))).toContain('unreachable: database is closed');
    } finally {
      storeUp = true;
    }
  });

  it('/readyz is 503 naming Redis when Redis does not answer, while the store is fine', async () => {
    const downRedis = await buildHarness({ unreachableRedisUrl: `redis://127.0.0.1:${await freePort()}` });
    try {
      const down = await request(downRedis.app).get('/readyz');
      expect(down.status).toBe(503);
      expect(down.body.status).toBe('not-ready');
      expect(down.body.checks.redis).toBe('unreachable');
      expect(down.body.checks.store).toBe('ok');
    } finally {
      await downRedis.close();
    }
  });

  it('serves the OpenAPI 3.1 document and Swagger UI with local assets', async () => {
    const doc = await request(h.app).get('/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toContain('/v1/packages');
    const ui = await request(h.app).get('/docs/');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
    const asset = await request(h.app).get('/docs/swagger-ui-bundle.js');
    expect(asset.status).toBe(200);
  });

  it('the operator API needs an operator token: none 401, archivist 403, operator 200', async () => {
    expect((await request(h.app).get('/v1/admin/agencies')).body.code).toBe('AUTH_MISSING');
    const wrong = await request(h.app).get('/v1/admin/agencies').set('Authorization', 'Bearer nope');
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('AUTH_INVALID');
    const archivist = await request(h.app).get('/v1/admin/agencies').set('Authorization', `Bearer ${ARCHIVIST_TOKEN}`);
    expect(archivist.status).toBe(403);
    const ok = await request(h.app).get('/v1/admin/agencies').set('Authorization', `Bearer ${OPERATOR_TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.body.items.map((x: { organId: string }) => x.organId)).toContain('000.00.00.A01');
    expect(JSON.stringify(ok.body)).not.toContain('secretCiphertext');
  });

  it('an operator adds an agency over the API, gets working credentials once, and suspends it', async () => {
    const auth = { Authorization: `Bearer ${OPERATOR_TOKEN}` };
    const created = await request(h.app).post('/v1/admin/agencies').set(auth).send({ organId: '000.00.00.D04', name: 'Sở D', endpointUrl: 'https://dms.example/edx' });
    expect(created.status).toBe(201);
    expect(created.body.agency).toMatchObject({ organId: '000.00.00.D04', state: 'active', deliveryMode: 'push' });
    const { keyId, secret } = created.body.credentials;
    const signed = () => signRequest({ method: 'GET', path: '/v1/inbox', keyId, secret });
    expect((await request(h.app).get('/v1/inbox').set({ ...signed() })).status).toBe(200);
    const again = await request(h.app).post('/v1/admin/agencies').set(auth).send({ organId: '000.00.00.D04', name: 'dup' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('AGENCY_EXISTS');
    const bad = await request(h.app).post('/v1/admin/agencies').set(auth).send({ organId: 'not a code', name: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('AGENCY_ORGAN_ID_INVALID');
    expect((await request(h.app).post('/v1/admin/agencies/000.00.00.D04/suspend').set(auth)).body.state).toBe('suspended');
    expect((await request(h.app).get('/v1/inbox').set({ ...signed() })).status).toBe(403);
    expect((await request(h.app).post('/v1/admin/agencies/000.00.00.Z99/suspend').set(auth)).status).toBe(404);
  });

  it('/metrics is open to loopback callers only (supertest connects over loopback)', async () => {
    const res = await request(h.app).get('/metrics');
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('SERVICE_UNAVAILABLE');
  });
});
