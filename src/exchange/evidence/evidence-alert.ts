/**
 * Evidence that cannot be kept raises an alert, as a dead letter does: an error log line an operator can grep, the
 * edx_evidence_degraded gauge (Prometheus alerting rules fire on it), and, when configured, a JSON POST to the same
 * alerting webhook as dead letters (DEAD_LETTER_WEBHOOK_URL; best effort, never blocking the checkpoint). Raised when
 * evidence turns degraded, and once more when it recovers.
 */
import type { ExchangeLogger } from '../exchange-deps.js';

export interface EvidenceAlert {
  state: 'degraded' | 'recovered';
  /** Receipts no time-stamped checkpoint covers. */
  uncoveredReceipts: number;
  /** How long the oldest of them has waited, seconds. */
  oldestUncoveredAgeSeconds: number;
  /** Why the last time-stamp failed (LEDGER_TSA_*), when it did. */
  lastError?: { code: string; message: string };
  at: string;
}

export type EvidenceAlerter = (alert: EvidenceAlert) => void;

export function createEvidenceAlerter(options: { logger: ExchangeLogger; webhookUrl?: string | undefined; webhookTimeoutMs?: number }): EvidenceAlerter {
  return (alert) => {
    if (alert.state === 'degraded') {
      const why = alert.lastError ? ` (${alert.lastError.code}: ${alert.lastError.message})` : '';
      options.logger.error({ alert: 'evidence-degraded', ...alert }, `evidence degraded: ${alert.uncoveredReceipts} receipt(s) have waited ${Math.round(alert.oldestUncoveredAgeSeconds)} s for a time-stamped checkpoint${why}. Check TSA_URL and the time-stamping authority; with EVIDENCE_FAIL_CLOSED=true new packages are refused until it recovers`);
    } else {
      options.logger.info({ alert: 'evidence-recovered', ...alert }, 'evidence recovered: every receipt is covered by a time-stamped checkpoint again');
    }
    const url = options.webhookUrl;
    if (!url) return;
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: `edx.evidence.${alert.state}`, ...alert }),
      signal: AbortSignal.timeout(options.webhookTimeoutMs ?? 5000),
    }).then(
      async (res) => {
        await res.body?.cancel();
        if (!res.ok) options.logger.warn({ status: res.status }, 'evidence alert webhook answered with an error');
      },
      (error: Error) => options.logger.warn({ err: error.message }, 'evidence alert webhook not reachable'),
    );
  };
}
