/**
 * `edx ledger verify`: audits the receipt log on the same store as the server (DATA_DIR / MONGODB_URL, like `edx
 * admin`), trusting nothing the store says about itself: every receipt's hash and signature, the chain's links, the
 * tree at every checkpoint (root, both signature lines, time-stamp token), and every stored package against the digest
 * its accepted receipt names. Exit 0 when all holds; 1 with the first receipt, checkpoint or package that does not
 * (by id and seq); 2 when it could not run. The report is JSON on stdout, progress and the verdict on stderr.
 */
import { createHash } from 'node:crypto';
import type { Command } from 'commander';
import { loadConfig, type AxisConfig } from '../../config/config.js';
import { isAxisError } from '../../errors/axis-error.js';
import type { Store } from '../../exchange/ports/index.js';
import { auditLedger, checkpointBatches, deriveNoteKey, identityHistoryDir, loadTrustAnchors, readAxisIdentityHistory, receiptBatches, type LedgerAudit } from '../../ledger/index.js';
import { openAxisServices, type AxisServices } from '../../main/axis-services.js';
import { axisTrustAnchorsDir } from '../../main/ledger-evidence-services.js';
import { tsaTrustAnchorsDir } from '../../main/timestamp-authority.js';

export interface LedgerVerifyOptions {
  /** Roots of the axis certificate (default: DATA_DIR/axis/trust for the development identity, else TRUST_ANCHORS_DIR). */
  trust?: string;
  /** Roots of the TSA (default: TSA_TRUST_ANCHORS_DIR, else the development trust directory). */
  tsaTrust?: string;
  batchSize?: number;
  progress?: (line: string) => void;
}

/** SHA-256 of a stored package, streamed; undefined when retention removed its bytes. */
async function packageDigestOf(store: Store, envelopeId: string): Promise<string | undefined> {
  const envelope = await store.getEnvelope(envelopeId);
  if (!envelope || !(await store.blobs.has(envelope.sha256))) return undefined;
  const hash = createHash('sha256');
  for await (const chunk of await store.blobs.openRead(envelope.sha256)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function describeFailure(audit: LedgerAudit): string {
  const f = audit.failure;
  if (!f) return `intact: ${audit.receipts} receipts, ${audit.checkpoints} checkpoints, ${audit.packages} packages (${audit.packagesRemoved} removed by retention)`;
  const where = f.kind === 'receipt' ? `receipt ${f.receiptId ?? '?'} (#${f.seq ?? '?'})`
    : f.kind === 'package' ? `package of envelope ${f.envelopeId ?? '?'} (receipt ${f.receiptId ?? '?'}, #${f.seq ?? '?'})`
    : `checkpoint of ${f.treeSize ?? '?'} receipts`;
  return `NOT INTACT: ${where}: ${f.code}: ${f.message}`;
}

export async function runLedgerVerify(services: Pick<AxisServices, 'store' | 'identity'>, config: Pick<AxisConfig, 'axisP12' | 'trustAnchorsDir' | 'dataDir' | 'ledger'>, options: LedgerVerifyOptions = {}): Promise<LedgerAudit> {
  const trustDir = options.trust ?? axisTrustAnchorsDir(config);
  const [trustAnchors, tsaTrustAnchors] = await Promise.all([loadTrustAnchors(trustDir), loadTrustAnchors(options.tsaTrust ?? tsaTrustAnchorsDir(config))]);
  const { store, identity } = services;
  // Receipts and checkpoints sealed before a change of AXIS_P12 verify with the identity that signed them (its public
  // chain is kept in the identity history); its note key is gone with its private key, so its checkpoints are
  // checked by their X.509 line.
  const earlier = (await readAxisIdentityHistory(identityHistoryDir(config.dataDir))).filter((e) => e.fingerprint !== identity.fingerprint);
  let lastReport = Date.now();
  return auditLedger({
    receipts: receiptBatches(store.ledger, options.batchSize ?? 1000),
    checkpoints: checkpointBatches(store.ledger),
    origin: config.ledger.origin,
    certificates: [...identity.chainDer, ...earlier.flatMap((e) => e.chainDer)],
    trustAnchors,
    tsaTrustAnchors,
    noteVerifierKeys: [deriveNoteKey(config.ledger.origin, identity.privateKey).verifierKey],
    packageDigest: (envelopeId) => packageDigestOf(store, envelopeId),
    onProgress: (receipts) => {
      if (Date.now() - lastReport < 1000) return;
      lastReport = Date.now();
      options.progress?.(`edx: ledger verify: ${receipts} receipts checked so far`);
    },
  });
}

export function registerLedgerCommands(program: Command): void {
  const ledger = program.command('ledger').description('The receipt log: audit it on the store');
  ledger
    .command('verify')
    .option('--trust <dir>', 'trust anchors of the axis certificate (default: DATA_DIR/axis/trust for a development axis, else TRUST_ANCHORS_DIR)')
    .option('--tsa-trust <dir>', 'trust anchors of the time-stamping authority (default: TSA_TRUST_ANCHORS_DIR, else DATA_DIR/axis/trust)')
    .description('Recompute every receipt, the chain, the tree, every checkpoint and its time-stamp, and every stored package. Exit 0 intact, 1 not intact (names the first), 2 could not run')
    .action(async (opts: { trust?: string; tsaTrust?: string }) => {
      let services: AxisServices | undefined;
      try {
        const config = loadConfig();
        services = await openAxisServices(config);
        const audit = await runLedgerVerify(services, config, { ...opts, progress: (line) => process.stderr.write(`${line}\n`) });
        process.stdout.write(JSON.stringify(audit, null, 2) + '\n');
        process.stderr.write(`edx: ${describeFailure(audit)}\n`);
        process.exitCode = audit.ok ? 0 : 1;
      } catch (error) {
        process.stderr.write(isAxisError(error) ? `edx: could not verify the ledger: ${error.code}: ${error.message}\n` : `edx: could not verify the ledger: ${(error as Error).message}\n`);
        process.exitCode = 2;
      } finally {
        await services?.store.close();
      }
    });
}
