/**
 * What the delivery rules report as they work: metrics (src/observability implements this with prom-client) and
 * log lines. Kept as a small interface so the rules know nothing of Prometheus or pino.
 */
/**
 * deferred: not due yet, or the recipient at its concurrency/rate limit. held: the recipient agency is suspended, the
 * delivery waits for its resumption (no attempt); counted apart so an operator can tell a suspension from a busy DMS.
 */
export type DeliveryOutcomeKind = 'delivered' | 'available' | 'retry' | 'dead' | 'skipped' | 'deferred' | 'held';
export type DeliveryModeLabel = 'push' | 'pull' | 'none';

export interface DeliveryObserver {
  outcome(kind: DeliveryOutcomeKind, mode: DeliveryModeLabel): void;
  /** One more attempt scheduled; reason is an HTTP status or a network failure kind. */
  retry(reason: string): void;
  deadLetter(reason: string): void;
  /** Seconds from the package's acceptance to its delivery (push 2xx) or availability (pull). */
  acceptToDelivered(seconds: number, mode: 'push' | 'pull'): void;
}

export interface DeliveryLogger {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

export const SILENT_OBSERVER: DeliveryObserver = {
  outcome: () => undefined,
  retry: () => undefined,
  deadLetter: () => undefined,
  acceptToDelivered: () => undefined,
};

export const SILENT_LOGGER: DeliveryLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
