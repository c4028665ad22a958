/**
 * `edx evidence export DOCUMENT_ID -o FILE.zip [--from ORGANID]`: a document's evidence bundle from the same store as
 * the server (as an archivist sees it: every package, receipt and proof about the sender's document), written 0600.
 * `edx evidence verify FILE.zip --trust DIR [--json]`: checks a bundle offline and explains the result in plain words
 * (Vietnamese, then English). Exit 0 valid, 1 altered (naming the part), 2 could not check.
 */
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { isAxisError } from '../../errors/axis-error.js';
import { cannotCheck, DEFAULT_ZIP_LIMITS, loadTrustAnchors, verifyEvidenceBundle, type EvidenceVerdict } from '../../ledger/index.js';
import { openAxisServices, type AxisServices } from '../../main/axis-services.js';
import { openLedgerEvidence } from '../../main/ledger-evidence-services.js';

export interface EvidenceVerifyOptions {
  trust: string;
  tsaTrust?: string;
  /** Ed25519 checkpoint verifier keys the reader trusts besides the X.509 line (never the bundle's own copy). */
  noteKey?: string[];
  origin?: string;
}

const EXIT: Record<EvidenceVerdict['result'], 0 | 1 | 2> = { valid: 0, altered: 1, 'could-not-check': 2 };

export async function runEvidenceVerify(file: string, options: EvidenceVerifyOptions): Promise<{ exitCode: 0 | 1 | 2; verdict: EvidenceVerdict }> {
  const cannot = (code: string, en: string): { exitCode: 2; verdict: EvidenceVerdict } => ({ exitCode: 2, verdict: cannotCheck(file, code, en) });
  let zip: Buffer;
  try {
    // The verifier reads the zip in memory: a file larger than everything it may hold is refused unread.
    if ((await stat(file)).size > DEFAULT_ZIP_LIMITS.maxZipBytes) return cannot('EVIDENCE_ZIP_TOO_LARGE', `${file} is larger than an evidence bundle may be.`);
    zip = await readFile(file);
  } catch (error) {
    return cannot('EVIDENCE_FILE_UNREADABLE', `${file} cannot be read: ${(error as Error).message}`);
  }
  let trustAnchors;
  let tsaTrustAnchors;
  try {
    trustAnchors = await loadTrustAnchors(options.trust);
    tsaTrustAnchors = options.tsaTrust ? await loadTrustAnchors(options.tsaTrust) : undefined;
  } catch (error) {
    const why = isAxisError(error) ? `${error.code}: ${error.message}` : (error as Error).message;
    return cannot('EVIDENCE_TRUST_UNREADABLE', `The trust anchors (--trust) cannot be read (${why}).`);
  }
  const verdict = await verifyEvidenceBundle(zip, {
    trustAnchors, ...(tsaTrustAnchors ? { tsaTrustAnchors } : {}), noteVerifierKeys: options.noteKey ?? [], ...(options.origin ? { origin: options.origin } : {}),
  });
  return { exitCode: EXIT[verdict.result], verdict };
}

/** The verdict for a person: the summary, then every part that is not simply valid. */
export function explain(verdict: EvidenceVerdict): string {
  const lines = [verdict.summary.vi, verdict.summary.en, ''];
  const mark: Record<string, string> = { valid: 'OK     ', altered: 'ALTERED', 'could-not-check': 'UNKNOWN', informational: 'INFO   ' };
  for (const p of verdict.parts) lines.push(`${mark[p.status] ?? p.status} ${p.part} (${p.code})`, `        ${p.vi}`, `        ${p.en}`);
  return lines.join('\n') + '\n';
}

export function registerEvidenceCommands(program: Command): void {
  const evidence = program.command('evidence').description('Evidence bundles: the whole proof of one document, checked offline');
  evidence
    .command('export')
    .argument('<documentId>', 'the DocumentId (as in the timeline)')
    .requiredOption('-o, --output <file>', 'where to write the zip (created 0600)')
    .option('--from <organId>', 'the agency that sent the document, when several used this DocumentId')
    .description('Write a document\'s evidence bundle from the store (DATA_DIR / MONGODB_URL, like edx admin)')
    .action(async (documentId: string, opts: { output: string; from?: string }) => {
      let services: AxisServices | undefined;
      try {
        const config = loadConfig();
        services = await openAxisServices(config);
        const bundle = await (await openLedgerEvidence(config, services)).documentEvidence({ documentId, ...(opts.from ? { from: opts.from } : {}) });
        await writeFile(opts.output, bundle.bytes, { mode: 0o600 });
        // An existing file keeps its mode through writeFile: the bundle holds documents, so it is made 0600 either way.
        await chmod(opts.output, 0o600);
        process.stderr.write(`edx: wrote ${opts.output}: ${bundle.receipts} receipts (${bundle.provenReceipts} proven by a time-stamped checkpoint)${bundle.packagesRemoved ? `, ${bundle.packagesRemoved} package(s) removed by retention` : ''}\n`);
      } catch (error) {
        process.stderr.write(isAxisError(error) ? `edx: ${error.code}: ${error.message}\n` : `edx: ${(error as Error).message}\n`);
        process.exitCode = 1;
      } finally {
        await services?.store.close();
      }
    });
  evidence
    .command('verify')
    .argument('<file>', 'an evidence bundle (.zip)')
    .requiredOption('--trust <dir>', 'trust anchors of the axis (and of the TSA, unless --tsa-trust): e.g. DATA_DIR/axis/trust')
    .option('--tsa-trust <dir>', 'trust anchors of the time-stamping authority')
    .option('--note-key <key...>', 'Ed25519 checkpoint verifier keys to trust as well (<name>+<id>+<key>)')
    .option('--origin <origin>', 'the log the checkpoints must come from (default: the one the bundle names)')
    .option('--json', 'the verdict as JSON on stdout')
    .description('Check a bundle offline. Exit 0 valid, 1 altered (names the part), 2 could not check')
    .action(async (file: string, opts: EvidenceVerifyOptions & { json?: boolean }) => {
      const { exitCode, verdict } = await runEvidenceVerify(file, opts);
      process.stdout.write(opts.json ? JSON.stringify(verdict, null, 2) + '\n' : explain(verdict));
      if (opts.json) process.stderr.write(`edx: ${verdict.summary.en}\n`);
      process.exitCode = exitCode;
    });
}
