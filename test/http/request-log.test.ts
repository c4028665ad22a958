import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { noCodeStatuses, problemHandler } from '../../src/http/problem.js';
import { logFor, requestLog } from '../../src/http/request-log.js';
import { waitFor } from '../support/wait-for.js';

type Line = Record<string, unknown>;

function appWith(level: string): { app: express.Express; lines: Line[] } {
  const lines: Line[] = [];
  const logger = pino({ level }, { write: (line: string) => { lines.push(JSON.parse(line) as Line); } });
  const app = express();
  app.use(requestLog(logger));
  app.get('/ok', (_req, res) => {
    res.locals['agency'] = { organId: '000.00.00.H40' };
    res.json({ ok: true });
  });
  app.get('/healthz', (_req, res) => res.send('ok'));
  app.get('/boom', () => { throw new Error('disk on fire'); });
  app.get('/note', (req, res) => {
    logFor(req)?.warn({ detail: 1 }, 'a line of the request');
    res.status(204).end();
  });
  app.get('/slow', () => undefined); // never answers: the client gives up
  const mounted = express.Router();
  mounted.get('/queues', async (req, res) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    logFor(req)?.warn('inside a mounted router');
    res.status(204).end();
  });
  app.use('/admin', mounted);
  app.use((_req, res) => res.status(404).end());
  app.use(problemHandler(noCodeStatuses));
  return { app, lines };
}

describe('the access log (request-log)', () => {
  it('writes one info line per request: id, method, path without query, status, duration, caller; never headers', async () => {
    const { app, lines } = appWith('info');
    const res = await request(app).get('/ok?secret=s3cr3t').set('Authorization', 'EDX-HMAC keyId=k, signature=abc').set('X-Request-Id', 'trace-42');
    expect(res.headers['x-request-id']).toBe('trace-42');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, msg: 'request completed', req: { id: 'trace-42', method: 'GET', path: '/ok' }, res: { statusCode: 200 }, agency: '000.00.00.H40' });
    expect(typeof lines[0]!['responseTime']).toBe('number');
    const text = JSON.stringify(lines);
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('EDX-HMAC');
  });

  it('makes its own id when the caller gives none, or one that is not a plain token', async () => {
    const { app, lines } = appWith('info');
    const none = await request(app).get('/ok');
    const bad = await request(app).get('/ok').set('X-Request-Id', 'has spaces and <tags>');
    for (const res of [none, bad]) expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.map((l) => (l['req'] as Line)['id'])).toEqual([none.headers['x-request-id'], bad.headers['x-request-id']]);
  });

  it('logs 4xx at warn and 5xx at error, with the request id on the error line too', async () => {
    const { app, lines } = appWith('info');
    await request(app).get('/nowhere').expect(404);
    const res = await request(app).get('/boom').expect(500);
    const id = res.headers['x-request-id'];
    expect(lines.find((l) => l['msg'] === 'request completed' && (l['res'] as Line)['statusCode'] === 404)).toMatchObject({ level: 40 });
    expect(lines.find((l) => l['msg'] === 'unexpected error')).toMatchObject({ level: 50, req: { id, path: '/boom' }, err: { message: 'disk on fire' } });
    expect(lines.find((l) => l['msg'] === 'request completed' && (l['res'] as Line)['statusCode'] === 500)).toMatchObject({ level: 50, req: { id } });
  });

  it('gives a request its own logger, carrying its id', async () => {
    const { app, lines } = appWith('info');
    const res = await request(app).get('/note').expect(204);
    expect(lines.find((l) => l['msg'] === 'a line of the request')).toMatchObject({ level: 40, req: { id: res.headers['x-request-id'], method: 'GET', path: '/note' }, detail: 1 });
  });

  it('names the whole path of a request served by a router mounted at a path', async () => {
    const { app, lines } = appWith('info');
    await request(app).get('/admin/queues?x=1').expect(204);
    expect(lines.map((l) => (l['req'] as Line)['path'])).toEqual(['/admin/queues', '/admin/queues']);
  });

  it('leaves out health probes, and writes nothing below its level', async () => {
    const info = appWith('info');
    await request(info.app).get('/healthz').expect(200);
    expect(info.lines).toEqual([]);
    const quiet = appWith('error');
    await request(quiet.app).get('/ok').expect(200);
    await request(quiet.app).get('/nowhere').expect(404);
    expect(quiet.lines).toEqual([]);
  });

  it('logs a request whose caller went away before the answer as aborted, at error', async () => {
    const { app, lines } = appWith('info');
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const req = httpRequest({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: '/slow' });
      req.on('error', () => undefined);
      const arrived = once(server, 'request');
      req.end();
      // The gateway has the request (and will never answer it) when the caller goes away.
      await arrived;
      req.destroy();
      await waitFor(() => expect(lines).toMatchObject([{ level: 50, msg: 'request aborted', req: { path: '/slow' } }]));
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
