/**
 * One Redis client for the gateway (replay cache, readiness). When Redis cannot be reached at start-up the process
 * says so in one line with the fix, instead of a stack trace of reconnect attempts. Its commands (a replay-cache
 * SET per signed request, among others) are the axis's own single commands, so those of one event-loop turn go to
 * Redis in one write (ioredis auto-pipelining): a system call fewer for each request after the first of a turn.
 */
import { Redis } from 'ioredis';
import { AxisError } from '../errors/axis-error.js';

export function redisUnreachableMessage(url: string): string {
  const safe = url.replace(/\/\/[^@/]*@/, '//***@');
  return `Redis is not reachable at ${safe}: start it (redis-server --port 6379 --daemonize yes) or set REDIS_URL to a running Redis.`;
}

export async function connectRedis(url: string, timeoutMs = 3000): Promise<Redis> {
  const redis = new Redis(url, { enableAutoPipelining: true, lazyConnect: true, maxRetriesPerRequest: null, connectTimeout: timeoutMs, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new AxisError('REDIS_UNREACHABLE', redisUnreachableMessage(url), undefined, { cause: error });
  }
  // Connected once: from now on reconnect by itself (a Redis restart must not kill the gateway).
  redis.options.retryStrategy = (times: number) => Math.min(200 * times, 5000);
  redis.options.maxRetriesPerRequest = 3;
  return redis;
}
