/**
 * The delivery worker: a BullMQ Worker whose processor runs the deliver use-case and turns its outcome into a job
 * move. A retry or a deferral moves the same job (same id) to the delayed set; the attempts live in the store.
 * A worker killed mid-push leaves a job whose lock expires: BullMQ's stalled check hands it to another worker, which
 * pushes again with the same Idempotency-Key.
 */
import { DelayedError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { deliver, type DeliverDeps } from '../src/exchange/delivery/deliver.js';
import type { DeliveryLogger } from '../src/exchange/delivery/delivery-observer.js';
import { DELIVERY_QUEUE, type DeliveryJobData } from '../src/queue/names.js';
import { within } from './within.js';

export interface DeliveryWorkerOptions {
  connection: Redis;
  prefix: string;
  deps: DeliverDeps;
  logger: DeliveryLogger;
  /** Jobs in flight in this process (all recipients together; each recipient is further capped by the gate). */
  concurrency: number;
  /** How long a job's lock lasts without renewal: a killed worker's jobs are taken over after about this long. */
  lockDurationMs: number;
  stalledIntervalMs: number;
}

/** Unexpected failures (the store unreachable, a bug) are looked at again after this long. */
const ERROR_RETRY_MS = 2000;

export interface RunningWorker {
  readonly worker: Worker;
  /** Stop taking jobs, let the in-flight ones finish for up to deadlineMs, then close. */
  close(deadlineMs: number): Promise<void>;
}

export function startDeliveryWorker(options: DeliveryWorkerOptions): RunningWorker {
  const { deps, logger } = options;
  const processor = async (job: Job<DeliveryJobData>, token?: string): Promise<string> => {
    let delayMs: number;
    try {
      const outcome = await deliver(deps, job.data.deliveryId);
      if (outcome.kind === 'retry') {
        logger.warn({ deliveryId: job.data.deliveryId, attempts: outcome.attempts, delayMs: outcome.delayMs, error: outcome.error }, 'push failed; will retry');
        delayMs = outcome.delayMs;
      } else if (outcome.kind === 'deferred') {
        delayMs = outcome.delayMs;
      } else {
        return outcome.kind;
      }
    } catch (error) {
      logger.error({ deliveryId: job.data.deliveryId, err: (error as Error).message }, 'delivery job failed unexpectedly; will look again');
      delayMs = ERROR_RETRY_MS;
    }
    await job.moveToDelayed(Date.now() + delayMs, token);
    throw new DelayedError();
  };
  const worker = new Worker<DeliveryJobData>(DELIVERY_QUEUE, processor, {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency,
    lockDuration: options.lockDurationMs,
    stalledInterval: options.stalledIntervalMs,
    // A job that keeps stalling (its worker keeps dying) falls out of BullMQ; the sweeper re-enqueues it.
    maxStalledCount: 5,
    removeOnComplete: { count: 0 },
    removeOnFail: { count: 0 },
  });
  worker.on('error', (error) => logger.warn({ err: error.message }, 'delivery worker: Redis error (reconnecting)'));
  return {
    worker,
    async close(deadlineMs) {
      if (!(await within(worker.close(), deadlineMs))) {
        logger.warn({ deadlineMs }, 'delivery worker: in-flight pushes did not finish in time; their jobs will be taken over after the lock expires');
        await within(worker.close(true), 1000);
      }
    },
  };
}
