/**
 * Every dead letter raises an alert: a counter (Prometheus alerting rules fire on it), an error log line an operator
 * can grep, and, when configured, a JSON POST to an alerting webhook (best effort: a webhook that is down never
 * blocks or fails a delivery).
 */
import type { DeliveryLogger, DeliveryObserver } from './delivery-observer.js';

export interface DeadLetterAlert {
  deliveryId: string;
  envelopeId: string;
  recipientOrganId: string;
  /** permanent-failure | retries-exhausted | recipient-unknown | package-missing | endpoint-invalid */
  reason: string;
  attempts: number;
  lastError: string;
  at: string;
}

export type DeadLetterAlerter = (alert: DeadLetterAlert) => void;

export function createDeadLetterAlerter(options: {
  logger: DeliveryLogger;
  observer: DeliveryObserver;
  webhookUrl?: string;
  webhookTimeoutMs?: number;
}): DeadLetterAlerter {
  return (alert) => {
    options.observer.deadLetter(alert.reason);
    options.logger.error({ alert: 'dead-letter', ...alert }, `delivery ${alert.deliveryId} to ${alert.recipientOrganId} is dead-lettered (${alert.reason}): ${alert.lastError}. Fix the cause, then: edx admin replay ${alert.deliveryId}`);
    const url = options.webhookUrl;
    if (!url) return;
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'edx.delivery.dead-letter', ...alert }),
      signal: AbortSignal.timeout(options.webhookTimeoutMs ?? 5000),
    }).then(
      async (res) => {
        await res.body?.cancel();
        if (!res.ok) options.logger.warn({ status: res.status, deliveryId: alert.deliveryId }, 'dead-letter webhook answered with an error');
      },
      (error: Error) => options.logger.warn({ err: error.message, deliveryId: alert.deliveryId }, 'dead-letter webhook not reachable'),
    );
  };
}
