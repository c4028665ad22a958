/**
 * A passed time limit raises a reminder, and an escalation to the operators when the status is still missing after
 * the second period: a counter (Prometheus alerting rules fire on it), a log line an operator can grep, and the
 * alerting webhook when one is configured (the same as for dead letters).
 */
import { postAlert, type AlertLogger } from '../alert-webhook.js';
import type { DeadlineItem } from './delivery-deadlines.js';

export type DeadlineAlertLevel = 'reminder' | 'escalation';

export interface DeadlineAlert {
  level: DeadlineAlertLevel;
  item: DeadlineItem;
  at: string;
}

/** What counts alerts and the overdue deliveries (the axis's metrics implement it). */
export interface DeadlineObserver {
  alert(level: DeadlineAlertLevel): void;
  /** How many deliveries are past their limit now. */
  overdue(count: number): void;
}

export type DeadlineAlerter = (alert: DeadlineAlert) => void;

export function createDeadlineAlerter(options: { logger: AlertLogger & { error(details: object, message: string): void }; observer: DeadlineObserver; webhookUrl?: string }): DeadlineAlerter {
  return ({ level, item, at }) => {
    options.observer.alert(level);
    const what = `${item.documentId} from ${item.sender} to ${item.recipient}`;
    const details = { alert: `deadline-${level}`, deliveryId: item.deliveryId, packageId: item.packageId, documentId: item.documentId, sender: item.sender, recipient: item.recipient, priority: item.priority, dueAt: item.dueAt, escalateAt: item.escalateAt };
    if (level === 'reminder') {
      options.logger.warn(details, `deadline passed: ${what} has no status from its recipient since ${item.dueAt} (Decree 30/2020, Article 20)`);
    } else {
      options.logger.error(details, `deadline escalated: ${what} still has no status from its recipient (due ${item.dueAt}); contact the recipient agency`);
    }
    if (options.webhookUrl) {
      postAlert(options.webhookUrl, { type: level === 'reminder' ? 'edx.deadline.overdue' : 'edx.deadline.escalated', at, ...item }, { logger: options.logger, about: { deliveryId: item.deliveryId } });
    }
  };
}
