/**
 * The axis's Prometheus metrics (prom-client). One process-wide registry, `registry`, is what the gateway mounts at
 * /metrics; `createMetrics()` gives a fresh one (tests, or a process that wants its own).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DeadlineObserver } from '../exchange/deadlines/deadline-alert.js';
import type { DeliveryObserver } from '../exchange/delivery/delivery-observer.js';
import type { QueueDepth } from '../exchange/ports/index.js';

export interface AxisMetrics {
  readonly registry: Registry;
  readonly packagesAccepted: Counter<'kind'>;
  readonly packagesRejected: Counter<'code'>;
  readonly deliveries: Counter<'outcome' | 'mode'>;
  readonly retries: Counter<'reason'>;
  readonly deadLetters: Counter<'reason'>;
  readonly enqueueFailures: Counter;
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
    registry, packagesAccepted, packagesRejected, deliveries, retries, deadLetters, enqueueFailures, acceptToDelivered, deliveryObserver,
    deadlineAlerts, deadlinesOverdue, deadlineObserver,
    watchQueue: (name, depth) => void watched.set(name, depth),
    unwatchQueue: (name) => void watched.delete(name),
  };
}

/** The process-wide metrics: the gateway serves `registry` at /metrics, the workers count into the same one. */
export const metrics: AxisMetrics = createMetrics({ defaultMetrics: true });
export const registry: Registry = metrics.registry;
export const metricsRegistry: Registry = registry;
