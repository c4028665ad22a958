/**
 * Issue 23, finding 4: the authentication headers are read strictly. Each appears exactly once, and the signature is
 * exact base64 of 32 bytes: a valid signature with anything after it, a duplicated header (which Node would join
 * with ", "), a non-canonical encoding are all refused as AUTH_INVALID, naming the header.
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgencyCredentials } from '../../src/exchange/agencies/agency-registry.js';
import { signRequest } from '../../src/http/rest/request-signing.js';
import { buildHarness, fakeExchange, listen, type Harness } from './harness.js';

interface Answer { status: number; body: { code?: string; detail?: string } }

describe('authentication headers are parsed strictly', () => {
  let h: Harness;
  let a: AgencyCredentials;
  let served: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    h = await buildHarness({ exchange: fakeExchange([]) });
    a = await h.add('000.00.00.A01');
    served = await listen(h);
  });
  afterAll(async () => {
    await served.close();
  });

  /** A GET of the inbox with these header lines; an array value is sent as that many separate lines. */
  function get(headers: Record<string, string | string[]>): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: served.port, path: '/v1/inbox', method: 'GET', headers }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Answer['body'] }));
      });
      req.on('error', reject);
      req.end();
    });
  }
  const signed = (): Record<string, string> => ({ ...signRequest({ method: 'GET', path: '/v1/inbox', keyId: a.keyId, secret: a.secret }) });

  it('a correctly signed request is served', async () => {
    expect((await get(signed())).status).toBe(200);
  });

  it.each([
    ['a space and more text', ' anything'],
    ['a comma and more text', ',x'],
    ['a second copy joined by a comma', ', AAAA'],
  ])('a valid signature followed by %s is refused', async (_what, tail) => {
    const headers = signed();
    const res = await get({ ...headers, 'X-Edx-Signature': headers['X-Edx-Signature'] + tail });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('AUTH_INVALID');
    expect(res.body.detail).toContain('X-Edx-Signature');
  });

  it('a signature sent twice (valid first) is refused, not joined', async () => {
    const headers = signed();
    const res = await get({ ...headers, 'X-Edx-Signature': [headers['X-Edx-Signature']!, 'AAAA'] });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('AUTH_INVALID');
    expect(res.body.detail).toContain('X-Edx-Signature');
  });

  it.each(['X-Edx-Key-Id', 'X-Edx-Timestamp', 'X-Edx-Content-SHA256', 'X-Edx-Nonce'])('%s sent twice with the same value is refused', async (name) => {
    const headers = signed();
    const res = await get({ ...headers, [name]: [headers[name as keyof typeof headers]!, headers[name as keyof typeof headers]!] });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('AUTH_INVALID');
    expect(res.body.detail).toContain(name);
  });

  it('a signature in non-canonical base64 (the unused bits set) is refused although it decodes to the same bytes', async () => {
    const headers = signed();
    const signature = headers['X-Edx-Signature']!;
    // 32 bytes are 43 characters and "=": the last character carries 4 bits of the signature and 2 unused ones.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const last = alphabet.indexOf(signature[42]!);
    const twin = signature.slice(0, 42) + alphabet[last | 0b01] + '=';
    const variant = twin === signature ? signature.slice(0, 42) + alphabet[last | 0b10] + '=' : twin;
    expect(Buffer.from(variant, 'base64')).toEqual(Buffer.from(signature, 'base64'));
    const res = await get({ ...headers, 'X-Edx-Signature': variant });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('AUTH_INVALID');
  });

  it('a signature without its padding, or in base64url, is refused', async () => {
    const headers = signed();
    const signature = headers['X-Edx-Signature']!;
    for (const variant of [signature.replace(/=+$/, ''), Buffer.from(signature, 'base64').toString('base64url')]) {
      if (variant === signature) continue;
      const res = await get({ ...headers, 'X-Edx-Signature': variant });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('AUTH_INVALID');
    }
  });

  it('a malformed header is named in the answer', async () => {
    const res = await get({ ...signed(), 'X-Edx-Timestamp': 'yesterday' });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('AUTH_INVALID');
    expect(res.body.detail).toContain('X-Edx-Timestamp');
  });
});
