/**
 * `startWorkers`: the delivery and maintenance workers in this process, part of the composition root: here the
 * workers get their adapters (BullMQ on Redis, the HTTP push client, the Redis recipient gate, the dead-letter
 * alerter) and the processors of workers/ are started over them. `npm start` calls it in-process (run-axis.ts);
 * worker-process.ts runs one role as its own process for scale-out.
 */
import type { Redis, RedisOptions } from 'ioredis';
import { AxisError } from '../errors/axis-error.js';
import { createDeadLetterAlerter } from '../exchange/delivery/dead-letter-alert.js';
import type { WorkerSettings } from '../config/config.js';
import { deliveryPolicy, type DeliveryPolicyOverrides, type ErrorBackoff } from '../exchange/delivery/delivery-policy.js';
import { SILENT_LOGGER, type DeliveryLogger } from '../exchange/delivery/delivery-observer.js';
import type { RetentionPolicy } from '../exchange/delivery/package-retention.js';
import type { PushSigningIdentity } from '../exchange/delivery/push-signature.js';
import type { PushClient, Store } from '../exchange/ports/index.js';
import { metrics as processMetrics, type AxisMetrics } from '../observability/metrics.js';
import { createHttpPushClient } from '../push/http-push-client.js';
import { createPushEndpointPolicy, type PushEndpointRules } from '../exchange/agencies/push-endpoint-policy.js';
import { createBullmqDeliveryQueue, type BullmqDeliveryQueue } from '../queue/bullmq/delivery-queue.js';
import { createRedisRecipientGate } from '../queue/bullmq/recipient-gate.js';
import { gateRedisOptions, openRedis, workerRedisOptions } from '../queue/bullmq/redis-options.js';
import { DEFAULT_QUEUE_PREFIX } from '../queue/names.js';
import { deadlineWatchHook, type DeadlineWatchSettings } from './deadline-watch-hook.js';
import { startDeliveryWorker, type RunningWorker } from '../../workers/delivery-worker.js';
import type { LedgerCheckpointing } from './ledger-checkpointing.js';
import { DEFAULT_MAINTENANCE_SCHEDULE, startMaintenanceWorker, type MaintenanceHooks, type MaintenanceSchedule, type RunningMaintenance } from '../../workers/maintenance-worker.js';

export interface StartWorkersOptions {
  store: Store;
  /** The axis identity (src/ledger AxisIdentity): its key signs every push. */
  identity: PushSigningIdentity;
  /** Redis: a URL (preferred), or AxisConfig's redisUrl, or an existing connection to copy the address from. */
  redisUrl?: string;
  /**
   * AxisConfig (src/config) as src/main passes it: redisUrl, shutdownTimeoutMs, and `workers` (the settings below)
   * once the configuration carries them. Explicit options win over `config.workers`.
   */
  config?: { redisUrl?: string; shutdownTimeoutMs?: number; workers?: WorkerSettings; pushEndpoints?: PushEndpointRules };
  redis?: Redis;
  logger?: DeliveryLogger;
  metrics?: AxisMetrics;
  /** BullMQ key prefix (tests use a unique one). */
  prefix?: string;
  roles?: { delivery?: boolean; maintenance?: boolean };
  delivery?: DeliveryPolicyOverrides;
  /** Backoff for unexpected failures of the delivery use-case (defaults: delivery-policy.ts DEFAULT_ERROR_BACKOFF). */
  errorBackoff?: Partial<ErrorBackoff>;
  concurrency?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  schedule?: Partial<MaintenanceSchedule>;
  retention?: RetentionPolicy;
  hooks?: MaintenanceHooks;
  /** The receipt log's checkpoints (ledger-checkpointing.ts): its hooks and period go to the maintenance worker; closed with it. */
  ledger?: LedgerCheckpointing;
  alertWebhookUrl?: string;
  push?: PushClient;
  /** Where the default push client may push; else `config.pushEndpoints`; else https to public addresses only. */
  pushEndpoints?: PushEndpointRules;
  /** The Decree 30 watch (reminders, escalations); without it the maintenance worker does not run one. */
  deadlines?: DeadlineWatchSettings;
  /** The clock the deadline watch judges by (tests). */
  now?: () => Date;
}

/** The worker settings of the configuration (src/config AxisConfig.workers: QUEUE_PREFIX, DELIVERY_*, WORKER_*, ...). */
export type { WorkerSettings };

export interface RunningWorkers {
  /** The delivery queue these workers consume (enqueue, depth, the sweeper's hasJob). */
  queue: BullmqDeliveryQueue;
  delivery: RunningWorker | undefined;
  maintenance: RunningMaintenance | undefined;
  /** SIGTERM: stop taking jobs, finish in-flight ones within deadlineMs, close the connections. */
  close(deadlineMs?: number): Promise<void>;
  /** close() with the configured shutdown deadline (what src/main calls). */
  stop(): Promise<void>;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export async function startWorkers(input: StartWorkersOptions): Promise<RunningWorkers> {
  const fromConfig: Partial<WorkerSettings> = input.config?.workers ?? {};
  const options: StartWorkersOptions = {
    ...fromConfig,
    ...(definedOnly(input) as StartWorkersOptions),
    delivery: { ...fromConfig.delivery, ...input.delivery, recipient: { ...fromConfig.delivery?.recipient, ...input.delivery?.recipient } },
    schedule: { ...fromConfig.schedule, ...input.schedule },
  };
  const logger = options.logger ?? SILENT_LOGGER;
  const metrics = options.metrics ?? processMetrics;
  const prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
  const url = options.redisUrl ?? options.config?.redisUrl;
  const connect = (redisOptions: RedisOptions): Redis => url ? openRedis(url, redisOptions)
    : options.redis ? options.redis.duplicate(redisOptions)
    : (() => { throw new AxisError('WORKERS_REDIS_MISSING', 'The workers need Redis: set REDIS_URL.'); })();
  const roles = { delivery: options.roles?.delivery ?? true, maintenance: options.roles?.maintenance ?? true };
  const connections: Redis[] = [];
  const open = (redisOptions = workerRedisOptions()): Redis => {
    const redis = connect(redisOptions);
    connections.push(redis);
    return redis;
  };
  const push = options.push ?? createHttpPushClient({ endpoints: createPushEndpointPolicy(options.pushEndpoints ?? input.config?.pushEndpoints) });
  const queue = createBullmqDeliveryQueue({ connection: open(), prefix, logger, depthMetrics: metrics, onEnqueueFailure: (n) => metrics.enqueueFailures.inc(n) });

  let delivery: RunningWorker | undefined;
  if (roles.delivery) {
    const policy = deliveryPolicy(options.delivery);
    delivery = startDeliveryWorker({
      connection: open(),
      prefix,
      logger,
      concurrency: options.concurrency ?? 32,
      lockDurationMs: options.lockDurationMs ?? 30_000,
      stalledIntervalMs: options.stalledIntervalMs ?? 15_000,
      ...(options.errorBackoff ? { errorBackoff: options.errorBackoff } : {}),
      deps: {
        store: options.store,
        push,
        identity: { privateKey: options.identity.privateKey, fingerprint: options.identity.fingerprint },
        policy,
        gate: createRedisRecipientGate(open(gateRedisOptions()), prefix),
        observer: metrics.deliveryObserver,
        alert: createDeadLetterAlerter({ logger, observer: metrics.deliveryObserver, ...(options.alertWebhookUrl ? { webhookUrl: options.alertWebhookUrl } : {}) }),
      },
    });
  }
  const deadlines = options.deadlines;
  const watchDeadlines = roles.maintenance && deadlines
    ? deadlineWatchHook({ store: options.store, redis: open(), prefix, logger, observer: metrics.deadlineObserver, settings: deadlines, ...(options.alertWebhookUrl ? { webhookUrl: options.alertWebhookUrl } : {}), ...(options.now ? { now: options.now } : {}) })
    : undefined;
  const maintenance = roles.maintenance
    ? await startMaintenanceWorker({
      connection: open(),
      prefix,
      store: options.store,
      deliveryQueue: queue,
      logger,
      schedule: {
        ...DEFAULT_MAINTENANCE_SCHEDULE,
        ...(options.ledger ? { ledgerCheckpointEveryMs: options.ledger.everyMs } : {}),
        ...(deadlines ? { deadlineWatchEveryMs: deadlines.checkEveryMs } : {}),
        ...options.schedule,
      },
      retention: options.retention ?? { keepRawPackagesDays: undefined },
      hooks: { ...options.ledger?.hooks, ...options.hooks, ...(watchDeadlines ? { watchDeadlines } : {}) },
    })
    : undefined;

  const defaultDeadline = options.config?.shutdownTimeoutMs ?? 10_000;
  let closing: Promise<void> | undefined;
  const close = (deadlineMs = defaultDeadline): Promise<void> => {
    closing ??= (async () => {
      // Leave a little of the deadline for closing the connections.
      const workDeadline = Math.max(0, deadlineMs - 500);
      await Promise.all([delivery?.close(workDeadline), maintenance?.close(workDeadline)]);
      await options.ledger?.close();
      await queue.close();
      if (!options.push) (push as { close?: () => void }).close?.();
      // QUIT waits for Redis; one that is away gets a plain disconnect after a second instead.
      await Promise.all(connections.map(async (redis) => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<void>((resolve) => { timer = setTimeout(resolve, 1000); });
        await Promise.race([redis.quit().catch(() => undefined), late]);
        clearTimeout(timer);
        redis.disconnect();
      }));
    })();
    return closing;
  };
  return { queue, delivery, maintenance, close, stop: () => close() };
}
