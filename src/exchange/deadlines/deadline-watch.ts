/**
 * The maintenance task that watches the time limits: every overdue delivery gets one reminder, and one escalation once
 * its escalation time passes. "Once" holds across processes and runs: `firstTime` remembers each alert (Redis SET NX
 * in the composition), so several maintenance workers, or a run after a restart, never repeat one.
 */
import { listDeadlines } from './delivery-deadlines.js';
import type { DeadlineAlertLevel, DeadlineAlerter, DeadlineObserver } from './deadline-alert.js';
import type { WatchContext } from './watched-deliveries.js';

export interface DeadlineWatchDeps extends WatchContext {
  watchDays: number;
  now: () => Date;
  /** True the first time a key is seen (within `ttlSeconds`), false after. */
  firstTime(key: string, ttlSeconds: number): Promise<boolean>;
  alert: DeadlineAlerter;
  observer?: DeadlineObserver;
}

export interface DeadlineWatchRun {
  overdue: number;
  reminded: number;
  escalated: number;
}

export async function watchDeadlines(deps: DeadlineWatchDeps): Promise<DeadlineWatchRun> {
  const now = deps.now();
  const { items } = await listDeadlines(deps, { state: 'overdue', now, watchDays: deps.watchDays });
  deps.observer?.overdue(items.length);
  // Remembered a little longer than the watch looks back, so an alert is never raised again for the same delivery.
  const ttlSeconds = (deps.watchDays + 2) * 86_400;
  const run: DeadlineWatchRun = { overdue: items.length, reminded: 0, escalated: 0 };
  const raise = async (level: DeadlineAlertLevel, item: (typeof items)[number]): Promise<boolean> => {
    if (!(await deps.firstTime(`deadline:${level}:${item.deliveryId}`, ttlSeconds))) return false;
    deps.alert({ level, item, at: now.toISOString() });
    return true;
  };
  for (const item of items) {
    if (await raise('reminder', item)) run.reminded += 1;
    if (item.escalated && (await raise('escalation', item))) run.escalated += 1;
  }
  return run;
}
