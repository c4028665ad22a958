import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { signRequest } from '../../src/http/auth/request-signing.js';
import type { AgencyCredentials } from '../../src/exchange/agencies/agency-registry.js';
import { ARCHIVIST_TOKEN, buildHarness, fakeExchange, type Harness } from './harness.js';

const RAW = Buffer.from('<edXML>exact bytes \r\n kept</edXML>');
const ENDPOINTS: { method: 'GET' | 'POST'; path: string }[] = [
  { method: 'GET', path: '/v1/packages/pkg-1' },
  { method: 'GET', path: '/v1/packages/pkg-1/report' },
  { method: 'POST', path: '/v1/packages/pkg-1/ack' },
  { method: 'GET', path: '/v1/documents/DOC-1/timeline' },
];

describe('an agency that is not party to a package gets 404 on everything about it', () => {
  let h: Harness;
  const creds: Record<string, AgencyCredentials> = {};
  beforeAll(async () => {
    h = await buildHarness({ exchange: fakeExchange([{ id: 'pkg-1', from: '000.00.00.S01', to: ['000.00.00.R02'], bytes: RAW, documentId: 'DOC-1' }]) });
    for (const id of ['000.00.00.S01', '000.00.00.R02', '000.00.00.X03']) creds[id] = await h.add(id);
  });
  afterAll(async () => h.close());

  const call = (caller: string, e: { method: 'GET' | 'POST'; path: string }) => {
    const c = creds[caller]!;
    const headers = signRequest({ method: e.method, path: e.path, keyId: c.keyId, secret: c.secret });
    return (e.method === 'GET' ? request(h.app).get(e.path) : request(h.app).post(e.path)).set({ ...headers });
  };

  for (const e of ENDPOINTS) {
    it(`${e.method} ${e.path}: outsider 404, same answer as a package that does not exist; parties 200`, async () => {
      const outsider = await call('000.00.00.X03', e);
      expect(outsider.status).toBe(404);
      const missing = await call('000.00.00.X03', { method: e.method, path: e.path.replace('pkg-1', 'pkg-nope').replace('DOC-1', 'DOC-nope') });
      expect(missing.status).toBe(404);
      expect(outsider.body.code).toBe(missing.body.code);
      expect(outsider.body.detail).toBe(missing.body.detail);
      for (const party of ['000.00.00.S01', '000.00.00.R02']) expect((await call(party, e)).status).toBe(200);
    });
  }

  it('a party fetches the raw bytes byte-exact with the SHA-256 as ETag', async () => {
    const res = await call('000.00.00.R02', ENDPOINTS[0]!).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(Buffer.compare(res.body as Buffer, RAW)).toBe(0);
    expect(res.headers['etag']).toBe(`"${(await import('node:crypto')).createHash('sha256').update(RAW).digest('hex')}"`);
  });

  it('an archivist reads any timeline with a bearer token; a wrong token is 401', async () => {
    const ok = await request(h.app).get('/v1/documents/DOC-1/timeline').set('Authorization', `Bearer ${ARCHIVIST_TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ documentId: 'DOC-1', envelopes: ['pkg-1'] });
    const bad = await request(h.app).get('/v1/documents/DOC-1/timeline').set('Authorization', 'Bearer guess');
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('AUTH_INVALID');
  });
});
