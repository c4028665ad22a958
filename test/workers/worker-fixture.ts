/** Workers started in the test process with short delays and a prefix of their own, and a log that tests can read. */
import { startWorkers, type RunningWorkers, type StartWorkersOptions } from '../../src/main/start-workers.js';
import { createMetrics, type AxisMetrics } from '../../src/observability/metrics.js';
import type { DeliveryPolicy } from '../../src/exchange/delivery/delivery-policy.js';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../delivery/redis-fixture.js';
import type { TestAxis } from '../delivery/harness.js';
import { LOOPBACK_PUSH_RULES } from '../support/loopback-push.js';

export interface LogLine { level: 'info' | 'warn' | 'error'; details: Record<string, unknown>; message: string }

export function memoryLogger(): { lines: LogLine[]; info(d: Record<string, unknown>, m: string): void; warn(d: Record<string, unknown>, m: string): void; error(d: Record<string, unknown>, m: string): void } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (details, message) => void lines.push({ level: 'info', details, message }),
    warn: (details, message) => void lines.push({ level: 'warn', details, message }),
    error: (details, message) => void lines.push({ level: 'error', details, message }),
  };
}

/** Delays in milliseconds instead of minutes: the same rules, run fast. */
export const FAST_POLICY: Partial<DeliveryPolicy> = {
  maxAttempts: 6,
  baseDelayMs: 40,
  maxDelayMs: 300,
  minDelayMs: 10,
  maxRetryAfterMs: 5000,
  connectTimeoutMs: 500,
  responseTimeoutMs: 400,
};

export interface TestWorkers extends RunningWorkers {
  prefix: string;
  metrics: AxisMetrics;
  log: ReturnType<typeof memoryLogger>;
  dispose(): Promise<void>;
}

export async function startTestWorkers(axis: TestAxis, options: Partial<StartWorkersOptions> = {}): Promise<TestWorkers> {
  const prefix = options.prefix ?? uniquePrefix('w');
  const metrics = createMetrics();
  const log = memoryLogger();
  const running = await startWorkers({
    store: axis.store,
    identity: axis.identity,
    redisUrl: REDIS_URL,
    prefix,
    logger: log,
    metrics,
    concurrency: 16,
    lockDurationMs: 3000,
    stalledIntervalMs: 1000,
    schedule: { sweepEveryMs: 500 },
    pushEndpoints: LOOPBACK_PUSH_RULES,
    ...options,
    delivery: { ...FAST_POLICY, ...options.delivery },
  });
  return {
    ...running,
    prefix,
    metrics,
    log,
    async dispose() {
      await running.close(2000);
      await dropPrefix(prefix);
    },
  };
}
