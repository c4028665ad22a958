import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DELIVERY_POLICY, backoffDelayMs, deliveryPolicy, nextDelayMs, parseRetryAfterMs, verdictForStatus,
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
});
