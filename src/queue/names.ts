/**
 * Every queue the axis runs, its job payloads and job options, in one place (the gateway enqueues, the workers
 * consume, Bull Board shows them: all three read the names from here).
 */

/** One job per delivery: "look at delivery X now". Its id is the delivery id, so it cannot be enqueued twice. */
export const DELIVERY_QUEUE = 'edx-delivery';
/** Repeatable housekeeping: sweeper, retention, revocation refresh, ledger checkpoints, the Decree 30 time limits. */
export const MAINTENANCE_QUEUE = 'edx-maintenance';

/** Default BullMQ key prefix; tests use a unique one per run so they never see each other's jobs. */
export const DEFAULT_QUEUE_PREFIX = 'edx';

export interface DeliveryJobData {
  deliveryId: string;
  /** Unexpected failures of the delivery use-case in a row (the worker's own backoff); never the recipient's attempts. */
  unexpectedErrors?: number;
}

export type MaintenanceTask = 'sweep-stuck-deliveries' | 'package-retention' | 'revocation-refresh' | 'ledger-checkpoint' | 'deadline-watch';

export const MAINTENANCE_TASKS: readonly MaintenanceTask[] = [
  'sweep-stuck-deliveries', 'package-retention', 'revocation-refresh', 'ledger-checkpoint', 'deadline-watch',
];

export interface MaintenanceJobData {
  task: MaintenanceTask;
}

/**
 * Delivery jobs are not kept once finished: the store holds the outcome (and the dead letters), and a finished job
 * kept in Redis would make a later enqueue of the same id (a replay) a silent no-op.
 */
export const DELIVERY_JOB_OPTIONS = {
  removeOnComplete: true,
  removeOnFail: true,
  /** Retries are scheduled by the delivery use-case (attempts live in the store), not by BullMQ. */
  attempts: 1,
} as const;

export const MAINTENANCE_JOB_OPTIONS = {
  removeOnComplete: { count: 50 },
  removeOnFail: { count: 200 },
  attempts: 1,
} as const;

/**
 * The job id of a delivery: the delivery id itself when BullMQ accepts it as a custom id (not all digits, no ':'),
 * otherwise an escaped form that is still one-to-one, so the same delivery always maps to the same job.
 */
export function deliveryJobId(deliveryId: string): string {
  if (!/^\d+$/.test(deliveryId) && !deliveryId.includes(':') && !deliveryId.startsWith('d~')) return deliveryId;
  return `d~${deliveryId.replace(/~/g, '~~').replace(/:/g, '~c')}`;
}
