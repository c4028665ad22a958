/**
 * The maintenance worker: repeatable jobs (BullMQ job schedulers, so several processes share one schedule) for the
 * stuck-delivery sweeper, raw-package retention, the CRL/OCSP cache refresh, the ledger checkpoints and the Decree 30
 * time limits. The last three are hooks: the PKI, evidence and deadline modules hand in what to run.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { applyPackageRetention, type RetentionPolicy } from '../src/exchange/delivery/package-retention.js';
import { sweepStuckDeliveries } from '../src/exchange/delivery/sweep-stuck.js';
import type { DeliveryLogger } from '../src/exchange/delivery/delivery-observer.js';
import type { BullmqDeliveryQueue } from '../src/queue/bullmq/delivery-queue.js';
import { MAINTENANCE_JOB_OPTIONS, MAINTENANCE_QUEUE, type MaintenanceJobData, type MaintenanceTask } from '../src/queue/names.js';
import type { Store } from '../src/exchange/ports/index.js';
import { within } from './within.js';

export interface MaintenanceHooks {
  /** Refreshes cached CRLs / OCSP answers (src/pki). */
  refreshRevocation?: () => Promise<void>;
  /** Signs and time-stamps a checkpoint of the receipt log (src/main/ledger-checkpointing.ts); its result is the job's. */
  checkpointLedger?: () => Promise<object | void>;
  /** Whether enough receipts wait for a checkpoint to make one now (CHECKPOINT_EVERY_RECEIPTS), asked every poll. */
  ledgerCheckpointDue?: () => Promise<boolean>;
  /** Reminds and escalates the Decree 30 time limits that passed (src/exchange/deadlines/deadline-watch.ts). */
  watchDeadlines?: () => Promise<unknown>;
}

export interface MaintenanceSchedule {
  sweepEveryMs: number;
  /** How many open deliveries one sweep looks at; the next sweep goes on from there (sweep-stuck.ts). */
  sweepMaxChecked: number;
  retentionEveryMs: number;
  revocationRefreshEveryMs: number;
  ledgerCheckpointEveryMs: number;
  /** How often ledgerCheckpointDue is asked. */
  ledgerCheckpointPollMs: number;
  deadlineWatchEveryMs: number;
}

export const DEFAULT_MAINTENANCE_SCHEDULE: MaintenanceSchedule = {
  sweepEveryMs: 30_000,
  sweepMaxChecked: 100_000,
  retentionEveryMs: 3600_000,
  revocationRefreshEveryMs: 3600_000,
  ledgerCheckpointEveryMs: 3600_000,
  ledgerCheckpointPollMs: 1000,
  deadlineWatchEveryMs: 60_000,
};

export interface MaintenanceWorkerOptions {
  connection: Redis;
  prefix: string;
  store: Store;
  deliveryQueue: BullmqDeliveryQueue;
  logger: DeliveryLogger;
  schedule: MaintenanceSchedule;
  retention: RetentionPolicy;
  hooks: MaintenanceHooks;
}

export interface RunningMaintenance {
  readonly queue: Queue<MaintenanceJobData>;
  runTask(task: MaintenanceTask): Promise<unknown>;
  close(deadlineMs: number): Promise<void>;
}

export async function startMaintenanceWorker(options: MaintenanceWorkerOptions): Promise<RunningMaintenance> {
  const { store, logger, hooks } = options;
  const cursorKey = `${options.prefix}:retention:cursor`;
  const sweepCursorKey = `${options.prefix}:sweep:cursor`;
  const runTask = async (task: MaintenanceTask): Promise<unknown> => {
    switch (task) {
      case 'sweep-stuck-deliveries': {
        const cursor = Number((await options.connection.get(sweepCursorKey)) ?? 0);
        const result = await sweepStuckDeliveries(store, options.deliveryQueue, {
          cursor,
          maxChecked: options.schedule.sweepMaxChecked,
          enqueue: (ids) => options.deliveryQueue.enqueueOrThrow(ids),
        });
        await options.connection.set(sweepCursorKey, String(result.cursor));
        if (result.enqueued.length > 0) logger.warn({ count: result.enqueued.length, deliveryIds: result.enqueued.slice(0, 20) }, 'sweeper: re-enqueued deliveries that had no job');
        return { checked: result.checked, enqueued: result.enqueued.length };
      }
      case 'package-retention': {
        const cursor = Number((await options.connection.get(cursorKey)) ?? 0);
        const run = await applyPackageRetention(store, options.retention, { cursor });
        await options.connection.set(cursorKey, String(run.cursor));
        if (run.removed.length > 0) logger.info({ count: run.removed.length }, 'retention: raw packages removed (receipts kept)');
        return { removed: run.removed.length };
      }
      case 'revocation-refresh':
        await hooks.refreshRevocation?.();
        return { ran: Boolean(hooks.refreshRevocation) };
      case 'ledger-checkpoint':
        return { ran: Boolean(hooks.checkpointLedger), ...(await hooks.checkpointLedger?.()) };
      case 'deadline-watch':
        return hooks.watchDeadlines ? hooks.watchDeadlines() : { ran: false };
    }
  };

  const queue = new Queue<MaintenanceJobData>(MAINTENANCE_QUEUE, { connection: options.connection, prefix: options.prefix });
  queue.on('error', () => undefined);
  const plan: [MaintenanceTask, number, boolean][] = [
    ['sweep-stuck-deliveries', options.schedule.sweepEveryMs, true],
    ['package-retention', options.schedule.retentionEveryMs, options.retention.keepRawPackagesDays !== undefined],
    ['revocation-refresh', options.schedule.revocationRefreshEveryMs, Boolean(hooks.refreshRevocation)],
    ['ledger-checkpoint', options.schedule.ledgerCheckpointEveryMs, Boolean(hooks.checkpointLedger)],
    ['deadline-watch', options.schedule.deadlineWatchEveryMs, Boolean(hooks.watchDeadlines)],
  ];
  const schedule = async (): Promise<void> => {
    for (const [task, every, wanted] of plan) {
      if (wanted) await queue.upsertJobScheduler(task, { every }, { name: task, data: { task }, opts: MAINTENANCE_JOB_OPTIONS });
      else await queue.removeJobScheduler(task);
    }
  };
  await schedule();

  // A Redis that restarted empty (no persistence, a failover) has lost the schedules and every delivery job: put
  // the schedules back and sweep at once, so the store's pending deliveries are enqueued again without waiting.
  let connectedOnce = false;
  const onReady = (): void => {
    if (!connectedOnce) {
      connectedOnce = true;
      return;
    }
    logger.warn({}, 'maintenance: Redis is back; restoring schedules and sweeping for deliveries without a job');
    schedule()
      .then(() => runTask('sweep-stuck-deliveries'))
      .catch((error: Error) => logger.warn({ err: error.message }, 'maintenance: recovery after reconnect failed; the next scheduled sweep retries'));
  };
  if (options.connection.status === 'ready') connectedOnce = true;
  options.connection.on('ready', onReady);

  const worker = new Worker<MaintenanceJobData>(MAINTENANCE_QUEUE, async (job: Job<MaintenanceJobData>) => runTask(job.data.task), {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: 1,
  });
  worker.on('error', (error) => logger.warn({ err: error.message }, 'maintenance worker: Redis error (reconnecting)'));
  worker.on('failed', (job, error) => logger.error({ task: job?.data.task, err: error.message }, 'maintenance task failed; it runs again at its next turn'));

  // A checkpoint as soon as enough receipts wait for one, besides the schedule: one job with a fixed id, so however
  // many processes poll, at most one such checkpoint is waiting at a time.
  let polling = false;
  const poll = hooks.ledgerCheckpointDue ? setInterval(() => {
    if (polling) return;
    polling = true;
    hooks.ledgerCheckpointDue!()
      .then((due) => due ? queue.add('ledger-checkpoint', { task: 'ledger-checkpoint' }, { ...MAINTENANCE_JOB_OPTIONS, jobId: 'ledger-checkpoint-due', removeOnComplete: true, removeOnFail: true }) : undefined)
      .catch((error: Error) => logger.warn({ err: error.message }, 'maintenance: could not check whether a ledger checkpoint is due'))
      .finally(() => { polling = false; });
  }, options.schedule.ledgerCheckpointPollMs) : undefined;
  poll?.unref();

  // Repair at once what a crash left behind, rather than waiting for the first scheduled sweep.
  runTask('sweep-stuck-deliveries').catch((error: Error) => logger.warn({ err: error.message }, 'start-up sweep failed; the scheduled one will retry'));

  return {
    queue,
    runTask,
    async close(deadlineMs) {
      clearInterval(poll);
      options.connection.off('ready', onReady);
      // As the delivery worker: no forced close (BullMQ's would only wait for this one again).
      if (!(await within(worker.close(), deadlineMs))) logger.warn({ deadlineMs }, 'maintenance worker: the running task did not finish in time');
      await within(queue.close(), 1000);
    },
  };
}
