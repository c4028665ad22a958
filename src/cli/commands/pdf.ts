/**
 * `edx pdf sign` and `edx pdf verify`: PAdES signatures on PDF attachments (docs/pdf-signatures.md).
 * verify prints the report as JSON and exits 0 valid, 1 invalid, 2 could not check; sign writes OUT and prints a
 * one-line JSON summary. Errors are one JSON line on stderr with the stable code.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { isAxisError } from '../../errors/axis-error.js';
import { pdfExitCodeOf, signPdf, verifyPdf, type PdfVerificationReport } from '../../signature/pdf/index.js';
import { createCertificateValidator, isCouldNotCheck, loadTrustAnchors } from '../../pki/index.js';
import { openPkcs12Signer } from '../../signature/pkcs12-signer.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function fail(error: unknown, exitCode: 1 | 2, fallbackCode = 'PDF_INPUT_UNREADABLE'): void {
  const line = isAxisError(error) ? { code: error.code, message: error.message } : { code: fallbackCode, message: (error as Error).message };
  process.stderr.write(`${JSON.stringify({ ok: false, ...line })}\n`);
  process.exitCode = exitCode;
}

/** 0 valid, 1 invalid, 2 could not check (revocation unknown, CRL expired, OCSP responder unavailable...). */
function exitCodeOf(report: PdfVerificationReport): 0 | 1 | 2 {
  if (report.valid) return 0;
  return pdfExitCodeOf(report) === 2 || isCouldNotCheck(report.code) ? 2 : 1;
}

interface SignOptions { p12: string; passEnv: string; out: string; reason?: string; location?: string; name?: string }
interface VerifyOptions { trust: string; crl: string[]; at?: string; offline?: boolean; failOpen?: boolean }

async function sign(input: string, opts: SignOptions): Promise<void> {
  const password = process.env[opts.passEnv];
  if (password === undefined) {
    fail(new Error(`the environment variable ${opts.passEnv} (the PKCS#12 password) is not set`), 2, 'PDF_PASSWORD_MISSING');
    return;
  }
  let pdfBytes: Buffer;
  let signer;
  try {
    pdfBytes = await readFile(input);
    signer = await openPkcs12Signer(await readFile(opts.p12), password);
  } catch (error) {
    fail(error, 2);
    return;
  }
  try {
    const signed = await signPdf(pdfBytes, signer, {
      ...(opts.reason ? { reason: opts.reason } : {}),
      ...(opts.location ? { location: opts.location } : {}),
      ...(opts.name ? { name: opts.name } : {}),
    });
    await writeFile(opts.out, signed);
    process.stdout.write(`${JSON.stringify({ signed: opts.out, bytes: signed.length })}\n`);
  } catch (error) {
    fail(error, 1, 'PDF_SIGN_FAILED');
  }
}

async function verify(input: string, opts: VerifyOptions): Promise<void> {
  let pdfBytes: Buffer;
  let validator;
  let crls: Buffer[];
  try {
    pdfBytes = await readFile(input);
    crls = await Promise.all(opts.crl.map((f) => readFile(f)));
    validator = createCertificateValidator({ trustAnchors: await loadTrustAnchors(opts.trust) });
  } catch (error) {
    fail(error, 2);
    return;
  }
  const at = opts.at ? new Date(opts.at) : undefined;
  if (at && Number.isNaN(at.getTime())) {
    fail(new Error(`--at ${opts.at} is not an ISO-8601 instant`), 2, 'PDF_OPTION_INVALID');
    return;
  }
  const report = await verifyPdf(pdfBytes, {
    validator,
    policy: { crls, ...(at ? { at } : {}), ...(opts.offline ? { offline: true } : {}), ...(opts.failOpen ? { revocation: 'fail-open' as const } : {}) },
  });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = exitCodeOf(report);
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
