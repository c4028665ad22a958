/**
 * The maintenance worker's ledger hooks, composed (docs/evidence.md, "Wiring"): the checkpointer over the store's log
 * (leaves by seq, checkpoints, the persistent subtree cache), signed with the axis identity and time-stamped by the
 * configured TSA, every CHECKPOINT_EVERY_MS and, with CHECKPOINT_EVERY_RECEIPTS, as soon as that many receipts wait.
 * After each run it reads evidence health from the store and alerts when it turns degraded (and when it recovers).
 */
import type { AxisConfig } from '../config/config.js';
import { createEvidenceAlerter } from '../exchange/evidence/evidence-alert.js';
import type { ExchangeLogger } from '../exchange/exchange-deps.js';
import type { Store } from '../exchange/ports/index.js';
import { createCheckpointSigner, createEvidenceMonitor, createLedgerCheckpointer, receiptLeafSource, type AxisIdentity, type CheckpointRun } from '../ledger/index.js';
import type { AxisMetrics } from '../observability/metrics.js';
import type { MaintenanceHooks } from '../../workers/maintenance-worker.js';
import { openTimestampAuthority } from './timestamp-authority.js';

export interface LedgerCheckpointing {
  hooks: Pick<MaintenanceHooks, 'checkpointLedger' | 'ledgerCheckpointDue'>;
  /** CHECKPOINT_EVERY_MS: the maintenance schedule's ledgerCheckpointEveryMs. */
  everyMs: number;
  close(): Promise<void>;
}

export interface LedgerCheckpointingInput {
  config: Pick<AxisConfig, 'dataDir' | 'ledger' | 'axisP12' | 'workers'>;
  store: Store;
  identity: AxisIdentity;
  logger: ExchangeLogger;
  metrics?: Pick<AxisMetrics, 'ledgerCheckpointRun'>;
}

export async function openLedgerCheckpointing(input: LedgerCheckpointingInput): Promise<LedgerCheckpointing> {
  const { config, store, logger } = input;
  const settings = config.ledger;
  const tsa = await openTimestampAuthority(config, (message) => logger.warn({}, message));
  const checkpointer = createLedgerCheckpointer({
    leaves: receiptLeafSource(store.ledger),
    checkpoints: store.ledger,
    signer: createCheckpointSigner({ origin: settings.origin, identity: input.identity }),
    ...(tsa.authority ? { timestamps: tsa.authority } : {}),
    cache: store.ledger.subtrees,
  });
  const monitor = createEvidenceMonitor({ ledger: store.ledger, maxUntimestampedMs: settings.maxUntimestampedMs, maxAgeMs: 0 });
  const alert = createEvidenceAlerter({ logger, webhookUrl: config.workers.alertWebhookUrl });
  let degraded = false;
  let lastError: CheckpointRun['timestampError'];

  const checkpointLedger = async (): Promise<CheckpointRun & { evidence: 'ok' | 'degraded' }> => {
    const run = await checkpointer.run();
    input.metrics?.ledgerCheckpointRun(run);
    if (run.timestampError) {
      lastError = run.timestampError;
      logger.warn({ treeSize: run.treeSize, code: run.timestampError.code, err: run.timestampError.message }, 'ledger checkpoint kept without a time-stamp; the next run tries again');
    } else if (run.outcome === 'created') {
      logger.info({ treeSize: run.treeSize, newReceipts: run.newReceipts, timestamped: run.timestamped }, 'ledger checkpoint');
    }
    const status = await monitor.refresh();
    const nowDegraded = status.state === 'degraded';
    if (nowDegraded !== degraded) {
      alert({
        state: nowDegraded ? 'degraded' : 'recovered', uncoveredReceipts: status.uncoveredReceipts, oldestUncoveredAgeSeconds: status.oldestUncoveredAgeMs / 1000,
        ...(nowDegraded && lastError ? { lastError } : {}), at: status.checkedAt.toISOString(),
      });
    }
    degraded = nowDegraded;
    return { ...run, evidence: status.state };
  };

  const every = settings.checkpointEveryReceipts;
  const ledgerCheckpointDue = every === undefined ? undefined : async (): Promise<boolean> => {
    const [length, latest] = await Promise.all([store.ledger.chainLength(), store.ledger.latestCheckpoint()]);
    return length - (latest?.treeSize ?? 0) >= every;
  };
  return {
    hooks: { checkpointLedger, ...(ledgerCheckpointDue ? { ledgerCheckpointDue } : {}) },
    everyMs: settings.checkpointEveryMs,
    close: () => tsa.close(),
  };
}
