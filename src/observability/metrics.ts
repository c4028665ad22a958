/**
 * The axis's Prometheus metrics (prom-client). One process-wide registry, `registry`, is what the gateway mounts at
 * /metrics; `createMetrics()` gives a fresh one (tests, or a process that wants its own).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DeadlineObserver } from '../exchange/deadlines/deadline-alert.js';
import type { DeliveryObserver } from '../exchange/delivery/delivery-observer.js';
import type { QueueDepth } from '../exchange/ports/index.js';
import type { CheckpointRun, EvidenceStatus } from '../ledger/index.js';

export interface AxisMetrics {
  readonly registry: Registry;
  readonly packagesAccepted: Counter<'kind'>;
  readonly packagesRejected: Counter<'code'>;
  readonly deliveries: Counter<'outcome' | 'mode'>;
  readonly retries: Counter<'reason'>;
  readonly deadLetters: Counter<'reason'>;
  readonly enqueueFailures: Counter;
  /** Agency requests refused with 429, by limit: requests (per minute) or bytes (per day). */
  readonly rateLimited: Counter<'reason'>;
  readonly acceptToDelivered: Histogram<'mode'>;
  /** The delivery use-case's observer, feeding the counters above. */
  readonly deliveryObserver: DeliveryObserver;
  /** Decree 30 time limits: reminders and escalations raised, deliveries past their limit now. */
  readonly deadlineAlerts: Counter<'level'>;
  readonly deadlinesOverdue: Gauge;
  readonly deadlineObserver: DeadlineObserver;
  /** Reports a queue's depth at every scrape (edx_queue_depth{queue,state}). */
  watchQueue(name: string, depth: () => Promise<QueueDepth>): void;
  unwatchQueue(name: string): void;
  /** A checkpoint run of the maintenance worker (edx_ledger_checkpoints_total, edx_ledger_timestamp_failures_total). */
  ledgerCheckpointRun(run: CheckpointRun): void;
  /** Reports evidence health at every scrape (edx_evidence_*, edx_ledger_*_size). */
  watchEvidence(status: () => Promise<EvidenceStatus>): void;
}

export function createMetrics(options: { registry?: Registry; defaultMetrics?: boolean } = {}): AxisMetrics {
  const registry = options.registry ?? new Registry();
  const registers = [registry];
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'edx_' });
  const packagesAccepted = new Counter({ name: 'edx_packages_accepted_total', help: 'Packages accepted, by kind (edoc, status).', labelNames: ['kind'] as const, registers });
  const packagesRejected = new Counter({ name: 'edx_packages_rejected_total', help: 'Packages rejected, by error code.', labelNames: ['code'] as const, registers });
  const deliveries = new Counter({ name: 'edx_deliveries_total', help: 'Delivery job outcomes: delivered, available, retry, dead, skipped, deferred, held (recipient suspended).', labelNames: ['outcome', 'mode'] as const, registers });
  const retries = new Counter({ name: 'edx_delivery_retries_total', help: 'Push attempts that failed and were scheduled again, by HTTP status or network failure.', labelNames: ['reason'] as const, registers });
  const deadLetters = new Counter({ name: 'edx_dead_letters_total', help: 'Deliveries dead-lettered (alert on any increase).', labelNames: ['reason'] as const, registers });
  const enqueueFailures = new Counter({ name: 'edx_enqueue_failures_total', help: 'Deliveries left to the sweeper because Redis did not take the job.', registers });
  const rateLimited = new Counter({ name: 'edx_rate_limited_total', help: 'Agency requests refused with 429, by limit: requests (per minute) or bytes (per day).', labelNames: ['reason'] as const, registers });
  const acceptToDelivered = new Histogram({
    name: 'edx_accept_to_delivered_seconds',
    help: 'From a package being accepted to its delivery (push 2xx) or availability (pull).',
    labelNames: ['mode'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 1800, 3600, 4 * 3600, 24 * 3600],
    registers,
  });
  const watched = new Map<string, () => Promise<QueueDepth>>();
  new Gauge({
    name: 'edx_queue_depth',
    help: 'Jobs per queue and state at scrape time.',
    labelNames: ['queue', 'state'] as const,
    registers,
    async collect() {
      this.reset();
      for (const [queue, depth] of watched) {
        const counts = await depth().catch(() => undefined);
        if (!counts) continue;
        for (const [state, value] of Object.entries(counts)) this.set({ queue, state }, value);
      }
    },
  });
  const checkpoints = new Counter({ name: 'edx_ledger_checkpoints_total', help: 'Checkpoint runs of the receipt log: created (a new checkpoint), unchanged (no receipt since the last).', labelNames: ['outcome'] as const, registers });
  const timestampFailures = new Counter({ name: 'edx_ledger_timestamp_failures_total', help: 'Checkpoints that could not be time-stamped, by error code (LEDGER_TSA_*).', labelNames: ['code'] as const, registers });
  let evidence: (() => Promise<EvidenceStatus>) | undefined;
  const evidenceGauge = (name: string, help: string, value: (status: EvidenceStatus) => number): void => {
    new Gauge({
      name, help, registers,
      async collect() {
        const status = evidence && await evidence().catch(() => undefined);
        if (status) this.set(value(status));
        else this.reset();
      },
    });
  };
  evidenceGauge('edx_evidence_untimestamped_receipts', 'Receipts no time-stamped checkpoint covers yet.', (s) => s.uncoveredReceipts);
  evidenceGauge('edx_evidence_untimestamped_age_seconds', 'How long the oldest receipt without a time-stamped checkpoint has waited.', (s) => s.oldestUncoveredAgeMs / 1000);
  evidenceGauge('edx_evidence_degraded', '1 while evidence is degraded (a receipt has waited longer than EVIDENCE_MAX_UNTIMESTAMPED_MS): alert on it.', (s) => (s.state === 'degraded' ? 1 : 0));
  evidenceGauge('edx_ledger_checkpoint_size', 'Receipts covered by the latest checkpoint.', (s) => s.checkpointSize);
  evidenceGauge('edx_ledger_timestamped_size', 'Receipts covered by the latest time-stamped checkpoint.', (s) => s.timestampedSize);
  const deadlineAlerts = new Counter({ name: 'edx_deadline_alerts_total', help: 'Decree 30 time limits passed without the recipient\'s status: reminders, and escalations to the operators.', labelNames: ['level'] as const, registers });
  const deadlinesOverdue = new Gauge({ name: 'edx_deadlines_overdue', help: 'Deliveries past their Decree 30 time limit without the recipient\'s status, at the last watch.', registers });
  const deadlineObserver: DeadlineObserver = {
    alert: (level) => deadlineAlerts.inc({ level }),
    overdue: (count) => deadlinesOverdue.set(count),
  };
  const deliveryObserver: DeliveryObserver = {
    outcome: (outcome, mode) => deliveries.inc({ outcome, mode }),
    retry: (reason) => retries.inc({ reason }),
    deadLetter: (reason) => deadLetters.inc({ reason }),
    acceptToDelivered: (seconds, mode) => acceptToDelivered.observe({ mode }, seconds),
  };
  return {
    registry, packagesAccepted, packagesRejected, deliveries, retries, deadLetters, enqueueFailures, rateLimited, acceptToDelivered, deliveryObserver,
    deadlineAlerts, deadlinesOverdue, deadlineObserver,
    watchQueue: (name, depth) => void watched.set(name, depth),
    unwatchQueue: (name) => void watched.delete(name),
    ledgerCheckpointRun(run) {
      checkpoints.inc({ outcome: run.outcome });
      if (run.timestampError) timestampFailures.inc({ code: run.timestampError.code });
    },
    watchEvidence: (status) => void (evidence = status),
  };
}

/** The process-wide metrics: the gateway serves `registry` at /metrics, the workers count into the same one. */
export const metrics: AxisMetrics = createMetrics({ defaultMetrics: true });
export const registry: Registry = metrics.registry;
export const metricsRegistry: Registry = registry;
