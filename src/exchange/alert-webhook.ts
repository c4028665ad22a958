/**
 * The operators' alerting webhook (DEAD_LETTER_WEBHOOK_URL): a JSON POST, best effort. A webhook that is down or slow
 * never blocks or fails what raised the alert; its failure is a warning in the log.
 */
export interface AlertLogger {
  warn(details: object, message: string): void;
}

export function postAlert(url: string, body: Record<string, unknown>, options: { logger: AlertLogger; timeoutMs?: number; about: Record<string, unknown> }): void {
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
  }).then(
    async (res) => {
      await res.body?.cancel();
      if (!res.ok) options.logger.warn({ status: res.status, ...options.about }, 'alert webhook answered with an error');
    },
    (error: Error) => options.logger.warn({ err: error.message, ...options.about }, 'alert webhook not reachable'),
  );
}
