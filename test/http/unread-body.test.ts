/**
 * Issue 23, finding 1: a request refused before its body is read (no credentials, a bad signature) is answered and
 * its connection closed at once; the server does not read the rest of a body it will never use. Measured by the
 * bytes the server's own socket took in, on a real server over a raw socket.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgencyCredentials } from '../../src/exchange/agencies/agency-registry.js';
import { signRequest } from '../../src/http/rest/request-signing.js';
import { buildHarness, fakeExchange, type Harness } from './harness.js';

/** What the client offers to send at most; a server that drains unread bodies takes all of it. */
const OFFERED = 256 * 1024 * 1024;
/** What a server that stopped reading may still have taken in (its parser's buffers), far below OFFERED. */
const READ_AT_MOST = 16 * 1024 * 1024;
const CHUNK = Buffer.alloc(256 * 1024, 0x41);

interface Outcome {
  /** What the client received: the status line and headers of the answer. */
  answer: string;
  /** Whether the server closed the connection before the client had offered everything. */
  closedByServer: boolean;
  /** Bytes the server's end of the connection read. */
  serverRead: number;
}

describe('a request refused before its body is read does not make the server read the body', () => {
  let h: Harness;
  let a: AgencyCredentials;
  let server: Server;
  const serverSockets: Socket[] = [];

  beforeAll(async () => {
    h = await buildHarness({ exchange: fakeExchange([]), maxPackageBytes: 4 * 1024 * 1024 * 1024 });
    a = await h.add('000.00.00.A01');
    server = createServer(h.app);
    server.on('connection', (socket) => serverSockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await h.close();
  });

  /** Sends the head, then body bytes until the server closes the connection or OFFERED bytes have gone. */
  async function offer(head: string, chunked: boolean): Promise<Outcome> {
    const before = serverSockets.length;
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await once(socket, 'connect');
    let answer = '';
    let closed = false;
    socket.on('data', (data: Buffer) => { answer += data.toString('latin1'); });
    socket.on('error', () => undefined);
    const gone = new Promise<void>((resolve) => socket.once('close', () => { closed = true; resolve(); }));
    socket.write(head);
    let sent = 0;
    while (sent < OFFERED && !closed && !socket.destroyed) {
      const piece = chunked ? Buffer.concat([Buffer.from(`${CHUNK.length.toString(16)}\r\n`), CHUNK, Buffer.from('\r\n')]) : CHUNK;
      sent += CHUNK.length;
      if (!socket.write(piece)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), gone]);
    }
    const closedByServer = closed || socket.destroyed;
    const serverSocket = serverSockets[before]!;
    const serverRead = serverSocket.bytesRead;
    socket.destroy();
    await gone;
    return { answer: answer.split('\r\n\r\n')[0] ?? '', closedByServer, serverRead };
  }

  const headOf = (lines: Record<string, string>): string =>
    `POST /v1/packages HTTP/1.1\r\n${Object.entries({ Host: 'localhost', 'Content-Type': 'application/xml', ...lines }).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;

  it('no credentials and Content-Length: 3 GiB: 401, Connection: close, and the server stops reading', async () => {
    const out = await offer(headOf({ 'Content-Length': String(3 * 1024 * 1024 * 1024) }), false);
    expect(out.answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(out.answer.toLowerCase()).toContain('connection: close');
    expect(out.closedByServer).toBe(true);
    expect(out.serverRead).toBeLessThan(READ_AT_MOST);
  });

  it('no credentials and a chunked body: 401 and the server stops reading', async () => {
    const out = await offer(headOf({ 'Transfer-Encoding': 'chunked' }), true);
    expect(out.answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(out.closedByServer).toBe(true);
    expect(out.serverRead).toBeLessThan(READ_AT_MOST);
  });

  it('a bad signature over a 3 GiB body: 401 AUTH_INVALID and the server stops reading', async () => {
    const signed = signRequest({ method: 'POST', path: '/v1/packages', keyId: a.keyId, secret: 'not-the-secret', bodySha256: 'ab'.repeat(32) });
    const out = await offer(headOf({ ...signed, 'Content-Length': String(3 * 1024 * 1024 * 1024) }), false);
    expect(out.answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(out.closedByServer).toBe(true);
    expect(out.serverRead).toBeLessThan(READ_AT_MOST);
  });

  it('a bad signature over a chunked body: 401 and the server stops reading', async () => {
    const signed = signRequest({ method: 'POST', path: '/v1/packages', keyId: a.keyId, secret: 'not-the-secret', bodySha256: 'ab'.repeat(32) });
    const out = await offer(headOf({ ...signed, 'Transfer-Encoding': 'chunked' }), true);
    expect(out.answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(out.closedByServer).toBe(true);
    expect(out.serverRead).toBeLessThan(READ_AT_MOST);
  });

  it('the server goes on serving new connections afterwards', async () => {
    const headers = signRequest({ method: 'GET', path: '/v1/inbox', keyId: a.keyId, secret: a.secret });
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/inbox`, { headers: { ...headers } });
    expect(res.status).toBe(200);
  });
});
