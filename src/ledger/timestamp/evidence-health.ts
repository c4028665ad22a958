/**
 * Whether the axis can still keep evidence (X-Road's message log stops taking messages when it cannot time-stamp):
 * degraded once a receipt has waited longer than the allowed time for a time-stamped checkpoint to cover it. Idle
 * hours with nothing new to stamp are healthy. /readyz, the metric, the alert and EVIDENCE_FAIL_CLOSED read this.
 */
export interface EvidenceHealthInput {
  /** The chain's length now. */
  chainLength: number;
  /** treeSize of the latest time-stamped checkpoint (0 when none). */
  timestampedSize: number;
  /** When the oldest receipt not yet covered was sealed (its `at`): receipt #timestampedSize + 1. */
  oldestUncoveredAt?: Date;
  now: Date;
  /** EVIDENCE_MAX_UNTIMESTAMPED_MS. */
  maxUntimestampedMs: number;
}

export interface EvidenceHealth {
  state: 'ok' | 'degraded';
  /** Receipts not covered by a time-stamped checkpoint (the metric edx_evidence_untimestamped_receipts). */
  uncoveredReceipts: number;
  /** How long the oldest of them has waited, in ms (the metric edx_evidence_untimestamped_age_seconds * 1000). */
  oldestUncoveredAgeMs: number;
  reason?: { vi: string; en: string };
}

export function evidenceHealth(input: EvidenceHealthInput): EvidenceHealth {
  const uncoveredReceipts = Math.max(0, input.chainLength - input.timestampedSize);
  const age = uncoveredReceipts > 0 && input.oldestUncoveredAt ? Math.max(0, input.now.getTime() - input.oldestUncoveredAt.getTime()) : 0;
  if (uncoveredReceipts === 0 || age <= input.maxUntimestampedMs) return { state: 'ok', uncoveredReceipts, oldestUncoveredAgeMs: age };
  const minutes = Math.round(age / 60_000);
  return {
    state: 'degraded',
    uncoveredReceipts,
    oldestUncoveredAgeMs: age,
    reason: {
      vi: `${uncoveredReceipts} biên nhận chưa được đóng dấu thời gian; biên nhận cũ nhất đã chờ ${minutes} phút (giới hạn ${Math.round(input.maxUntimestampedMs / 60_000)} phút).`,
      en: `${uncoveredReceipts} receipt(s) are not covered by a time-stamped checkpoint; the oldest has waited ${minutes} min (limit ${Math.round(input.maxUntimestampedMs / 60_000)} min).`,
    },
  };
}
