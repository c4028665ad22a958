/**
 * Evidence health as a process sees it, read from the store (so the gateway sees what the maintenance worker did in
 * another process): the chain's length, the latest checkpoints, and when the oldest receipt no time-stamp
 * covers was sealed. Asked on every package when EVIDENCE_FAIL_CLOSED is on, so an answer is reused for `maxAgeMs`
 * (one read of three small queries a second at most, however many packages arrive); concurrent askers share one read.
 */
import type { LedgerStore } from '../ledger-store.js';
import { evidenceHealth, type EvidenceHealth } from './evidence-health.js';

export interface EvidenceStatus extends EvidenceHealth {
  chainLength: number;
  /** treeSize of the latest time-stamped checkpoint (0 when none). */
  timestampedSize: number;
  /** When the TSA vouched for it. */
  timestampedAt?: string;
  /** treeSize of the latest checkpoint, time-stamped or not (0 when none). */
  checkpointSize: number;
  checkedAt: Date;
}

export interface EvidenceMonitorOptions {
  ledger: Pick<LedgerStore, 'chainLength' | 'latestCheckpoint' | 'latestTimestampedCheckpoint' | 'receiptBySeq'>;
  /** EVIDENCE_MAX_UNTIMESTAMPED_MS. */
  maxUntimestampedMs: number;
  /** How long an answer is reused (default 1 s). */
  maxAgeMs?: number;
  now?: () => Date;
}

export interface EvidenceMonitor {
  /** The current status, read again once the last read is older than maxAgeMs. */
  status(): Promise<EvidenceStatus>;
  /** Reads the store now. */
  refresh(): Promise<EvidenceStatus>;
}

export function createEvidenceMonitor(options: EvidenceMonitorOptions): EvidenceMonitor {
  const { ledger } = options;
  const now = options.now ?? (() => new Date());
  const maxAgeMs = options.maxAgeMs ?? 1000;
  let last: EvidenceStatus | undefined;
  let reading: Promise<EvidenceStatus> | undefined;

  const read = async (): Promise<EvidenceStatus> => {
    const [chainLength, latest, stamped] = await Promise.all([ledger.chainLength(), ledger.latestCheckpoint(), ledger.latestTimestampedCheckpoint()]);
    const timestampedSize = Math.min(stamped?.treeSize ?? 0, chainLength);
    const oldest = chainLength > timestampedSize ? await ledger.receiptBySeq(timestampedSize + 1) : undefined;
    const checkedAt = now();
    const health = evidenceHealth({
      chainLength, timestampedSize, now: checkedAt, maxUntimestampedMs: options.maxUntimestampedMs,
      ...(oldest ? { oldestUncoveredAt: new Date(oldest.at) } : {}),
    });
    return {
      ...health, chainLength, timestampedSize, checkpointSize: latest?.treeSize ?? 0, checkedAt,
      ...(stamped?.timestampedAt ? { timestampedAt: stamped.timestampedAt } : {}),
    };
  };

  const refresh = (): Promise<EvidenceStatus> => {
    reading ??= read().then((status) => {
      last = status;
      return status;
    }).finally(() => {
      reading = undefined;
    });
    return reading;
  };

  return {
    refresh,
    async status() {
      if (last && now().getTime() - last.checkedAt.getTime() < maxAgeMs) return last;
      return refresh();
    },
  };
}
