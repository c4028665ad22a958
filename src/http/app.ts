/**
 * The gateway's Express app, built from injected dependencies so tests drive the real thing with supertest.
 * No business rule lives here: routes parse input, call a use-case and render; errors become problem+json.
 */
import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import { requirePerson } from './auth/person-auth.js';
import type { AppDeps } from './gateway-ports.js';
import { problemHandler, sendProblem } from './problem.js';
import { adminRoutes } from './routes/admin-routes.js';
import { exchangeRoutes } from './routes/exchange-routes.js';
import { opsRoutes } from './routes/ops-routes.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(pinoHttp({
    logger: deps.logger,
    genReqId(req, res) {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // Only method, path and status: never headers (signatures, tokens), query secrets or bodies.
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    // Who called (never with which key material): the audit trail of the gateway.
    customProps: (_req, res) => {
      const locals = (res as unknown as { locals?: Record<string, { organId?: string; role?: string } | undefined> }).locals;
      const agency = locals?.['agency']?.organId;
      const person = locals?.['person']?.role;
      return agency ? { agency } : person ? { person } : {};
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
  }));

  app.use(opsRoutes({ store: deps.store, redis: deps.redis, metrics: deps.metrics, metricsPublic: deps.metricsPublic, tokens: deps.tokens }));
  app.use(exchangeRoutes({
    exchange: deps.exchange,
    ...(deps.packageCounters ? { counters: deps.packageCounters } : {}),
    auth: { keys: deps.agencies, nonces: deps.redis, windowSeconds: deps.authWindowSeconds, keyPrefix: deps.redisKeyPrefix },
    tokens: deps.tokens,
    uploadDir: deps.uploadDir,
    maxPackageBytes: deps.maxPackageBytes,
  }));
  app.use(adminRoutes({ agencies: deps.agencies, deliveries: deps.deliveries, tokens: deps.tokens }));
  if (deps.adminUi) app.use('/admin', requirePerson(deps.tokens, ['operator']), deps.adminUi);

  app.use((req, res) => sendProblem(req, res, 404, 'NOT_FOUND', 'There is no such endpoint.'));
  app.use(problemHandler(deps.exchangeStatus));
  return app;
}
