/**
 * Per-agency limits, shared by every gateway process over Redis, for any dialect that has authenticated an agency
 * (docs/operations.md, "Limits per agency"): requests per minute (a fixed one-minute window) and bytes uploaded per
 * day (the calendar day in Asia/Ho_Chi_Minh). Over either: 429 with Retry-After (until the window or the day ends).
 *
 * Mounted after a dialect's own authentication: `middleware(organIdOf)` counts the request and checks that the
 * declared body still fits the day's quota, before the body is read; the route charges the bytes it actually received
 * with `chargeUploadedBytes`. When Redis does not answer, the request goes on (it was authenticated, and the replay
 * cache has just answered): an unavailable limiter must not take the exchange down with it. It is logged.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { HttpError } from './problem.js';
import { logFor } from './request-log.js';

/** The slice of ioredis the limiter needs. */
export interface RateLimitRedis {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

export type RateLimitReason = 'requests' | 'bytes';

export interface AgencyRateLimitOptions {
  redis: RateLimitRedis;
  /** Key prefix in Redis (tests use a unique one). */
  keyPrefix: string;
  /** AGENCY_REQUESTS_PER_MINUTE; 0: no limit. */
  requestsPerMinute: number;
  /** AGENCY_DAILY_BYTES; 0: no limit. */
  dailyBytes: number;
  /** Counts refusals (edx_rate_limited_total{reason}). */
  onLimited?: (reason: RateLimitReason) => void;
  now?: () => number;
}

export interface AgencyRateLimit {
  /** Express middleware: `organIdOf(res)` is the authenticated agency (undefined: not an agency request, passed on). */
  middleware(organIdOf: (res: Response) => string | undefined): RequestHandler;
  /** Adds what an upload of this agency actually brought in to its day's total. */
  chargeUploadedBytes(organId: string, bytes: number): Promise<void>;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Vietnam keeps UTC+7 all year: its calendar day starts at 17:00 UTC. */
const VIETNAM_OFFSET_MS = 7 * 3_600_000;

/** INCR with the window's expiry set by the first request of the window. */
const COUNT_REQUEST = `local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n`;
/** INCRBY with an expiry that outlives the day. */
const ADD_BYTES = `local n = redis.call('INCRBY', KEYS[1], ARGV[1]) if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return n`;
const READ_BYTES = `return tonumber(redis.call('GET', KEYS[1]) or '0')`;

function retryAfter(windowEndMs: number, nowMs: number): number {
  return Math.max(1, Math.ceil((windowEndMs - nowMs) / 1000));
}

export function createAgencyRateLimit(options: AgencyRateLimitOptions): AgencyRateLimit {
  const now = options.now ?? Date.now;
  const dayOf = (ms: number): number => Math.floor((ms + VIETNAM_OFFSET_MS) / DAY_MS);
  const bytesKey = (organId: string, day: number): string => `${options.keyPrefix}rate:bytes:${organId}:${day}`;

  async function check(organId: string, declaredBytes: number): Promise<void> {
    const at = now();
    if (options.requestsPerMinute > 0) {
      const window = Math.floor(at / MINUTE_MS);
      const count = Number(await options.redis.eval(COUNT_REQUEST, 1, `${options.keyPrefix}rate:req:${organId}:${window}`, MINUTE_MS));
      if (count > options.requestsPerMinute) {
        options.onLimited?.('requests');
        throw new HttpError(429, 'RATE_LIMITED', `Agency ${organId} has sent more than ${options.requestsPerMinute} requests this minute: wait and send again (Retry-After).`,
          { limit: options.requestsPerMinute }, { retryAfterSeconds: retryAfter((window + 1) * MINUTE_MS, at) });
      }
    }
    if (options.dailyBytes > 0 && declaredBytes >= 0) {
      const day = dayOf(at);
      const used = Number(await options.redis.eval(READ_BYTES, 1, bytesKey(organId, day)));
      if (used >= options.dailyBytes || used + declaredBytes > options.dailyBytes) {
        options.onLimited?.('bytes');
        throw new HttpError(429, 'RATE_QUOTA_EXCEEDED', `Agency ${organId} has sent ${used} bytes today; this upload would pass its daily quota of ${options.dailyBytes} bytes: send it after midnight (Asia/Ho_Chi_Minh) or ask the operator.`,
          { limit: options.dailyBytes }, { retryAfterSeconds: retryAfter((day + 1) * DAY_MS - VIETNAM_OFFSET_MS, at) });
      }
    }
  }

  return {
    middleware(organIdOf) {
      return (req: Request, res: Response, next: NextFunction) => {
        const organId = organIdOf(res);
        if (organId === undefined) return next();
        const length = req.get('content-length');
        // A chunked body is checked against what is left of the day (0), and charged once received.
        const declared = length !== undefined && /^\d{1,15}$/.test(length) ? Number(length) : 0;
        check(organId, declared).then(() => next(), (error: unknown) => {
          if (error instanceof HttpError) return next(error);
          logFor(req)?.warn({ err: error, organId }, 'the per-agency rate limit could not be checked (Redis): the request goes on');
          next();
        });
      };
    },
    async chargeUploadedBytes(organId, bytes) {
      if (options.dailyBytes <= 0 || bytes <= 0) return;
      await options.redis.eval(ADD_BYTES, 1, bytesKey(organId, dayOf(now())), bytes, 2 * DAY_MS);
    },
  };
}
