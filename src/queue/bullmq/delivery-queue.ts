/**
 * The DeliveryQueue port on BullMQ. Enqueuing happens after the store's commit and never fails the caller: when
 * Redis is away the delivery stays `pending` in the store and the stuck-delivery sweeper enqueues it later.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DeliveryQueue, QueueDepth } from '../../exchange/ports/index.js';
import { metrics, type AxisMetrics } from '../../observability/metrics.js';
import { DEFAULT_QUEUE_PREFIX, DELIVERY_JOB_OPTIONS, DELIVERY_QUEUE, deliveryJobId, MAINTENANCE_QUEUE, type DeliveryJobData } from '../names.js';
import { EnqueueBatch } from './enqueue-batch.js';
import { openRedis, producerRedisOptions } from './redis-options.js';

export interface QueueLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface BullmqDeliveryQueueOptions {
  /** Preferred: the queue opens (and closes) its own connection with reconnecting options. */
  redisUrl?: string;
  /** Or an existing ioredis connection (not closed by `close`). */
  connection?: Redis;
  /** BullMQ key prefix (tests use a unique one). */
  prefix?: string;
  logger?: QueueLogger;
  /** How long an enqueue may wait for Redis before leaving the job to the sweeper (or failing, for enqueueOrThrow). */
  enqueueTimeoutMs?: number;
  /** Counts deliveries left to the sweeper (default: edx_enqueue_failures_total of the process metrics). */
  onEnqueueFailure?: (count: number) => void;
  /** Where edx_queue_depth is reported at each scrape (default: the process metrics; false: nowhere). */
  depthMetrics?: Pick<AxisMetrics, 'watchQueue' | 'unwatchQueue'> | false;
}

export interface BullmqDeliveryQueue extends DeliveryQueue {
  readonly queue: Queue<DeliveryJobData>;
  /** For Bull Board: the delivery queue and the maintenance queue. */
  readonly queues: Queue[];
  /** Like enqueueDeliveries, but reports failure instead of leaving it to the sweeper (the sweeper itself uses it). */
  enqueueOrThrow(deliveryIds: readonly string[]): Promise<void>;
}

const LIVE_STATES = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']);

export function createBullmqDeliveryQueue(options: BullmqDeliveryQueueOptions): BullmqDeliveryQueue {
  const own = options.redisUrl ? openRedis(options.redisUrl, producerRedisOptions()) : undefined;
  const connection = own ?? options.connection;
  if (!connection) throw new Error('createBullmqDeliveryQueue needs redisUrl or connection');
  const queue = new Queue<DeliveryJobData>(DELIVERY_QUEUE, { connection, prefix: options.prefix ?? DEFAULT_QUEUE_PREFIX });
  queue.on('error', () => undefined);
  // Shown on Bull Board next to the delivery queue; the maintenance worker owns its schedules.
  const maintenance = new Queue(MAINTENANCE_QUEUE, { connection, prefix: options.prefix ?? DEFAULT_QUEUE_PREFIX });
  maintenance.on('error', () => undefined);
  const timeoutMs = options.enqueueTimeoutMs ?? 3000;

  const onFailure = options.onEnqueueFailure ?? ((count: number) => metrics.enqueueFailures.inc(count));

  // BullMQ waits for a connection without limit; a caller (the gateway after a commit, the sweeper) must not.
  const withinTimeout = async <T>(work: Promise<T>, what: string): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Redis within ${timeoutMs} ms (${what})`)), timeoutMs);
    });
    work.catch(() => undefined);
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  const batch = new EnqueueBatch(async (deliveryIds) => {
    await withinTimeout(queue.addBulk(deliveryIds.map((deliveryId) => ({
      name: 'deliver',
      data: { deliveryId },
      opts: { ...DELIVERY_JOB_OPTIONS, jobId: deliveryJobId(deliveryId) },
    }))), 'enqueue');
  });
  const enqueueOrThrow = (deliveryIds: readonly string[]): Promise<void> => batch.add(deliveryIds);

  const depth = async (): Promise<QueueDepth> => {
    const counts = await withinTimeout(queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed'), 'depth');
    return {
      waiting: (counts['waiting'] ?? 0) + (counts['prioritized'] ?? 0),
      active: counts['active'] ?? 0,
      delayed: counts['delayed'] ?? 0,
      failed: counts['failed'] ?? 0,
    };
  };
  const depthMetrics = options.depthMetrics === undefined ? metrics : options.depthMetrics;
  if (depthMetrics) depthMetrics.watchQueue(DELIVERY_QUEUE, depth);

  return {
    queue,
    queues: [queue as unknown as Queue, maintenance],
    enqueueOrThrow,
    async enqueueDeliveries(deliveryIds) {
      try {
        await enqueueOrThrow(deliveryIds);
      } catch (error) {
        onFailure(deliveryIds.length);
        options.logger?.warn({ deliveryIds, err: (error as Error).message }, 'deliveries not enqueued now: the stuck-delivery sweeper will enqueue them');
      }
    },
    async wakeDeliveries(deliveryIds) {
      let woken = 0;
      const missing: string[] = [];
      for (const deliveryId of deliveryIds) {
        const job = await withinTimeout(queue.getJob(deliveryJobId(deliveryId)), 'wake');
        if (!job) {
          missing.push(deliveryId);
          continue;
        }
        // A job that became active or was finished between the two calls is not delayed any more: nothing to do.
        if ((await job.getState()) === 'delayed') {
          await withinTimeout(job.promote(), 'wake').catch(() => undefined);
          woken += 1;
        }
      }
      await enqueueOrThrow(missing);
      return woken + missing.length;
    },
    async hasJob(deliveryId) {
      const state = await queue.getJobState(deliveryJobId(deliveryId));
      return LIVE_STATES.has(state);
    },
    depth,
    async close() {
      if (depthMetrics) depthMetrics.unwatchQueue(DELIVERY_QUEUE);
      // The gateway answers an accept before its enqueue has Redis's answer: let those finish first.
      await withinTimeout(batch.settled(), 'close').catch(() => undefined);
      await withinTimeout(Promise.all([queue.close(), maintenance.close()]), 'close').catch(() => undefined);
      if (own) await withinTimeout(own.quit(), 'quit').catch(() => own.disconnect());
    },
  };
}
