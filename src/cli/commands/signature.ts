/**
 * `edx sign` and `edx verify`: XMLDSig on an edXML package, with no server. A contract other tools rely on, and which
 * `edx pdf sign|verify` share through the helpers exported here (docs/xmldsig.md "CLI contract"):
 * - sign prints one JSON line ({ ok: true, out, bytes, ... }) on stdout and exits 0; when it cannot sign (password
 *   variable unset, wrong password, unusable bundle, unreadable or unsignable input) it prints one JSON line
 *   { ok: false, code, message } on stderr and exits 2 ("could not"): a sign has no verdict, so there is no exit 1;
 * - verify always prints a report { valid, code, message, warnings, ... } on stdout and exits 0 valid, 1 invalid,
 *   2 could not check (revocation unknown, CRL expired, OCSP down, unreadable trust directory or input file).
 * The PKCS#12 password comes from an environment variable (never the command line, which `ps` shows to everyone).
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { isAxisError } from '../../errors/axis-error.js';
import { createCertificateValidator, isCouldNotCheck, loadTrustAnchors } from '../../pki/index.js';
import { exitCodeOf, signPackage, verifyPackage, type SignatureReport } from '../../signature/index.js';
import type { SignatureAlgorithmName } from '../../signature/signer.js';
import { addSignerOptions, openSignerFrom, type SignerFlags } from './signer-flags.js';

const MAX_PACKAGE_BYTES = 512 * 1024 * 1024;

function readInput(file: string, code: string): Buffer {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    throw Object.assign(new Error(`Cannot read ${file}: ${(error as Error).message}`), { code });
  }
  if (size > MAX_PACKAGE_BYTES) throw Object.assign(new Error(`${file} is ${size} bytes, more than the ${MAX_PACKAGE_BYTES} accepted`), { code: 'SIG_INPUT_TOO_LARGE' });
  return readFileSync(file);
}

/** An error's stable code and message; Node's own codes (ENOENT, ERR_...) are not ours: they get `fallbackCode`. */
function errorLine(error: unknown, fallbackCode = 'SIG_INTERNAL'): { code: string; message: string } {
  if (isAxisError(error)) return { code: error.code, message: error.message };
  const coded = error as { code?: unknown; message?: unknown };
  const ours = typeof coded.code === 'string' && /^(SIG|PKI|PDF|EDXML)_[A-Z0-9_]+$/.test(coded.code);
  return { code: ours ? (coded.code as string) : fallbackCode, message: String(coded.message ?? error) };
}

/** Exit code of a sign command that could not sign (any cause: inputs, password, bundle): see the header. */
export const SIGN_FAILED_EXIT = 2;

/** The one failure line of `edx sign` and `edx pdf sign`: { ok: false, code, message } on stderr, exit 2. */
export function reportSignFailure(error: unknown, fallbackCode: string): void {
  process.stderr.write(JSON.stringify({ ok: false, ...errorLine(error, fallbackCode) }) + '\n');
  process.exitCode = SIGN_FAILED_EXIT;
}

/** The report of a verify that could not even start (unreadable input, trust directory or CRL, bad option): exit 2. */
export function couldNotCheckReport(error: unknown, fallbackCode: string): SignatureReport {
  return { valid: false, ...errorLine(error, fallbackCode), warnings: [] };
}

interface SignFlags extends SignerFlags {
  output: string;
  alg?: SignatureAlgorithmName;
  c14n: 'exc' | 'inclusive';
  chain: boolean;
}

async function sign(input: string, flags: SignFlags): Promise<void> {
  let close = (): void => undefined;
  try {
    const opened = await openSignerFrom(flags);
    close = opened.close;
    const signer = opened.signer;
    const signed = await signPackage(readInput(input, 'SIG_INPUT_UNREADABLE'), signer, {
      ...(flags.alg ? { algorithm: flags.alg } : {}),
      c14n: flags.c14n,
      includeChain: flags.chain,
    });
    writeFileSync(flags.output, signed);
    process.stdout.write(JSON.stringify({ ok: true, out: flags.output, bytes: signed.length, algorithm: flags.alg ?? (signer.keyAlgorithm === 'EC' ? 'ecdsa-sha256' : 'rsa-sha256'), c14n: flags.c14n }) + '\n');
  } catch (error) {
    reportSignFailure(error, 'SIG_SIGN_FAILED');
  } finally {
    close();
  }
}

interface VerifyFlags {
  trust: string;
  crl: string[];
  at?: string;
  offline?: boolean;
  failOpen?: boolean;
  sha1: boolean;
  engine: 'fast' | 'reference';
}

async function verify(input: string, flags: VerifyFlags): Promise<void> {
  let report: SignatureReport;
  try {
    const at = flags.at === undefined ? undefined : new Date(flags.at);
    if (at && Number.isNaN(at.getTime())) throw Object.assign(new Error(`--at ${flags.at} is not an ISO-8601 instant`), { code: 'SIG_INPUT_INVALID' });
    const bytes = readInput(input, 'SIG_INPUT_UNREADABLE');
    const crls = flags.crl.map((f) => readInput(f, 'SIG_CRL_UNREADABLE'));
    const validator = createCertificateValidator({ trustAnchors: await loadTrustAnchors(flags.trust), crls, ocsp: !flags.offline });
    report = await verifyPackage(bytes, {
      validator,
      engine: flags.engine,
      policy: {
        ...(at ? { at } : {}),
        ...(flags.offline ? { offline: true } : {}),
        ...(flags.failOpen ? { revocation: 'fail-open' as const } : {}),
        ...(crls.length > 0 ? { crls } : {}),
        allowSha1: flags.sha1,
      },
    });
  } catch (error) {
    report = couldNotCheckReport(error, 'SIG_INTERNAL');
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    process.exitCode = 2;
    return;
  }
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  process.exitCode = !report.valid && isCouldNotCheck(report.code) ? 2 : exitCodeOf(report);
}

export function registerSignatureCommands(program: Command): void {
  addSignerOptions(program
    .command('sign')
    .description('Sign an edXML package (enveloped XMLDSig inside edXMLHeader) with a PKCS#12 certificate or a key on a PKCS#11 token')
    .argument('<in>', 'the edXML package to sign'))
    .requiredOption('-o, --output <file>', 'where to write the signed package')
    .addOption(new Option('--alg <alg>', 'signature algorithm (default: rsa-sha256, or ecdsa-sha256 for an EC key)').choices(['rsa-sha256', 'rsa-sha1', 'ecdsa-sha256']))
    .addOption(new Option('--c14n <c14n>', 'canonicalization').choices(['exc', 'inclusive']).default('exc'))
    .option('--no-chain', 'put only the signer certificate in KeyInfo, not its issuers')
    .action((input: string, flags: SignFlags) => sign(input, flags));

  program
    .command('verify')
    .description('Verify the XMLDSig signature of an edXML package; prints the report as JSON (exit 0 valid, 1 invalid, 2 could not check)')
    .argument('<in>', 'the signed edXML package')
    .requiredOption('--trust <dir>', 'directory of trust anchor certificates (PEM or DER)')
    .option('--crl <file>', 'a CRL (DER or PEM) to use before any download; repeatable', (value: string, all: string[]) => [...all, value], [] as string[])
    .option('--at <iso8601>', 'judge certificate validity at this instant instead of now')
    .option('--offline', 'never touch the network: only the CRLs given count')
    .option('--fail-open', 'unknown revocation status is a warning, not a failure')
    .option('--no-sha1', 'refuse RSA-SHA1 / SHA-1 (accepted as legacy with a warning by default)')
    .addOption(new Option('--engine <engine>', 'digest engine: fast (streaming C14N) or reference (xmldsigjs)').choices(['fast', 'reference']).default('fast'))
    .action((input: string, flags: VerifyFlags) => verify(input, flags));
}
