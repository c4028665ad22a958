/**
 * EVIDENCE_FAIL_CLOSED as the exchange's EvidenceGate port: while the evidence monitor (read from the store, so it
 * sees the maintenance worker's checkpoints from any process) says degraded, new packages are refused, asked to come
 * back after one checkpoint period. Without the option there is no gate.
 */
import type { LedgerSettings } from '../config/config.js';
import type { EvidenceGate } from '../exchange/ports/index.js';
import type { EvidenceMonitor } from '../ledger/index.js';

export function evidenceGate(monitor: EvidenceMonitor, settings: Pick<LedgerSettings, 'failClosed' | 'checkpointEveryMs'>): EvidenceGate | undefined {
  if (!settings.failClosed) return undefined;
  const retryAfterSeconds = Math.max(1, Math.ceil(settings.checkpointEveryMs / 1000));
  return {
    async refusal() {
      const status = await monitor.status();
      if (status.state !== 'degraded') return undefined;
      return {
        message: `The axis cannot time-stamp its receipts at the moment (${status.reason?.en ?? 'evidence degraded'}), so it takes in no new package it could not later prove: nothing was recorded. Send the package again later.`,
        retryAfterSeconds,
      };
    },
  };
}
