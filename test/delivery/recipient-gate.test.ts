import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisRecipientGate } from '../../src/queue/bullmq/recipient-gate.js';
import { gateRedisOptions, openRedis } from '../../src/queue/bullmq/redis-options.js';
import type { GateDecision } from '../../src/exchange/ports/index.js';
import { countSocketWrites, dropPrefix, REDIS_URL, uniquePrefix } from './redis-fixture.js';

describe('the per-recipient gate', () => {
  let redis: Redis;
  const prefix = uniquePrefix('gate');
  beforeAll(() => { redis = new Redis(REDIS_URL); });
  afterAll(async () => {
    await dropPrefix(prefix);
    await redis.quit();
  });

  it('lets at most `concurrency` pushes to one recipient in at once, and frees a slot on release', async () => {
    const gate = createRedisRecipientGate(redis, prefix);
    const limits = { concurrency: 2, ratePerSecond: 0 };
    const a = await gate.acquire('R1', limits, 10_000);
    const b = await gate.acquire('R1', limits, 10_000);
    const c = await gate.acquire('R1', limits, 10_000);
    expect([a.granted, b.granted, c.granted]).toEqual([true, true, false]);
    if (!c.granted) expect(c.retryInMs).toBeGreaterThan(0);
    // Another recipient is not held up by R1.
    expect((await gate.acquire('R2', limits, 10_000)).granted).toBe(true);
    if (a.granted) await a.release();
    expect((await gate.acquire('R1', limits, 10_000)).granted).toBe(true);
  });

  it('gives back the slot of a worker that died holding it once its lease ends', async () => {
    const gate = createRedisRecipientGate(redis, prefix);
    const limits = { concurrency: 1, ratePerSecond: 0 };
    expect((await gate.acquire('R3', limits, 150)).granted).toBe(true);
    expect((await gate.acquire('R3', limits, 150)).granted).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await gate.acquire('R3', limits, 150)).granted).toBe(true);
  });

  it('holds a recipient to its rate per second, across gates sharing the Redis', async () => {
    const other = new Redis(REDIS_URL);
    try {
      const gates = [createRedisRecipientGate(redis, prefix), createRedisRecipientGate(other, prefix)];
      const limits = { concurrency: 100, ratePerSecond: 5 };
      const decisions: GateDecision[] = [];
      for (let i = 0; i < 12; i += 1) decisions.push(await gates[i % 2]!.acquire('R4', limits, 10_000));
      const granted = decisions.filter((d) => d.granted).length;
      // 5 per second; the 12 calls may straddle one second boundary.
      expect(granted).toBeGreaterThanOrEqual(5);
      expect(granted).toBeLessThanOrEqual(10);
      const refused = decisions.find((d) => !d.granted);
      if (refused && !refused.granted) expect(refused.retryInMs).toBeLessThanOrEqual(1000);
    } finally {
      await other.quit();
    }
  });

  it('sends the acquires and releases of one event-loop turn to Redis in one write, with the same decisions', async () => {
    const own = openRedis(REDIS_URL, gateRedisOptions());
    try {
      await own.ping();
      const gate = createRedisRecipientGate(own, prefix);
      const limits = { concurrency: 3, ratePerSecond: 0 };
      const writes = countSocketWrites(own);
      const decisions = await Promise.all(Array.from({ length: 5 }, () => gate.acquire('R5', limits, 10_000)));
      expect(decisions.map((d) => d.granted)).toEqual([true, true, true, false, false]);
      expect(writes()).toBe(1);
      const releases = countSocketWrites(own);
      await Promise.all(decisions.map((d) => (d.granted ? d.release() : undefined)));
      expect(releases()).toBe(1);
      expect(await own.zcard(`${prefix}:gate:R5:slots`)).toBe(0);
    } finally {
      await own.quit();
    }
  });
});

