import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpPushClient } from '../../src/push/http-push-client.js';
import type { PushRequest } from '../../src/exchange/ports/index.js';
import { LOOPBACK_PUSH } from '../support/loopback-push.js';

type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;

describe('the HTTP push client', () => {
  let server: Server;
  let url: string;
  let handler: Handler = (_req, _body, res) => res.end();
  const client = createHttpPushClient({ endpoints: LOOPBACK_PUSH });

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => handler(req, Buffer.concat(chunks), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/inbox?a=1`;
  });
  afterEach(() => { handler = (_req, _body, res) => res.end(); });
  afterAll(async () => {
    client.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const request = (overrides: Partial<PushRequest> = {}): PushRequest => ({
    url, headers: { 'idempotency-key': 'dlv_1' }, body: Buffer.from('<edXML/>'), contentLength: 8, connectTimeoutMs: 1000, responseTimeoutMs: 1000, ...overrides,
  });

  it('POSTs the bytes and headers as given and reports the status, Retry-After and a body excerpt', async () => {
    let seen: { method?: string; url?: string; key?: string; type?: string; body?: string } = {};
    handler = (req, body, res) => {
      seen = { method: req.method, url: req.url, key: req.headers['idempotency-key'] as string, type: req.headers['content-type'], body: body.toString() };
      res.writeHead(503, { 'retry-after': '7' }).end('busy, come back later');
    };
    const result = await client.push(request());
    expect(seen).toEqual({ method: 'POST', url: '/inbox?a=1', key: 'dlv_1', type: 'application/xml', body: '<edXML/>' });
    expect(result).toEqual({ kind: 'response', status: 503, retryAfter: '7', bodyExcerpt: 'busy, come back later' });
  });

  it('streams a body given as a stream opener', async () => {
    let got = '';
    handler = (_req, body, res) => { got = body.toString(); res.writeHead(202).end(); };
    const bytes = Buffer.alloc(300_000, 'x');
    const result = await client.push(request({ body: async () => Readable.from([bytes.subarray(0, 100_000), bytes.subarray(100_000)]), contentLength: bytes.length }));
    expect(result).toMatchObject({ kind: 'response', status: 202 });
    expect(got.length).toBe(bytes.length);
  });

  it('cuts off a receiver that accepts the request and never answers (response timeout)', async () => {
    handler = () => undefined;
    const result = await client.push(request({ responseTimeoutMs: 150 }));
    expect(result).toMatchObject({ kind: 'network', failure: 'response-timeout' });
  });

  it('reports a refused connection as such', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await client.push(request({ url: `http://127.0.0.1:${port}/` }));
    expect(result).toMatchObject({ kind: 'network', failure: 'refused' });
  });

  it("reports a package stream that fails as the axis's own failure, with the stream's error and its code", async () => {
    let arrived = 0;
    handler = (_req, body, res) => { arrived += body.length; res.writeHead(202).end(); };
    const failing = async (): Promise<Readable> => new Readable({
      read() {
        this.push(Buffer.alloc(64 * 1024, 'x'));
        setImmediate(() => this.destroy(Object.assign(new Error('read error on the blob'), { code: 'EIO' })));
      },
    });
    const broken = await client.push(request({ body: failing, contentLength: 1_000_000 }));
    expect(broken).toMatchObject({ kind: 'body-failed', error: { code: 'EIO', message: 'read error on the blob' } });
    const missing = await client.push(request({ body: () => Promise.reject(Object.assign(new Error('gone'), { code: 'STORE_BLOB_NOT_FOUND' })), contentLength: 10 }));
    expect(missing).toMatchObject({ kind: 'body-failed', error: { code: 'STORE_BLOB_NOT_FOUND' } });
    expect(arrived).toBe(0);
    // and the client still works
    expect(await client.push(request())).toMatchObject({ kind: 'response', status: 202 });
  });

  it('ends a push in flight as interrupted when it is closed (not as the recipient failing), and any push after that', async () => {
    const closing = createHttpPushClient({ endpoints: LOOPBACK_PUSH });
    let got = 0;
    let arrived!: () => void;
    const inFlightAtReceiver = new Promise<void>((resolve) => { arrived = resolve; });
    // The receiver has the whole request and never answers: the push is in flight until the client is closed.
    handler = () => { got += 1; arrived(); };
    const inFlight = closing.push(request({ responseTimeoutMs: 600_000 }));
    await inFlightAtReceiver;
    closing.close();
    expect(await inFlight).toEqual({ kind: 'interrupted' });
    expect(await closing.push(request())).toEqual({ kind: 'interrupted' });
    // The receiver, which answers the next request it gets, answers the shared client: the closed one sent nothing.
    handler = (_req, _body, res) => { got += 1; res.writeHead(204).end(); };
    expect(await client.push(request())).toMatchObject({ kind: 'response', status: 204 });
    expect(got).toBe(2);
  });

  it('reports a connection dropped by the receiver as a reset', async () => {
    handler = (req) => req.socket.destroy();
    const result = await client.push(request());
    expect(result.kind).toBe('network');
    expect(['reset', 'other']).toContain(result.kind === 'network' ? result.failure : '');
  });
});
