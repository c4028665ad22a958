/**
 * When a push is tried again, and for how long. Modelled on DHX and Domibus: a finite number of attempts spread over
 * about a day (12 attempts, exponential backoff from 3 minutes capped at 8 hours, full jitter), then a dead letter
 * an operator can see and replay. Every number is configurable; tests use milliseconds.
 */
import type { RecipientLimits } from '../../queue/ports.js';

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
