/**
 * The DeliveryQueue port on BullMQ. Enqueuing happens after the store's commit and never fails the caller: when
 * Redis is away the delivery stays `pending` in the store and the stuck-delivery sweeper enqueues it later.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DeliveryQueue, QueueDepth } from '../ports.js';
import { DEFAULT_QUEUE_PREFIX, DELIVERY_JOB_OPTIONS, DELIVERY_QUEUE, deliveryJobId, type DeliveryJobData } from '../names.js';
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
  /** How long an enqueue may wait for Redis before leaving the job to the sweeper. */
  enqueueTimeoutMs?: number;
}

export interface BullmqDeliveryQueue extends DeliveryQueue {
  readonly queue: Queue<DeliveryJobData>;
  /** For Bull Board. */
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
  const timeoutMs = options.enqueueTimeoutMs ?? 3000;

  const enqueueOrThrow = async (deliveryIds: readonly string[]): Promise<void> => {
    if (deliveryIds.length === 0) return;
    await queue.addBulk(deliveryIds.map((deliveryId) => ({
      name: 'deliver',
      data: { deliveryId },
      opts: { ...DELIVERY_JOB_OPTIONS, jobId: deliveryJobId(deliveryId) },
    })));
  };

  return {
    queue,
    queues: [queue as unknown as Queue],
    enqueueOrThrow,
    async enqueueDeliveries(deliveryIds) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from Redis within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([enqueueOrThrow(deliveryIds), timeout]);
      } catch (error) {
        options.logger?.warn({ deliveryIds, err: (error as Error).message }, 'deliveries not enqueued now: the stuck-delivery sweeper will enqueue them');
      } finally {
        clearTimeout(timer);
      }
    },
    async hasJob(deliveryId) {
      const state = await queue.getJobState(deliveryJobId(deliveryId));
      return LIVE_STATES.has(state);
    },
    async depth(): Promise<QueueDepth> {
      const counts = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
      return {
        waiting: (counts['waiting'] ?? 0) + (counts['prioritized'] ?? 0),
        active: counts['active'] ?? 0,
        delayed: counts['delayed'] ?? 0,
        failed: counts['failed'] ?? 0,
      };
    },
    async close() {
      await queue.close();
      if (own) await own.quit().catch(() => own.disconnect());
    },
  };
}
