/**
 * The workers' own settings for a process started from workers/*.ts (delivery policy, schedule, prefix). Parsed
 * from the environment passed in by the entry point; the gateway's AxisConfig stays the source of everything else.
 */
import { z } from 'zod';
import { ConfigError } from '../src/config/config.js';
import { DEFAULT_DELIVERY_POLICY } from '../src/exchange/delivery/delivery-policy.js';
import type { WorkerSettings } from './index.js';

const ms = z.coerce.number().int().positive();
const schema = z.object({
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]+$/).optional(),
  DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).optional(),
  DELIVERY_BASE_DELAY_MS: ms.optional(),
  DELIVERY_MAX_DELAY_MS: ms.optional(),
  DELIVERY_MIN_DELAY_MS: z.coerce.number().int().min(0).optional(),
  DELIVERY_CONNECT_TIMEOUT_MS: ms.optional(),
  DELIVERY_RESPONSE_TIMEOUT_MS: ms.optional(),
  DELIVERY_RECIPIENT_CONCURRENCY: z.coerce.number().int().min(1).optional(),
  DELIVERY_RECIPIENT_RATE: z.coerce.number().int().min(0).optional(),
  DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(1000).optional(),
  WORKER_LOCK_MS: ms.optional(),
  WORKER_STALLED_INTERVAL_MS: ms.optional(),
  SWEEP_EVERY_MS: ms.optional(),
  RETENTION_DAYS: z.coerce.number().int().min(1).optional(),
  DEAD_LETTER_WEBHOOK_URL: z.string().url().optional(),
});

export type { WorkerSettings };

export function workerSettingsFromEnv(env: NodeJS.ProcessEnv): WorkerSettings {
  const raw = Object.fromEntries(Object.keys(schema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(String(issue?.path[0] ?? 'environment'), issue?.message ?? 'is invalid');
  }
  const e = parsed.data;
  const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  const recipient = defined({ concurrency: e.DELIVERY_RECIPIENT_CONCURRENCY, ratePerSecond: e.DELIVERY_RECIPIENT_RATE });
  return {
    ...(e.QUEUE_PREFIX ? { prefix: e.QUEUE_PREFIX } : {}),
    delivery: {
      ...defined({
        maxAttempts: e.DELIVERY_MAX_ATTEMPTS,
        baseDelayMs: e.DELIVERY_BASE_DELAY_MS,
        maxDelayMs: e.DELIVERY_MAX_DELAY_MS,
        minDelayMs: e.DELIVERY_MIN_DELAY_MS,
        connectTimeoutMs: e.DELIVERY_CONNECT_TIMEOUT_MS,
        responseTimeoutMs: e.DELIVERY_RESPONSE_TIMEOUT_MS,
      }),
      ...(Object.keys(recipient).length > 0 ? { recipient: { ...DEFAULT_DELIVERY_POLICY.recipient, ...recipient } } : {}),
    },
    ...defined({ concurrency: e.DELIVERY_CONCURRENCY, lockDurationMs: e.WORKER_LOCK_MS, stalledIntervalMs: e.WORKER_STALLED_INTERVAL_MS, alertWebhookUrl: e.DEAD_LETTER_WEBHOOK_URL }),
    ...(e.SWEEP_EVERY_MS ? { schedule: { sweepEveryMs: e.SWEEP_EVERY_MS } } : {}),
    ...(e.RETENTION_DAYS ? { retention: { keepRawPackagesDays: e.RETENTION_DAYS } } : {}),
  };
}
