import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DELIVERY_POLICY, DEFAULT_ERROR_BACKOFF, backoffDelayMs, deliveryPolicy, errorBackoffDelayMs, nextDelayMs, parseRetryAfterMs,
  suspendedRecheckDelayMs, verdictForStatus,
} from '../../src/exchange/delivery/delivery-policy.js';

describe('the delivery policy', () => {
  it('treats 2xx as delivered, 408, 429 and 5xx as worth another try, and any other answer as permanent', () => {
    expect([200, 201, 202, 204, 299].map(verdictForStatus)).toEqual(Array(5).fill('delivered'));
    expect([408, 429, 500, 502, 503, 504].map(verdictForStatus)).toEqual(Array(6).fill('retry'));
    expect([400, 401, 403, 404, 409, 410, 413, 422, 301, 302].map(verdictForStatus)).toEqual(Array(10).fill('permanent'));
  });

  it('by default spreads a finite number of attempts over about a day, as DHX and Domibus do', () => {
    const policy = DEFAULT_DELIVERY_POLICY;
    let worst = 0;
    let best = 0;
    for (let n = 1; n < policy.maxAttempts; n += 1) {
      worst += backoffDelayMs(policy, n, () => 1);
      best += backoffDelayMs(policy, n, () => 0);
    }
    expect(policy.maxAttempts).toBeGreaterThan(3);
    expect(worst).toBeGreaterThan(12 * 3600_000);
    expect(worst).toBeLessThan(3 * 24 * 3600_000);
    expect(best).toBeLessThan(worst);
  });

  it('backs off exponentially with full jitter, capped at maxDelayMs', () => {
    const policy = deliveryPolicy({ baseDelayMs: 100, maxDelayMs: 1000, minDelayMs: 10 });
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(policy, n, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelayMs(policy, 3, () => 0)).toBe(10);
    const draws = new Set(Array.from({ length: 50 }, () => backoffDelayMs(policy, 4)));
    expect(draws.size).toBeGreaterThan(10);
    for (const d of draws) expect(d).toBeGreaterThanOrEqual(10), expect(d).toBeLessThanOrEqual(800);
  });

  it('reads Retry-After as seconds or an HTTP date and never retries sooner than asked, up to a cap', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(parseRetryAfterMs('120', now)).toBe(120_000);
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    const policy = deliveryPolicy({ baseDelayMs: 100, maxDelayMs: 1000, minDelayMs: 10, maxRetryAfterMs: 60_000 });
    expect(nextDelayMs(policy, 1, 5000, () => 0)).toBe(5000);
    expect(nextDelayMs(policy, 1, 3600_000, () => 0)).toBe(60_000);
    expect(nextDelayMs(policy, 5, 1, () => 1)).toBe(1000);
  });

  it('keeps the defaults of what is not overridden, including the per-recipient limits', () => {
    const policy = deliveryPolicy({ maxAttempts: 3, recipient: { concurrency: 2, ratePerSecond: 0 } });
    expect(policy.maxAttempts).toBe(3);
    expect(policy.responseTimeoutMs).toBe(DEFAULT_DELIVERY_POLICY.responseTimeoutMs);
    expect(policy.recipient).toEqual({ concurrency: 2, ratePerSecond: 0 });
    expect(deliveryPolicy({}).recipient).toEqual(DEFAULT_DELIVERY_POLICY.recipient);
  });

  it('backs off the axis\'s own errors from 2 s, doubling, capped at 5 minutes, each delay in the upper half of its step', () => {
    const top = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => errorBackoffDelayMs(DEFAULT_ERROR_BACKOFF, n, () => 1));
    expect(top).toEqual([2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000]);
    const bottom = [1, 2, 3, 9, 50].map((n) => errorBackoffDelayMs(DEFAULT_ERROR_BACKOFF, n, () => 0));
    expect(bottom).toEqual([1000, 2000, 4000, 150_000, 150_000]);
    // Whatever the jitter draws, below the cap an error never waits less than the one before it; at the cap it waits
    // between half the cap and the cap.
    let previous = 0;
    for (let n = 1; n <= 20; n += 1) {
      const delay = errorBackoffDelayMs({ baseMs: 10, maxMs: 1000 }, n, Math.random);
      if (n <= 7) expect(delay).toBeGreaterThanOrEqual(previous);
      else expect(delay).toBeGreaterThanOrEqual(500);
      expect(delay).toBeLessThanOrEqual(1000);
      previous = delay;
    }
  });

  it('rechecks a suspended recipient about once a minute by default, jittered by at most 10%', () => {
    expect(DEFAULT_DELIVERY_POLICY.suspendedRecheckMs).toBe(60_000);
    expect(suspendedRecheckDelayMs(DEFAULT_DELIVERY_POLICY, () => 0)).toBe(54_000);
    expect(suspendedRecheckDelayMs(DEFAULT_DELIVERY_POLICY, () => 1)).toBe(66_000);
    expect(suspendedRecheckDelayMs(deliveryPolicy({ suspendedRecheckMs: 100 }), () => 0.5)).toBe(100);
  });
});
