/**
 * The gateway's Express app: the request log, the probes, each dialect at its path, operator pages, then 404. Built
 * from what src/main composed, so tests drive the real thing with supertest. No business rule lives here.
 */
import express, { type Express, type Router } from 'express';
import type { Logger } from 'pino';
import type { TokenDigest } from '../config/tokens.js';
import type { HttpDialect } from './dialect.js';
import { opsRoutes, type OpsRoutesOptions } from './ops-routes.js';
import { requirePerson } from './person-auth.js';
import { requirePersonOrSession, type SessionStore } from './person-session.js';
import { noCodeStatuses, problemHandler, sendProblem } from './problem.js';
import { requestLog } from './request-log.js';

export interface GatewayOptions {
  logger: Logger;
  /** Probes (/healthz, /readyz), /metrics and the API documentation. */
  ops: OpsRoutesOptions;
  dialects: readonly HttpDialect[];
  /** Pages for operators (Bull Board), mounted at /admin behind operator bearer tokens, or the web UI's session. */
  operatorPages?: { router: Router; tokens: readonly TokenDigest[]; sessions?: SessionStore | undefined } | undefined;
}

export function createApp(options: GatewayOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(requestLog(options.logger));
  app.use(opsRoutes(options.ops));
  for (const dialect of options.dialects) app.use(dialect.mountPath, dialect.router);
  const pages = options.operatorPages;
  if (pages) app.use('/admin', pages.sessions ? requirePersonOrSession(pages.tokens, pages.sessions, ['operator']) : requirePerson(pages.tokens, ['operator']), pages.router);

  app.use((req, res) => sendProblem(req, res, 404, 'NOT_FOUND', 'There is no such endpoint.'));
  app.use(problemHandler(noCodeStatuses));
  return app;
}
