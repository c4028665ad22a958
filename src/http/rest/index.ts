/**
 * The `/v1` REST dialect: the exchange API for agency systems (HMAC-signed requests, docs/auth.md) and the operator
 * API (bearer tokens), answering errors as problem+json with the REST table of statuses (error-status.ts).
 */
import { Router } from 'express';
import type { TokenDigest } from '../../config/tokens.js';
import type { AgencyRegistry } from '../../exchange/agencies/agency-registry.js';
import type { Exchange } from '../../exchange/create-exchange.js';
import type { DeliveryAdmin } from '../../exchange/delivery/dead-letters.js';
import type { AgencyRateLimit } from '../agency-rate-limit.js';
import type { LedgerEvidence } from '../../exchange/evidence/ledger-evidence.js';
import type { HttpDialect } from '../dialect.js';
import { problemHandler } from '../problem.js';
import type { AxisCertificates } from '../../ledger/axis-certificates.js';
import type { Archive } from '../../exchange/archive/create-archive.js';
import { adminRoutes } from './admin-routes.js';
import { axisRoutes } from './axis-routes.js';
import { archiveRoutes } from './archive-routes.js';
import type { NonceCache } from './agency-auth.js';
import { restRetryForCode, restStatusForCode } from './error-status.js';
import type { PackageCounters } from '../package-counters.js';
import { exchangeRoutes } from './exchange-routes.js';
import { ledgerRoutes } from './ledger-routes.js';

export interface RestDialectOptions {
  /** Undefined on a node without the exchange (its routes answer 503). */
  exchange: Exchange | undefined;
  /** Undefined on a node without the delivery queue (replays answer 503). */
  deliveries: DeliveryAdmin | undefined;
  agencies: AgencyRegistry;
  /** People's bearer tokens (operators, archivists), as SHA-256 digests. */
  tokens: readonly TokenDigest[];
  /** The replay cache of request nonces (Redis). */
  nonces: NonceCache;
  /** Prefix of the replay cache's keys (tests use a unique one). */
  nonceKeyPrefix: string;
  authWindowSeconds: number;
  /** Temp directory of the blob store: uploads are streamed there before the use-case takes them. */
  uploadDir: string;
  maxPackageBytes: number;
  counters?: PackageCounters | undefined;
  /** Per-agency request and byte limits (src/http/agency-rate-limit.ts); absent: none. */
  rateLimit?: AgencyRateLimit | undefined;
  /** An upload that sends nothing for this long is cut off with 408 (UPLOAD_IDLE_TIMEOUT_MS; default 30 s). */
  uploadIdleTimeoutMs?: number | undefined;
  /** The certificates that sign receipts and pushes (`GET /v1/axis/certificates`); absent: that route answers 503. */
  axisCertificates?: AxisCertificates | undefined;
  /** The receipt log: checkpoints, proofs, evidence bundles (undefined: those routes answer 503). */
  evidence?: LedgerEvidence | undefined;
  /** Document search, receipts across agencies, statistics, deadlines; undefined on a node without them (503). */
  archive?: Archive | undefined;
}

export function createRestDialect(options: RestDialectOptions): HttpDialect {
  const router = Router();
  const auth = { keys: options.agencies, nonces: options.nonces, windowSeconds: options.authWindowSeconds, keyPrefix: options.nonceKeyPrefix };
  // Before the exchange routes: GET /v1/receipts with a bearer token is the archivists' (without, the agency's own).
  router.use(archiveRoutes({ archive: options.archive, auth, tokens: options.tokens }));
  router.use(exchangeRoutes({
    exchange: options.exchange,
    counters: options.counters,
    auth,
    tokens: options.tokens,
    uploadDir: options.uploadDir,
    maxPackageBytes: options.maxPackageBytes,
    rateLimit: options.rateLimit,
    uploadIdleTimeoutMs: options.uploadIdleTimeoutMs,
  }));
  router.use(ledgerRoutes({
    evidence: options.evidence,
    auth,
    tokens: options.tokens,
  }));
  router.use(adminRoutes({ agencies: options.agencies, deliveries: options.deliveries, tokens: options.tokens }));
  router.use(axisRoutes({ certificates: options.axisCertificates }));
  // Retry-After for every code the table says to wait on, whichever layer raised it.
  router.use(problemHandler(restStatusForCode, (code) => restRetryForCode(code).retryAfterSeconds));
  return { name: 'rest', mountPath: '/', router };
}

export { restRetryForCode, restStatusForCode } from './error-status.js';
