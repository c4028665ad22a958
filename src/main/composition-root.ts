/**
 * The one composition root: where configuration picks the adapters (the store in axis-services.ts, BullMQ on Redis,
 * the HTTP push client, the Redis recipient gate, the inspector threads) and the use-cases, the gateway's dialects and
 * the workers are built over them. The server (run-axis.ts), the worker processes (worker-process.ts) and the CLI
 * (`edx admin`) all compose here; nothing else chooses an adapter.
 */
import type { Queue } from 'bullmq';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import type { AxisConfig } from '../config/config.js';
import type { TokenDigest } from '../config/tokens.js';
import { createDeliveryAdmin, type DeliveryAdmin } from '../exchange/delivery/dead-letters.js';
import { createEdxmlInspector } from '../exchange/inspection/edxml-package-inspector.js';
import { createExchangeUseCases, type Exchange } from '../exchange/create-exchange.js';
import { createAgencyRateLimit } from '../http/agency-rate-limit.js';
import { createApp } from '../http/app.js';
import { queueBoard } from '../http/queue-board.js';
import { createRestDialect } from '../http/rest/index.js';
import { createVdxpDialect } from '../http/vdxp/index.js';
import { createRedisSessionStore } from '../http/person-session.js';
import { createUiDialect } from '../http/ui/index.js';
import { operatorHealth } from './operator-health.js';
import type { AxisMetrics } from '../observability/metrics.js';
import { createBullmqDeliveryQueue } from '../queue/bullmq/delivery-queue.js';
import { createArchive, type Archive } from '../exchange/archive/create-archive.js';
import { loadWorkingCalendar } from './working-calendar.js';
import type { AxisServices } from './axis-services.js';
import { createInspectorPool } from './inspector-pool.js';
import { createEvidenceMonitor, type EvidenceMonitor } from '../ledger/index.js';
import { evidenceGate } from './evidence-gate.js';
import { openLedgerEvidence } from './ledger-evidence-services.js';
import type { LedgerEvidence } from '../exchange/evidence/ledger-evidence.js';
import { openLedgerCheckpointing } from './ledger-checkpointing.js';
import { createSignatureChecking, type RevocationState } from './package-signature-check.js';
import { verifyDocumentSignatures } from '../signature/documents/index.js';
import { connectRedis } from './redis-connection.js';
import { startWorkers, type RunningWorkers } from './start-workers.js';

export interface ComposedAxis {
  exchange: Exchange;
  deliveries: DeliveryAdmin;
  /** Document search, receipts across agencies, statistics and the Decree 30 time limits. */
  archive: Archive;
  startWorkers(): Promise<RunningWorkers>;
  /** BullMQ queues shown on Bull Board. */
  boardQueues: Queue[];
  /** Reads TRUST_ANCHORS_DIR again (SIGHUP, a change of the directory); the number of anchors now trusted. */
  reloadTrustAnchors(): Promise<number>;
  /** The revocation data the signature checks hold, and CRL_DIR's files (the operators' health page). */
  revocationState(): Promise<RevocationState>;
  /** Evidence health read from the store (/readyz, metrics, EVIDENCE_FAIL_CLOSED). */
  evidence: EvidenceMonitor;
  /** The receipt log's checkpoints, proofs and evidence bundles. */
  ledger: LedgerEvidence;
  close(): Promise<void>;
}

export async function composeAxis(input: { config: AxisConfig; services: AxisServices; logger: Logger; metrics: AxisMetrics; queuePrefix?: string }): Promise<ComposedAxis> {
  const { config, services, logger, metrics } = input;
  // The holidays file first: a file that cannot be used stops start-up before anything is opened.
  const { calendar, warnings } = loadWorkingCalendar(config.deadlines.holidaysFile);
  for (const warning of warnings) logger.warn(warning);
  const deadlines = { calendar, rules: config.deadlines.rules, watchDays: config.deadlines.watchDays, checkEveryMs: config.deadlines.checkEveryMs };
  const queue = createBullmqDeliveryQueue({ redisUrl: config.redisUrl, logger, ...(input.queuePrefix ? { prefix: input.queuePrefix } : {}) });
  const signatures = await createSignatureChecking(config, (message) => logger.warn(message));
  const limits = { maxBytes: config.maxPackageBytes };
  const profile = config.edxmlProfile;
  // Only a node that serves HTTP inspects packages; a workers-only node spends no threads on it.
  const pool = config.role !== 'workers' && config.inspectThreads > 0
    ? createInspectorPool({ threads: config.inspectThreads, limits, checkDocuments: true, profile, policy: signatures.policy, validator: signatures.validator, onThreadError: (err) => logger.error({ err }, 'package inspector thread failed; it is replaced') })
    : undefined;
  const evidence = createEvidenceMonitor({ ledger: services.store.ledger, maxUntimestampedMs: config.ledger.maxUntimestampedMs });
  metrics.watchEvidence(() => evidence.status());
  const exchange = createExchangeUseCases({
    store: services.store,
    evidenceGate: evidenceGate(evidence, config.ledger),
    queue,
    inspector: pool ?? createEdxmlInspector({
      verifySignature: signatures.verify,
      verifyDocuments: (files) => verifyDocumentSignatures(files, { validator: signatures.validator, policy: signatures.policy }),
      limits,
      profile,
    }),
    receiptExporter: services.exportReceipt,
    limits: { maxPackageBytes: config.maxPackageBytes },
    logger,
  });
  return {
    exchange,
    deliveries: createDeliveryAdmin({ store: services.store, queue }),
    archive: createArchive({ store: services.store, calendar, rules: deadlines.rules, watchDays: deadlines.watchDays }),
    startWorkers: async () => startWorkers({
      // The receipt log's checkpoints, time-stamped (docs/evidence.md): the maintenance worker makes them.
      ledger: await openLedgerCheckpointing({ config, store: services.store, identity: services.identity, logger, metrics }),
      store: services.store,
      identity: services.identity,
      redisUrl: config.redisUrl,
      config,
      logger,
      metrics,
      // In-process workers (ROLE=all) refresh the CRLs of the validator this gateway verifies with.
      hooks: { refreshRevocation: signatures.refreshRevocation },
      deadlines,
      ...(input.queuePrefix ? { prefix: input.queuePrefix } : {}),
    }),
    boardQueues: queue.queues,
    reloadTrustAnchors: async () => {
      const anchors = await signatures.reloadTrustAnchors();
      pool?.forgetVerdicts();
      return anchors;
    },
    revocationState: () => signatures.revocationState(),
    evidence,
    ledger: await openLedgerEvidence(config, services),
    close: async () => {
      await pool?.close();
      await queue.close();
    },
  };
}

/** The gateway's app: both dialects over the same composed use-cases, the probes, Bull Board for operators. */
export function composeGateway(input: {
  config: AxisConfig;
  services: AxisServices;
  composed: ComposedAxis;
  redis: Redis;
  logger: Logger;
  metrics: AxisMetrics;
  tokens: readonly TokenDigest[];
  prefix: string | undefined;
}): Express {
  const { config, services, composed, redis, logger, metrics, tokens } = input;
  const counters = {
    accepted: (kind: string) => metrics.packagesAccepted.inc({ kind }),
    rejected: (code: string) => metrics.packagesRejected.inc({ code }),
  };
  // Over the same Redis as the replay cache, so every gateway process counts against the same limits; one limiter
  // for both dialects, so an agency's requests count the same whichever way it sends them.
  const rateLimit = createAgencyRateLimit({
    redis,
    keyPrefix: `${input.prefix ?? 'edx'}:`,
    requestsPerMinute: config.agencyLimits.requestsPerMinute,
    dailyBytes: config.agencyLimits.dailyBytes,
    onLimited: (reason) => metrics.rateLimited.inc({ reason }),
  });
  const rest = createRestDialect({
    exchange: composed.exchange,
    deliveries: composed.deliveries,
    agencies: services.agencies,
    tokens,
    nonces: redis,
    nonceKeyPrefix: `${input.prefix ?? 'edx'}:auth:`,
    authWindowSeconds: config.authWindowSeconds,
    uploadDir: services.store.blobs.tempDir,
    maxPackageBytes: config.maxPackageBytes,
    uploadIdleTimeoutMs: config.uploadIdleTimeoutMs,
    counters,
    rateLimit,
    axisCertificates: services.axisCertificates,
    evidence: composed.ledger,
    archive: composed.archive,
  });
  const vdxp = createVdxpDialect({
    mountPath: config.vdxpPath,
    exchange: composed.exchange,
    agencies: services.agencies,
    systems: services.systems,
    uploadDir: services.store.blobs.tempDir,
    maxPackageBytes: config.maxPackageBytes,
    uploadIdleTimeoutMs: config.uploadIdleTimeoutMs,
    counters,
    rateLimit,
  });
  // The web UI's sessions live in Redis, so every gateway process knows them (and /admin/queues opens with them).
  const sessions = createRedisSessionStore({ redis, keyPrefix: `${input.prefix ?? 'edx'}:`, lifetimeMs: config.ui.sessionMinutes * 60_000 });
  const ui = createUiDialect({
    tokens,
    sessions,
    secureCookie: config.ui.secureCookie,
    exchange: composed.exchange,
    archive: composed.archive,
    evidence: composed.ledger,
    evidenceUploadMaxBytes: config.ui.evidenceUploadMaxBytes,
    agencies: services.agencies,
    systems: services.systems,
    deliveries: composed.deliveries,
    health: operatorHealth({ config, queues: composed.boardQueues, store: services.store, revocation: composed.revocationState }),
  });
  return createApp({
    logger,
    ops: { store: services.store, redis, evidence: composed.evidence, metrics: metrics.registry, metricsPublic: config.metricsPublic, tokens },
    dialects: [rest, vdxp, ui],
    operatorPages: { router: queueBoard(composed.boardQueues), tokens, sessions },
  });
}

/** Dead-letter listing and replay for the CLI beside a running server, on the same store and queues. */
export async function openDeliveryAdmin(config: AxisConfig, services: AxisServices): Promise<{ deliveries: DeliveryAdmin; close(): Promise<void> }> {
  // Fail with the one-line Redis message before building a queue that would retry in silence.
  const redis = await connectRedis(config.redisUrl);
  // The same QUEUE_PREFIX as the workers, or a replay would enqueue where no worker listens.
  const queue = createBullmqDeliveryQueue({ connection: redis, ...(config.workers.prefix ? { prefix: config.workers.prefix } : {}) });
  return {
    deliveries: createDeliveryAdmin({ store: services.store, queue, by: 'operator (cli)' }),
    async close() {
      await queue.close();
      await redis.quit();
    },
  };
}
