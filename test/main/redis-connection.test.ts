import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/main/redis-connection.js';
import { REDIS_URL } from '../delivery/redis-fixture.js';
import { countSentSegments } from '../support/sent-segments.js';

describe("the gateway's Redis connection", () => {
  it('sends the replay-cache commands of one event-loop turn to Redis in one write, each with its own answer', async () => {
    const redis = await connectRedis(REDIS_URL);
    const key = `edxt-conn-${randomUUID().slice(0, 8)}:nonce`;
    try {
      const sent = await countSentSegments(redis);
      const answers = await Promise.all([
        redis.set(`${key}:a`, '1', 'PX', 10_000, 'NX'),
        redis.set(`${key}:b`, '1', 'PX', 10_000, 'NX'),
        redis.set(`${key}:a`, '1', 'PX', 10_000, 'NX'),
      ]);
      // The third is a replay of the first: refused, even though all three went in one write.
      expect(answers).toEqual(['OK', 'OK', null]);
      expect(sent()).toBe(1);
    } finally {
      await redis.del(`${key}:a`, `${key}:b`);
      redis.disconnect();
    }
  });
});

