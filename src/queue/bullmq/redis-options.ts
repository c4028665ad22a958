/**
 * ioredis options for the queue connections. Workers block on Redis and must never give up on a command
 * (maxRetriesPerRequest null, as BullMQ requires) and reconnect by themselves for as long as Redis is away.
 */
import { Redis, type RedisOptions } from 'ioredis';

/** Back off 100 ms, 200 ms, ... up to 2 s between reconnection attempts, forever. */
export function reconnectDelay(times: number): number {
  return Math.min(100 * times, 2000);
}

export function workerRedisOptions(): RedisOptions {
  return { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy: reconnectDelay, connectTimeout: 5000 };
}

/**
 * The recipient gate's connection: its acquires and releases are single commands of the axis's own, so the commands
 * of one event-loop turn go to Redis in one write (ioredis auto-pipelining). Not for BullMQ's connections: its
 * maintainers do not support auto-pipelining under its scripts.
 */
export function gateRedisOptions(): RedisOptions {
  return { ...workerRedisOptions(), enableAutoPipelining: true };
}

/** A producer (the gateway) waits a little, not forever: an enqueue that fails is repaired by the sweeper. */
export function producerRedisOptions(): RedisOptions {
  return { maxRetriesPerRequest: 2, enableReadyCheck: true, retryStrategy: reconnectDelay, connectTimeout: 5000 };
}

export function openRedis(url: string, options: RedisOptions): Redis {
  const redis = new Redis(url, options);
  // Reconnection is handled by retryStrategy; an unhandled 'error' event would crash the process instead.
  redis.on('error', () => undefined);
  return redis;
}
