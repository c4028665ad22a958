/**
 * Probes, metrics and API documentation. /metrics is open only to loopback callers unless METRICS_PUBLIC is set;
 * from anywhere else it needs an operator token (docs/operations.md).
 */
import { Router, type Request } from 'express';
import swaggerUi from 'swagger-ui-express';
import type { Registry } from 'prom-client';
import type { TokenDigest } from '../config/tokens.js';
import { loadOpenApiDocument } from './openapi-document.js';
import { personRoleOf } from './person-auth.js';
import { HttpError, sendProblem } from './problem.js';
import { logFor } from './request-log.js';

/** What /readyz asks whether it answers. */
export interface Pingable {
  ping(): Promise<unknown>;
}

/** Whether the axis can keep evidence (src/ledger's evidence monitor). */
export interface EvidenceProbe {
  status(): Promise<{ state: 'ok' | 'degraded' }>;
}

export interface OpsRoutesOptions {
  store: Pingable;
  redis: Pingable;
  /** Evidence health: degraded shows in /readyz without taking the node out (it still serves what it holds). */
  evidence?: EvidenceProbe | undefined;
  metrics: Registry | undefined;
  metricsPublic: boolean;
  tokens: readonly TokenDigest[];
}

const PROBE_TIMEOUT_MS = 2000;

/** 'ok', or why not: the reason goes to the log only (it can name hosts and paths, and /readyz is public). */
async function probe(target: Pingable): Promise<'ok' | string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      target.ping(),
      new Promise((_resolve, reject) => { timer = setTimeout(() => reject(new Error('timed out')), PROBE_TIMEOUT_MS); }),
    ]);
    return 'ok';
  } catch (error) {
    return `unreachable: ${(error as Error).message.split('\n')[0]?.slice(0, 200) ?? 'error'}`;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A caller on this host (a sidecar, a node exporter), and not relayed by a proxy on this host: a TLS-terminating proxy
 * that forwards to 127.0.0.1 makes every outside caller look local, and it says so with a forwarding header.
 */
function isLocalCaller(req: Request): boolean {
  const address = req.socket.remoteAddress ?? '';
  const loopback = address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
  return loopback && !FORWARDING_HEADERS.some((name) => req.headers[name] !== undefined);
}

const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip', 'via'];

export function opsRoutes(options: OpsRoutesOptions): Router {
  const router = Router();
  const document = loadOpenApiDocument();

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    const [redis, store] = await Promise.all([probe(options.redis), probe(options.store)]);
    const ready = redis === 'ok' && store === 'ok';
    if (!ready) logFor(req)?.warn({ redis, store }, 'not ready');
    const shown = (check: string): string => (check === 'ok' ? 'ok' : 'unreachable');
    // Degraded evidence leaves the node in service (reads, fetches, acknowledgements go on; EVIDENCE_FAIL_CLOSED
    // refuses only new packages): it shows here and in edx_evidence_degraded, for an operator, not a load balancer.
    // How many receipts wait, and for how long, is for operators only (/metrics, the log): /readyz is public.
    const evidence = ready && options.evidence ? await options.evidence.status().catch(() => undefined) : undefined;
    const degraded = evidence?.state === 'degraded';
    res.status(ready ? 200 : 503).json({
      status: ready ? (degraded ? 'degraded' : 'ready') : 'not-ready',
      checks: { redis: shown(redis), store: shown(store), ...(evidence ? { evidence: evidence.state } : {}) },
    });
  });
  router.get('/metrics', async (req, res) => {
    if (!options.metricsPublic && !isLocalCaller(req) && personRoleOf(req, options.tokens) !== 'operator') {
      throw new HttpError(401, 'AUTH_MISSING', 'Metrics need an operator bearer token from outside this host (or through a proxy).');
    }
    if (!options.metrics) return sendProblem(req, res, 503, 'SERVICE_UNAVAILABLE', 'Metrics are not enabled on this node.');
    res.type(options.metrics.contentType).send(await options.metrics.metrics());
  });
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.use('/docs', swaggerUi.serve, swaggerUi.setup(document, { customSiteTitle: 'edX axis API' }));
  return router;
}
