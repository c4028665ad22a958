/**
 * `edx pdf sign` and `edx pdf verify`: PAdES signatures on PDF attachments (docs/pdf-signatures.md). Same contract as
 * `edx sign` / `edx verify` (signature.ts header; the helpers come from there so the two cannot drift apart):
 * - sign writes OUT, prints { ok: true, out, bytes } on stdout, exits 0; when it cannot sign, one JSON line
 *   { ok: false, code, message } on stderr and exit 2 (SIG_P12_PASSWORD_MISSING, SIG_P12_PASSWORD, ...);
 * - verify always prints a report { valid, code, message, warnings, ... } on stdout, even when it could not start
 *   (unreadable input, trust directory or CRL), and exits 0 valid, 1 invalid, 2 could not check.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { pdfExitCodeOf, signPdf, verifyPdf, type PdfAppearanceOptions } from '../../signature/pdf/index.js';
import { createCertificateValidator, loadTrustAnchors } from '../../pki/index.js';
import { couldNotCheckReport, reportSignFailure } from './signature.js';
import { addSignerOptions, openSignerFrom, type SignerFlags } from './signer-flags.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Reads a file, giving a failure our stable code instead of Node's (ENOENT...). */
async function readInput(file: string, code: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw Object.assign(new Error(`Cannot read ${file}: ${(error as Error).message}`), { code });
  }
}

interface SignOptions extends SignerFlags {
  out: string;
  reason?: string;
  location?: string;
  name?: string;
  page?: string;
  rect?: string;
  image?: string;
  font?: string;
  role?: 'official' | 'agency-seal';
}

/** Fonts with Vietnamese letters that Debian installs (fonts-dejavu-core, fonts-liberation): the default for --rect. */
const DEFAULT_FONTS = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf'];

function optionInvalid(message: string): Error {
  return Object.assign(new Error(message), { code: 'PDF_OPTION_INVALID' });
}

/** --page/--rect/--image/--font/--role as the signer's appearance option; undefined without --rect (invisible). */
async function appearanceOf(opts: SignOptions): Promise<PdfAppearanceOptions | undefined> {
  if (opts.rect === undefined) {
    if (opts.image !== undefined || opts.page !== undefined) throw optionInvalid('--image and --page place a visible signature: give its --rect x,y,width,height too.');
    return undefined;
  }
  const rect = opts.rect.split(',').map((v) => Number(v.trim()));
  if (rect.length !== 4 || !rect.every(Number.isFinite) || rect[2]! <= 0 || rect[3]! <= 0) throw optionInvalid(`--rect ${opts.rect} is not x,y,width,height in points with a positive width and height.`);
  const page = opts.page === undefined ? 1 : Number(opts.page);
  if (!Number.isSafeInteger(page) || page < 1) throw optionInvalid(`--page ${opts.page} is not a page number.`);
  const fontFile = opts.font ?? DEFAULT_FONTS.find((f) => existsSync(f));
  return {
    page,
    rect: rect as [number, number, number, number],
    ...(opts.image ? { image: await readInput(opts.image, 'PDF_INPUT_UNREADABLE') } : {}),
    ...(fontFile ? { font: await readInput(fontFile, 'PDF_INPUT_UNREADABLE') } : {}),
    ...(opts.role ? { role: opts.role } : {}),
  };
}
interface VerifyOptions { trust: string; crl: string[]; at?: string; offline?: boolean; failOpen?: boolean }

async function sign(input: string, opts: SignOptions): Promise<void> {
  let close = (): void => undefined;
  try {
    const opened = await openSignerFrom(opts);
    close = opened.close;
    const signer = opened.signer;
    const pdfBytes = await readInput(input, 'PDF_INPUT_UNREADABLE');
    const appearance = await appearanceOf(opts);
    const signed = await signPdf(pdfBytes, signer, {
      ...(appearance ? { appearance } : {}),
      ...(opts.reason ? { reason: opts.reason } : {}),
      ...(opts.location ? { location: opts.location } : {}),
      ...(opts.name ? { name: opts.name } : {}),
    });
    await writeFile(opts.out, signed);
    // `signed` repeats `out` for callers written against the first version of this line.
    process.stdout.write(`${JSON.stringify({ ok: true, out: opts.out, bytes: signed.length, signed: opts.out })}\n`);
  } catch (error) {
    reportSignFailure(error, 'PDF_SIGN_FAILED');
  } finally {
    close();
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
  addSignerOptions(pdf
    .command('sign')
    .argument('<in>', 'PDF to sign'))
    .requiredOption('-o, --out <file>', 'signed PDF to write')
    .option('--reason <text>', 'reason for signing')
    .option('--location <text>', 'where it was signed')
    .option('--name <text>', 'signer name to show')
    .option('--rect <x,y,w,h>', 'make the signature visible in this rectangle (points from the lower-left corner of the page)')
    .option('--page <n>', 'page of the visible signature (default 1)')
    .option('--image <file>', 'PNG (transparent background) or JPEG: the handwritten signature, or the agency seal')
    .option('--font <file>', 'TrueType font for the name and time under an official\'s signature (default DejaVu Sans)')
    .addOption(new Option('--role <role>', 'layout: official (picture, name, time) or agency-seal (picture only); default from the certificate').choices(['official', 'agency-seal']))
    .description('Add a PAdES baseline-B signature as an incremental update (earlier signatures stay valid), invisible or visible (Decree 30/2020 Appendix I)')
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
