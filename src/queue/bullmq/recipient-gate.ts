/**
 * The per-recipient semaphore and rate limit on Redis (BullMQ's open-source edition has no groups). One Lua script
 * does the check and the lease atomically: a sorted set of leases per recipient (score = lease end, so a killed
 * worker's slot expires by itself) and a counter per recipient per second for the rate.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { GateDecision, RecipientGate, RecipientLimits } from '../../exchange/ports/index.js';

const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return {0, 0}
end
local rate = tonumber(ARGV[3])
if rate > 0 then
  local rkey = KEYS[2] .. ':' .. math.floor(now / 1000)
  local n = redis.call('INCR', rkey)
  if n == 1 then redis.call('PEXPIRE', rkey, 2000) end
  if n > rate then return {0, 1000 - (now % 1000)} end
end
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
redis.call('PEXPIRE', KEYS[1], lease * 2)
return {1, 0}
`;

interface GateCommands {
  edxGateAcquire(slots: string, rate: string, token: string, concurrency: number, ratePerSecond: number, leaseMs: number): Promise<[number, number]>;
}

/**
 * How long a job waits before asking again when every slot of its recipient is taken: 25 ms plus up to 100 ms of
 * jitter, so the jobs queued behind a busy recipient do not all come back at the same instant.
 */
const BUSY_RETRY_MS = 25;
const BUSY_JITTER_MS = 100;

export function createRedisRecipientGate(redis: Redis, prefix: string): RecipientGate {
  const commands = redis as Redis & GateCommands;
  if (typeof commands.edxGateAcquire !== 'function') redis.defineCommand('edxGateAcquire', { numberOfKeys: 2, lua: ACQUIRE });
  return {
    async acquire(recipientOrganId: string, limits: RecipientLimits, leaseMs: number): Promise<GateDecision> {
      const base = `${prefix}:gate:${recipientOrganId}`;
      const token = randomUUID();
      const [granted, waitMs] = await commands.edxGateAcquire(
        `${base}:slots`, `${base}:rate`, token, Math.max(1, limits.concurrency), Math.max(0, limits.ratePerSecond), Math.max(1, Math.ceil(leaseMs)),
      );
      if (granted !== 1) return { granted: false, retryInMs: waitMs > 0 ? waitMs : BUSY_RETRY_MS + Math.floor(Math.random() * BUSY_JITTER_MS) };
      return {
        granted: true,
        async release() {
          await redis.zrem(`${base}:slots`, token).catch(() => undefined);
        },
      };
    },
  };
}
