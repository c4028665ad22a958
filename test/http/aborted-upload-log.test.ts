/**
 * Issue 23, finding 7: an upload its client gave up halfway is logged as aborted, with no status (none was sent),
 * not as `statusCode: 200`.
 */
import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AgencyCredentials } from '../../src/exchange/agencies/agency-registry.js';
import { signRequest } from '../../src/http/rest/request-signing.js';
import { buildHarness, fakeExchange, listen, type Harness } from './harness.js';

describe('an aborted upload in the access log', () => {
  let h: Harness;
  let a: AgencyCredentials;
  let served: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    h = await buildHarness({ exchange: fakeExchange([]), maxPackageBytes: 4 * 1024 * 1024 });
    a = await h.add('000.00.00.A01');
    served = await listen(h);
  });
  afterAll(async () => {
    await served.close();
  });

  it.each([['in memory', 5000], ['to a temporary file', 2 * 1024 * 1024]])('a signed upload (%s) cut off by its client is "request aborted" with no status code', async (_how, length) => {
    const signed = signRequest({ method: 'POST', path: '/v1/packages', keyId: a.keyId, secret: a.secret, bodySha256: 'ab'.repeat(32) });
    const head = Object.entries({ ...signed, Host: 'localhost', 'Content-Type': 'application/xml', 'Content-Length': String(length) }).map(([k, v]) => `${k}: ${v}`).join('\r\n');
    const socket = connect(served.port, '127.0.0.1');
    await once(socket, 'connect');
    const before = h.logLines.length;
    socket.write(`POST /v1/packages HTTP/1.1\r\n${head}\r\n\r\n<edXML>${'x'.repeat(100)}`);
    // The gateway has authenticated it and is reading the body when the client goes.
    await vi.waitFor(async () => expect(await h.redis.keys(`${h.prefix}nonce:*${signed['X-Edx-Nonce']}`)).toHaveLength(1));
    socket.destroy();
    const line = await vi.waitFor(() => {
      const found = h.logLines.slice(before).find((l) => l['msg'] === 'request aborted');
      if (!found) throw new Error('no "request aborted" line yet');
      return found;
    });
    expect(line).toMatchObject({ level: 50, req: { method: 'POST', path: '/v1/packages' }, agency: '000.00.00.A01' });
    expect((line['res'] as { statusCode?: unknown }).statusCode).toBeNull();
  });
});
