/**
 * When a push is tried again, and for how long. Modelled on DHX and Domibus: a finite number of attempts spread over
 * about a day (12 attempts, exponential backoff from 3 minutes capped at 8 hours, full jitter), then a dead letter
 * an operator can see and replay. Every number is configurable; tests use milliseconds.
 */
import type { RecipientLimits } from '../ports/index.js';

export interface DeliveryPolicy {
  /** Push attempts before the delivery is dead-lettered (the first attempt counts). */
  maxAttempts: number;
  /** Backoff before attempt n+1 is drawn uniformly from [minDelayMs, min(maxDelayMs, baseDelayMs * 2^(n-1))]. */
  baseDelayMs: number;
  maxDelayMs: number;
  minDelayMs: number;
  /** A Retry-After longer than this is cut to it (a receiver cannot park a delivery for a week). */
  maxRetryAfterMs: number;
  connectTimeoutMs: number;
  /** From the request being sent to the whole response being read. */
  responseTimeoutMs: number;
  recipient: RecipientLimits;
  /**
   * A push delivery whose recipient agency is suspended is held, not attempted: it is looked at again after about
   * this long (jittered by +-10% so that a suspended agency's backlog does not wake in one burst).
   */
  suspendedRecheckMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  maxAttempts: 12,
  baseDelayMs: 3 * 60_000,
  maxDelayMs: 8 * 3600_000,
  minDelayMs: 1000,
  maxRetryAfterMs: 8 * 3600_000,
  connectTimeoutMs: 10_000,
  responseTimeoutMs: 60_000,
  recipient: { concurrency: 16, ratePerSecond: 1000 },
  suspendedRecheckMs: 60_000,
};

/** What a configuration may override: any field, and either of the per-recipient limits. */
export type DeliveryPolicyOverrides = Partial<Omit<DeliveryPolicy, 'recipient'>> & { recipient?: Partial<RecipientLimits> };

export function deliveryPolicy(overrides: DeliveryPolicyOverrides = {}): DeliveryPolicy {
  return {
    ...DEFAULT_DELIVERY_POLICY,
    ...overrides,
    recipient: { ...DEFAULT_DELIVERY_POLICY.recipient, ...overrides.recipient },
  };
}

/** Exponential backoff with full jitter (AWS architecture blog's "full jitter"): spreads a burst of retries out. */
export function backoffDelayMs(policy: DeliveryPolicy, attemptsSoFar: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, attemptsSoFar - 1);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(exponent, 40));
  const low = Math.min(policy.minDelayMs, ceiling);
  return Math.round(low + random() * (ceiling - low));
}

/**
 * Backoff for the axis's own failures (deliver() threw: the store unreachable, a bug), which are not attempts: the
 * n-th consecutive one waits a delay drawn from [ceiling/2, ceiling], ceiling = min(maxMs, baseMs * 2^(n-1)).
 * "Equal jitter" rather than full jitter: during an outage a floor of half the ceiling keeps thousands of jobs from
 * hammering a store that is trying to come back, and below the cap a delay is never shorter than the one before.
 */
export interface ErrorBackoff {
  baseMs: number;
  maxMs: number;
}

/** 2 s, 4 s, 8 s, ... up to 5 minutes (each drawn from the upper half of its step). */
export const DEFAULT_ERROR_BACKOFF: ErrorBackoff = { baseMs: 2000, maxMs: 5 * 60_000 };

export function errorBackoffDelayMs(backoff: ErrorBackoff, consecutiveErrors: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, consecutiveErrors - 1);
  const ceiling = Math.max(1, Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(exponent, 40)));
  return Math.max(1, Math.round(ceiling / 2 + random() * (ceiling / 2)));
}

/** The pause before a held delivery (recipient suspended) is looked at again, jittered by +-10%. */
export function suspendedRecheckDelayMs(policy: DeliveryPolicy, random: () => number = Math.random): number {
  return Math.max(1, Math.round(policy.suspendedRecheckMs * (0.9 + 0.2 * random())));
}

/** Retry-After as delta-seconds or an HTTP-date (RFC 9110 10.2.3); undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}

/** The delay before the next attempt: the jittered backoff, but never sooner than the receiver asked. */
export function nextDelayMs(policy: DeliveryPolicy, attemptsSoFar: number, retryAfterMs: number | undefined, random?: () => number): number {
  const backoff = backoffDelayMs(policy, attemptsSoFar, random);
  if (retryAfterMs === undefined) return backoff;
  return Math.max(backoff, Math.min(retryAfterMs, policy.maxRetryAfterMs));
}

export type AttemptVerdict = 'delivered' | 'permanent' | 'retry';

/**
 * 2xx delivered; 408 (timeout) and 429 (too many requests) and every 5xx are worth another try; any other answer
 * (4xx: the receiver refuses this request; 3xx: the endpoint is misconfigured, redirects are not followed) is
 * permanent and goes to an operator.
 */
export function verdictForStatus(status: number): AttemptVerdict {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'permanent';
}
