/**
 * Issue 23, finding 7: an authenticated upload that stalls is cut off after UPLOAD_IDLE_TIMEOUT_MS without a byte:
 * 408 HTTP_UPLOAD_IDLE, the connection closed, no temporary file left behind. One that keeps sending is not.
 */
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import type { AgencyCredentials } from '../../src/exchange/agencies/agency-registry.js';
import { signRequest } from '../../src/http/rest/request-signing.js';
import { buildHarness, fakeExchange, listen, type Harness } from './harness.js';

const IDLE_MS = 400;

describe('an authenticated upload that stalls', () => {
  let h: Harness;
  let a: AgencyCredentials;
  let served: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    h = await buildHarness({ exchange: fakeExchange([]), maxPackageBytes: 4 * 1024 * 1024, uploadIdleTimeoutMs: IDLE_MS });
    a = await h.add('000.00.00.A01');
    served = await listen(h);
  });
  afterAll(async () => {
    await served.close();
  });

  /** Opens a signed upload of `length` bytes and sends its head and the first bytes. */
  async function startUpload(length: number, body: Buffer): Promise<{ socket: Socket; answer: () => string; closed: Promise<void> }> {
    const signed = signRequest({ method: 'POST', path: '/v1/packages', keyId: a.keyId, secret: a.secret, body });
    const head = Object.entries({ ...signed, Host: 'localhost', 'Content-Type': 'application/xml', 'Content-Length': String(length) }).map(([k, v]) => `${k}: ${v}`).join('\r\n');
    const socket = connect(served.port, '127.0.0.1');
    await once(socket, 'connect');
    let text = '';
    socket.on('data', (d: Buffer) => { text += d.toString('latin1'); });
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(`POST /v1/packages HTTP/1.1\r\n${head}\r\n\r\n`);
    socket.write(body.subarray(0, 100));
    return { socket, answer: () => text, closed };
  }

  it.each([['in memory', 5000], ['to a temporary file', 2 * 1024 * 1024]])('(%s) is answered 408 HTTP_UPLOAD_IDLE and closed, leaving no temporary file', async (_how, length) => {
    const body = Buffer.alloc(length, 0x41);
    const upload = await startUpload(length, body);
    await upload.closed;
    expect(upload.answer()).toMatch(/^HTTP\/1\.1 408 /);
    expect(upload.answer()).toContain('"code":"HTTP_UPLOAD_IDLE"');
    expect(readdirSync(h.dir)).toEqual([]);
  });

  it('one that keeps sending, however slowly, is not cut off', async () => {
    const body = Buffer.alloc(5000, 0x42);
    const upload = await startUpload(body.length, body);
    // Sixteen pieces, one every eighth of the idle time: the upload lasts twice the idle time, never idle for it.
    for (let i = 1; i <= 16; i++) {
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS / 8));
      upload.socket.write(body.subarray(100 + Math.floor(((i - 1) * 4900) / 16), 100 + Math.floor((i * 4900) / 16)));
    }
    await new Promise<void>((resolve) => { const check = (): void => { if (upload.answer().includes('\r\n\r\n')) resolve(); else upload.socket.once('data', check); }; check(); });
    expect(upload.answer()).toMatch(/^HTTP\/1\.1 202 /);
    upload.socket.destroy();
  });

  it('UPLOAD_IDLE_TIMEOUT_MS defaults to 30 s and is validated', () => {
    expect(loadConfig({}).uploadIdleTimeoutMs).toBe(30_000);
    expect(() => loadConfig({ UPLOAD_IDLE_TIMEOUT_MS: '0' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('UPLOAD_IDLE_TIMEOUT_MS') }));
  });
});
