/**
 * The gateway's Express app, built from injected dependencies so tests drive the real thing with supertest.
 * No business rule lives here: routes parse input, call a use-case and render; errors become problem+json.
 */
import express, { type Express } from 'express';
import { requirePerson } from './auth/person-auth.js';
import type { AppDeps } from './gateway-ports.js';
import { problemHandler, sendProblem } from './problem.js';
import { requestLog } from './request-log.js';
import { adminRoutes } from './routes/admin-routes.js';
import { exchangeRoutes } from './routes/exchange-routes.js';
import { opsRoutes } from './routes/ops-routes.js';

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(requestLog(deps.logger));

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
