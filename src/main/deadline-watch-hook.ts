/**
 * The maintenance worker's Decree 30 watch, composed: the watch over the store and the working calendar, each alert
 * remembered in Redis (SET NX, so one reminder and one escalation per delivery across every worker process), raised
 * as a metric, a log line and the alerting webhook.
 */
import type { Redis } from 'ioredis';
import type { WorkingCalendar } from '../calendar/index.js';
import { createDeadlineAlerter, type DeadlineObserver } from '../exchange/deadlines/deadline-alert.js';
import { watchDeadlines, type DeadlineWatchRun } from '../exchange/deadlines/deadline-watch.js';
import type { DeadlineRules } from '../exchange/deadlines/status-deadline.js';
import type { DeliveryLogger } from '../exchange/delivery/delivery-observer.js';
import type { Store } from '../exchange/ports/index.js';

export interface DeadlineWatchSettings {
  calendar: WorkingCalendar;
  rules: DeadlineRules;
  watchDays: number;
  checkEveryMs: number;
}

export function deadlineWatchHook(input: {
  store: Store;
  redis: Redis;
  prefix: string;
  logger: DeliveryLogger;
  observer: DeadlineObserver;
  settings: DeadlineWatchSettings;
  webhookUrl?: string;
  now?: () => Date;
}): () => Promise<DeadlineWatchRun> {
  const alert = createDeadlineAlerter({ logger: input.logger, observer: input.observer, ...(input.webhookUrl ? { webhookUrl: input.webhookUrl } : {}) });
  return () => watchDeadlines({
    store: input.store,
    calendar: input.settings.calendar,
    rules: input.settings.rules,
    watchDays: input.settings.watchDays,
    now: input.now ?? (() => new Date()),
    observer: input.observer,
    alert,
    firstTime: async (key, ttlSeconds) => (await input.redis.set(`${input.prefix}:${key}`, '1', 'EX', ttlSeconds, 'NX')) === 'OK',
  });
}
