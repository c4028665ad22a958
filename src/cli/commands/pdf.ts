/**
 * `edx pdf sign` and `edx pdf verify`: PAdES signatures on PDF attachments (docs/pdf-signatures.md). Same contract as
 * `edx sign` / `edx verify` (signature.ts header; the helpers come from there so the two cannot drift apart):
 * - sign writes OUT, prints { ok: true, out, bytes } on stdout, exits 0; when it cannot sign, one JSON line
 *   { ok: false, code, message } on stderr and exit 2 (SIG_P12_PASSWORD_MISSING, SIG_P12_PASSWORD, ...);
 * - verify always prints a report { valid, code, message, warnings, ... } on stdout, even when it could not start
 *   (unreadable input, trust directory or CRL), and exits 0 valid, 1 invalid, 2 could not check.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { pdfExitCodeOf, signPdf, verifyPdf } from '../../signature/pdf/index.js';
import { createCertificateValidator, loadTrustAnchors } from '../../pki/index.js';
import { openPkcs12Signer } from '../../signature/pkcs12-signer.js';
import { couldNotCheckReport, pkcs12PasswordFromEnv, reportSignFailure } from './signature.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Reads a file, giving a failure our stable code instead of Node's (ENOENT...). */
async function readInput(file: string, code: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw Object.assign(new Error(`Cannot read ${file}: ${(error as Error).message}`), { code });
  }
}

interface SignOptions { p12: string; passEnv: string; out: string; reason?: string; location?: string; name?: string }
interface VerifyOptions { trust: string; crl: string[]; at?: string; offline?: boolean; failOpen?: boolean }

async function sign(input: string, opts: SignOptions): Promise<void> {
  try {
    const password = pkcs12PasswordFromEnv(opts.passEnv);
    const signer = await openPkcs12Signer(await readInput(opts.p12, 'SIG_P12_INVALID'), password);
    const pdfBytes = await readInput(input, 'PDF_INPUT_UNREADABLE');
    const signed = await signPdf(pdfBytes, signer, {
      ...(opts.reason ? { reason: opts.reason } : {}),
      ...(opts.location ? { location: opts.location } : {}),
      ...(opts.name ? { name: opts.name } : {}),
    });
    await writeFile(opts.out, signed);
    // `signed` repeats `out` for callers written against the first version of this line.
    process.stdout.write(`${JSON.stringify({ ok: true, out: opts.out, bytes: signed.length, signed: opts.out })}\n`);
  } catch (error) {
    reportSignFailure(error, 'PDF_SIGN_FAILED');
  }
}

/** A could-not-check report in the `edx verify` shape, plus the PDF report's lists (empty) for PDF readers. */
function couldNotCheck(error: unknown, fallbackCode: string): void {
  const report = { ...couldNotCheckReport(error, fallbackCode), signatures: [], officials: [], agencySeals: [] };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = 2;
}

async function verify(input: string, opts: VerifyOptions): Promise<void> {
  const at = opts.at ? new Date(opts.at) : undefined;
  if (at && Number.isNaN(at.getTime())) {
    couldNotCheck(Object.assign(new Error(`--at ${opts.at} is not an ISO-8601 instant`), { code: 'PDF_OPTION_INVALID' }), 'PDF_OPTION_INVALID');
    return;
  }
  try {
    const pdfBytes = await readInput(input, 'PDF_INPUT_UNREADABLE');
    const crls = await Promise.all(opts.crl.map((f) => readInput(f, 'SIG_CRL_UNREADABLE')));
    const validator = createCertificateValidator({ trustAnchors: await loadTrustAnchors(opts.trust) });
    const report = await verifyPdf(pdfBytes, {
      validator,
      policy: { crls, ...(at ? { at } : {}), ...(opts.offline ? { offline: true } : {}), ...(opts.failOpen ? { revocation: 'fail-open' as const } : {}) },
    });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    process.exitCode = pdfExitCodeOf(report);
  } catch (error) {
    couldNotCheck(error, 'PDF_CHECK_FAILED');
  }
}

export function registerPdfCommands(program: Command): void {
  const pdf = program.command('pdf').description('PDF signatures: the official\'s signature and the agency\'s seal (PAdES)');
  pdf
    .command('sign')
    .argument('<in>', 'PDF to sign')
    .requiredOption('--p12 <file>', 'PKCS#12 bundle with the signer key and certificate chain')
    .requiredOption('--pass-env <var>', 'environment variable holding the PKCS#12 password')
    .requiredOption('-o, --out <file>', 'signed PDF to write')
    .option('--reason <text>', 'reason for signing')
    .option('--location <text>', 'where it was signed')
    .option('--name <text>', 'signer name to show')
    .description('Add a PAdES baseline-B signature as an incremental update (earlier signatures stay valid)')
    .action(sign);
  pdf
    .command('verify')
    .argument('<in>', 'PDF to verify')
    .requiredOption('--trust <dir>', 'directory of trust anchors (PEM or DER)')
    .option('--crl <file>', 'CRL to use (repeatable)', collect, [])
    .option('--at <iso>', 'judge certificate validity at this instant (default now)')
    .option('--offline', 'never fetch CRLs or ask OCSP responders')
    .option('--fail-open', 'unknown revocation is a warning, not a failure')
    .description('Verify every signature in a PDF; prints the report as JSON; exit 0 valid, 1 invalid, 2 could not check')
    .action(verify);
}
