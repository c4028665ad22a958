/** Real Redis for the queue tests: a unique BullMQ prefix per test so parallel test files never see each other's jobs. */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export function uniquePrefix(what: string): string {
  return `edxt-${what}-${randomUUID().slice(0, 8)}`;
}

/** Removes every key under a test prefix (best effort: a test that failed should not leave Redis littered). */
export async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    // Redis away: nothing to clean.
  } finally {
    redis.disconnect();
  }
}
