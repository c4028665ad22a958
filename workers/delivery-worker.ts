/**
 * The delivery worker: a BullMQ Worker whose processor runs the deliver use-case and turns its outcome into a job
 * move. A retry or a deferral moves the same job (same id) to the delayed set; the attempts live in the store.
 * A worker killed mid-push leaves a job whose lock expires: BullMQ's stalled check hands it to another worker, which
 * pushes again with the same Idempotency-Key.
 *
 * When deliver() throws (the store unreachable, a bug) the fault is the axis's, not the recipient's: the job is looked
 * at again with an exponential backoff of its own (errorBackoff), counted per job across consecutive errors in the
 * job's data (so a restarted worker carries on the count) and reset once deliver() returns normally. It never touches
 * the delivery's attempts (those live in the store and count pushes only) and never dead-letters; after a few in a
 * row the delivery's lastError says so (DELIVERY_AXIS_ERROR), so operators listing deliveries see why it waits.
 */
import { DelayedError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { deliver, noteUnexpectedError, RECIPIENT_SUSPENDED, type DeliverDeps } from '../src/exchange/delivery/deliver.js';
import { DEFAULT_ERROR_BACKOFF, errorBackoffDelayMs, type ErrorBackoff } from '../src/exchange/delivery/delivery-policy.js';
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
  /** Backoff after deliver() throws; default DEFAULT_ERROR_BACKOFF (2 s doubling to 5 minutes). Tests use ms. */
  errorBackoff?: Partial<ErrorBackoff>;
  random?: () => number;
}

export interface RunningWorker {
  readonly worker: Worker;
  /** Stop taking jobs, let the in-flight ones finish for up to deadlineMs, then close. */
  close(deadlineMs: number): Promise<void>;
}

export function startDeliveryWorker(options: DeliveryWorkerOptions): RunningWorker {
  const { deps, logger } = options;
  const backoff: ErrorBackoff = { ...DEFAULT_ERROR_BACKOFF, ...definedOnly(options.errorBackoff ?? {}) };
  const random = options.random ?? Math.random;
  /** Best effort: if Redis refuses the write, the move to delayed below fails too and the sweeper takes over. */
  const keepData = async (job: Job<DeliveryJobData>, data: DeliveryJobData): Promise<void> => {
    try {
      await job.updateData(data);
    } catch (error) {
      logger.warn({ deliveryId: data.deliveryId, err: (error as Error).message }, 'delivery job: could not record the unexpected-error count');
    }
  };
  const processor = async (job: Job<DeliveryJobData>, token?: string): Promise<string> => {
    const { deliveryId } = job.data;
    const errorsSoFar = job.data.unexpectedErrors ?? 0;
    let delayMs: number;
    try {
      const outcome = await deliver(deps, deliveryId);
      if (outcome.kind === 'retry') {
        logger.warn({ deliveryId, attempts: outcome.attempts, delayMs: outcome.delayMs, error: outcome.error }, 'push failed; will retry');
        delayMs = outcome.delayMs;
      } else if (outcome.kind === 'deferred') {
        if (outcome.reason === 'recipient-suspended' && outcome.recorded) {
          logger.info({ deliveryId, code: RECIPIENT_SUSPENDED, recheckMs: outcome.delayMs }, 'recipient agency is suspended; delivery held (no attempt) until it is resumed');
        } else if (outcome.reason === 'interrupted') {
          logger.info({ deliveryId }, 'push cut short by the shutdown: nothing recorded, the delivery is looked at again (same idempotency key)');
        }
        delayMs = outcome.delayMs;
      } else {
        // Terminal: the job is completed and removed, its data with it.
        return outcome.kind;
      }
      // deliver() answered again: the run of unexpected errors is over.
      if (errorsSoFar > 0) {
        const { unexpectedErrors: _over, ...rest } = job.data;
        await keepData(job, rest);
      }
    } catch (error) {
      const unexpectedErrors = errorsSoFar + 1;
      delayMs = errorBackoffDelayMs(backoff, unexpectedErrors, random);
      const { code, message } = error as Error & { code?: unknown };
      logger.error({ deliveryId, unexpectedErrors, delayMs, ...(typeof code === 'string' ? { code } : {}), err: message }, 'delivery job failed unexpectedly (not counted as an attempt); will look again');
      await keepData(job, { ...job.data, unexpectedErrors });
      await noteUnexpectedError(deps, deliveryId, unexpectedErrors, typeof code === 'string' ? `${code}: ${message}` : message);
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
      // No forced close after the deadline: BullMQ's close(true) only returns the close already under way. Closing
      // the connections next (workers/index.ts) ends what is left.
      if (!(await within(worker.close(), deadlineMs))) {
        logger.warn({ deadlineMs }, 'delivery worker: in-flight pushes did not finish in time; their jobs will be taken over after the lock expires');
      }
    },
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
