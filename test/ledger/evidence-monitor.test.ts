/**
 * The evidence monitor (src/ledger/timestamp/evidence-monitor.ts): health read from a log's storage, reused for
 * maxAgeMs and read once for concurrent askers; degraded once the oldest receipt no time-stamp covers has waited too
 * long, healthy again once a stamped checkpoint covers it.
 */
import { describe, expect, it } from 'vitest';
import { createEvidenceMonitor, type CheckpointRecord, type LedgerStore } from '../../src/ledger/index.js';
import type { ReceiptRecord } from '../../src/exchange/model/index.js';

function fakeLog() {
  const log = {
    receipts: [] as { seq: number; at: string }[],
    checkpoints: [] as CheckpointRecord[],
    reads: 0,
  };
  const ledger: Pick<LedgerStore, 'chainLength' | 'latestCheckpoint' | 'latestTimestampedCheckpoint' | 'receiptBySeq'> = {
    async chainLength() {
      log.reads += 1;
      return log.receipts.length;
    },
    latestCheckpoint: async () => log.checkpoints.at(-1),
    latestTimestampedCheckpoint: async () => log.checkpoints.filter((c) => c.timestampToken).at(-1),
    receiptBySeq: async (seq) => log.receipts.find((r) => r.seq === seq) as ReceiptRecord | undefined,
  };
  const checkpoint = (treeSize: number, stamped: boolean): CheckpointRecord => ({
    treeSize, rootHash: '', note: '', createdAt: '', frontier: { size: treeSize, hashes: [] },
    ...(stamped ? { timestampToken: 'dG9rZW4=', timestampedAt: '2026-01-01T00:00:00.000Z' } : {}),
  });
  return { log, ledger, checkpoint };
}

describe('evidence monitor', () => {
  it('is degraded once the oldest uncovered receipt waited past the limit, ok again once a stamped checkpoint covers it', async () => {
    const { log, ledger, checkpoint } = fakeLog();
    let now = Date.parse('2026-01-01T00:10:00Z');
    const monitor = createEvidenceMonitor({ ledger, maxUntimestampedMs: 60_000, maxAgeMs: 0, now: () => new Date(now) });
    expect(await monitor.status()).toMatchObject({ state: 'ok', chainLength: 0, uncoveredReceipts: 0, checkpointSize: 0 });

    log.receipts.push({ seq: 1, at: '2026-01-01T00:10:00Z' }, { seq: 2, at: '2026-01-01T00:10:30Z' });
    log.checkpoints.push(checkpoint(1, true));
    now += 60_000;
    expect(await monitor.status()).toMatchObject({ state: 'ok', uncoveredReceipts: 1, oldestUncoveredAgeMs: 30_000, timestampedSize: 1 });
    log.checkpoints.push(checkpoint(2, false));
    now += 31_000;
    const degraded = await monitor.status();
    expect(degraded).toMatchObject({ state: 'degraded', uncoveredReceipts: 1, oldestUncoveredAgeMs: 61_000, timestampedSize: 1, checkpointSize: 2 });
    expect(degraded.reason?.vi).toMatch(/^1 biên nhận chưa được đóng dấu thời gian/);

    log.checkpoints[1] = checkpoint(2, true);
    expect(await monitor.status()).toMatchObject({ state: 'ok', uncoveredReceipts: 0, timestampedSize: 2 });
  });

  it('reuses an answer for maxAgeMs and reads once for askers at the same moment', async () => {
    const { log, ledger } = fakeLog();
    let now = 0;
    const monitor = createEvidenceMonitor({ ledger, maxUntimestampedMs: 1000, maxAgeMs: 1000, now: () => new Date(now) });
    await Promise.all([monitor.status(), monitor.status(), monitor.status()]);
    expect(log.reads).toBe(1);
    now = 999;
    await monitor.status();
    expect(log.reads).toBe(1);
    now = 1000;
    await monitor.status();
    expect(log.reads).toBe(2);
    await monitor.refresh();
    expect(log.reads).toBe(3);
  });
});
