/**
 * `edx receipt verify FILE --trust DIR`: checks an axis receipt offline, with no server and no store.
 * FILE holds one signed receipt, the gateway's reply that carries one, or an array of signed receipts (a run of the
 * chain). Exit 0 valid, 1 invalid, 2 could not check (unreadable file, not JSON, no usable trust anchor).
 * The report is JSON on stdout; one line on stderr says the verdict for a person.
 */
import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { isAxisError } from '../../errors/axis-error.js';
import { isSignedReceipt, verifyReceipt, verifyReceiptChain, type ReceiptVerification } from '../../ledger/receipt-verifier.js';
import { loadTrustAnchors } from '../../ledger/trust-anchors.js';

const MAX_RECEIPT_FILE = 64 * 1024 * 1024;

class CannotCheck extends Error {}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    if ((await stat(file)).size > MAX_RECEIPT_FILE) throw new CannotCheck(`${file} is larger than ${MAX_RECEIPT_FILE} bytes: not a receipt file.`);
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw error instanceof CannotCheck ? error : new CannotCheck(`${file} cannot be read: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CannotCheck(`${file} is not JSON: not a receipt file.`);
  }
}

/** The gateway answers `{ packageId, outcome, receipt }`: accept that reply as saved, as well as the bare receipt. */
function unwrap(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !('format' in value) && 'receipt' in value) {
    return (value as { receipt: unknown }).receipt;
  }
  return value;
}

export async function runReceiptVerify(file: string, trustDir: string): Promise<{ exitCode: 0 | 1 | 2; report: unknown; line: string }> {
  let content: unknown;
  let anchors;
  try {
    content = unwrap(await readJson(file));
    anchors = await loadTrustAnchors(trustDir);
  } catch (error) {
    const message = isAxisError(error) ? `${error.code}: ${error.message}` : (error as Error).message;
    return { exitCode: 2, report: { valid: false, code: 'RECEIPT_CANNOT_CHECK', message }, line: `cannot check: ${message}` };
  }
  if (Array.isArray(content)) {
    const each: ReceiptVerification[] = content.map((item) => verifyReceipt(item, { trustAnchors: anchors }));
    const firstBad = each.find((v) => !v.valid);
    const chain = content.every(isSignedReceipt) ? verifyReceiptChain(content, { trustAnchors: anchors }) : undefined;
    const valid = !firstBad && chain?.valid === true;
    const summary = firstBad ?? (chain && !chain.valid ? chain : undefined);
    return {
      exitCode: valid ? 0 : 1,
      report: { valid, receipts: each, chain },
      line: valid ? `valid: ${content.length} receipts, chain intact` : `INVALID: ${summary?.code ?? 'RECEIPT_MALFORMED'}: ${summary?.message ?? 'not a chain of signed receipts'}`,
    };
  }
  const verdict = verifyReceipt(content, { trustAnchors: anchors });
  return { exitCode: verdict.valid ? 0 : 1, report: verdict, line: verdict.valid ? `valid: ${verdict.message}` : `INVALID: ${verdict.code}: ${verdict.message}` };
}

export function registerReceiptCommands(program: Command): void {
  const receipt = program.command('receipt').description('Axis receipts: verify them offline');
  receipt
    .command('verify')
    .argument('<file>', 'a signed receipt (JSON), the gateway reply holding one, or an array of signed receipts')
    .requiredOption('--trust <dir>', 'directory of trust anchors (PEM/DER) for the axis certificate, e.g. DATA_DIR/axis/trust')
    .description('Verify a receipt: hash, axis signature, certificate chain (and chain links for an array). Exit 0 valid, 1 invalid, 2 cannot check')
    .action(async (file: string, opts: { trust: string }) => {
      const result = await runReceiptVerify(file, opts.trust);
      process.stdout.write(JSON.stringify(result.report, null, 2) + '\n');
      process.stderr.write(`edx: ${result.line}\n`);
      process.exitCode = result.exitCode;
    });
}
