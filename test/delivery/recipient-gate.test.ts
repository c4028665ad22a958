import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisRecipientGate } from '../../src/queue/bullmq/recipient-gate.js';
import { gateRedisOptions, openRedis } from '../../src/queue/bullmq/redis-options.js';
import type { GateDecision } from '../../src/exchange/ports/index.js';
import { countSentSegments } from '../support/sent-segments.js';
import { waitFor } from '../support/wait-for.js';
import { dropPrefix, REDIS_URL, uniquePrefix } from './redis-fixture.js';

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

  it('gives back the slot of a worker that died holding it once its lease ends, and only that slot', async () => {
    const gate = createRedisRecipientGate(redis, prefix);
    const limits = { concurrency: 2, ratePerSecond: 0 };
    // A dead holder with a short lease, a live one with a long lease; the refusal comes well inside both.
    expect((await gate.acquire('R3', limits, 1500)).granted).toBe(true);
    expect((await gate.acquire('R3', limits, 600_000)).granted).toBe(true);
    expect((await gate.acquire('R3', limits, 600_000)).granted).toBe(false);
    // Neither releases: the short lease's slot comes back by itself once that lease has ended...
    await waitFor(async () => expect((await gate.acquire('R3', limits, 600_000)).granted).toBe(true), { interval: 100 });
    // ...while the long lease still holds its own.
    expect((await gate.acquire('R3', limits, 600_000)).granted).toBe(false);
  });

  it('holds a recipient to its rate per second, across gates sharing the Redis', async () => {
    const other = new Redis(REDIS_URL);
    try {
      const gates = [createRedisRecipientGate(redis, prefix), createRedisRecipientGate(other, prefix)];
      const limits = { concurrency: 100, ratePerSecond: 5 };
      // The rate is counted per second of Redis's clock: a run is read only if it began and ended within one such
      // second (a fresh recipient each run, so a run that straddled a boundary leaves nothing behind).
      const secondOf = async (): Promise<string> => String((await redis.time())[0]);
      let run = 0;
      const decisions = await waitFor(async () => {
        run += 1;
        const before = await secondOf();
        const made = await Promise.all(Array.from({ length: 12 }, (_, i) => gates[i % 2]!.acquire(`R4-${run}`, limits, 10_000)));
        if ((await secondOf()) !== before) throw new Error('the run straddled a second of Redis\'s clock: run it again');
        return made;
      });
      expect(decisions.filter((d) => d.granted)).toHaveLength(5);
      // Those refused are told to come back when the next second begins.
      for (const d of decisions) {
        if (!d.granted) expect(d.retryInMs).toSatisfy((ms: number) => ms > 0 && ms <= 1000);
      }
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
      const sent = await countSentSegments(own);
      const decisions = await Promise.all(Array.from({ length: 5 }, () => gate.acquire('R5', limits, 10_000)));
      expect(decisions.map((d) => d.granted)).toEqual([true, true, true, false, false]);
      expect(sent()).toBe(1);
      const releases = await countSentSegments(own);
      await Promise.all(decisions.map((d) => (d.granted ? d.release() : undefined)));
      expect(releases()).toBe(1);
      expect(await own.zcard(`${prefix}:gate:R5:slots`)).toBe(0);
    } finally {
      await own.quit();
    }
  });
});

