/**
 * `edx receipt verify FILE --trust DIR`: checks an axis receipt offline, with no server and no store.
 * FILE holds one signed receipt, the gateway's reply that carries one, or an array of signed receipts (a run of the
 * chain). Exit 0 valid, 1 invalid, 2 could not check (unreadable file, not JSON, no usable trust anchor).
 * An agency's own receipts (GET /v1/receipts) are not a run of the chain: other agencies' receipts sit between them.
 * With proofs (`--proofs FILE`, the answers of GET /v1/receipts/{id}/proof; or a FILE of such answers, or a page of
 * GET /v1/ledger/receipts as saved) each receipt is checked on its own: its signature, its inclusion in a checkpoint,
 * the checkpoint's signature and time-stamp.
 * The report is JSON on stdout; one line on stderr says the verdict for a person.
 */
import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { isAxisError } from '../../errors/axis-error.js';
import { isSignedReceipt, verifyReceipt, verifyReceiptChain, type ReceiptVerification } from '../../ledger/receipt-verifier.js';
import { loadTrustAnchors } from '../../ledger/trust-anchors.js';
import { verifyProvenReceipt, type ProvenReceiptVerification } from '../../ledger/checkpoint/proven-receipt.js';
import type { ReceiptProofView } from '../../ledger/checkpoint/ledger-proofs.js';
import { statusOf } from '../../ledger/evidence/evidence-verdict.js';

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
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !('format' in value) && 'receipt' in value && !('auditPath' in value)) {
    return (value as { receipt: unknown }).receipt;
  }
  // A page of GET /v1/receipts as saved: `{ items, nextCursor }`.
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Array.isArray((value as { items?: unknown }).items)) {
    return (value as { items: unknown[] }).items;
  }
  return value;
}

type ProofAnswer = ReceiptProofView & { receiptId?: unknown; receipt?: unknown };

const isProof = (value: unknown): value is ProofAnswer => typeof value === 'object' && value !== null && 'auditPath' in value && 'checkpoint' in value;
/** An item of GET /v1/ledger/receipts: a proof answer, or a receipt no checkpoint covered yet (`{ receiptId, seq, receipt }`). */
const isLedgerItem = (value: unknown): value is { receipt: unknown } => isProof(value)
  || (typeof value === 'object' && value !== null && 'receiptId' in value && 'seq' in value && 'receipt' in value);

/** Proof answers as saved: one, an array, or `{ items }`. */
function proofList(value: unknown): ProofAnswer[] {
  const list = Array.isArray(value) ? value : typeof value === 'object' && value !== null && Array.isArray((value as { items?: unknown }).items) ? (value as { items: unknown[] }).items : [value];
  return list.filter(isProof);
}

function receiptIdOf(signed: unknown): string | undefined {
  const id = (signed as { receipt?: { id?: unknown } } | undefined)?.receipt?.id;
  return typeof id === 'string' ? id : undefined;
}

/** Each receipt with the proof for it, checked alone; a receipt without a proof cannot be checked (exit 2). */
async function verifyAsSet(receipts: unknown[], proofs: ProofAnswer[], trust: { trustAnchors: Awaited<ReturnType<typeof loadTrustAnchors>>; tsaTrustAnchors?: Awaited<ReturnType<typeof loadTrustAnchors>> }): Promise<{ exitCode: 0 | 1 | 2; report: unknown; line: string }> {
  const byId = new Map(proofs.map((p) => [typeof p.receiptId === 'string' ? p.receiptId : receiptIdOf(p.receipt), p]));
  const each: ProvenReceiptVerification[] = [];
  for (const signed of receipts) {
    const proof = byId.get(receiptIdOf(signed));
    if (!proof) {
      const id = receiptIdOf(signed);
      const seq = (signed as { receipt?: { seq?: unknown } } | undefined)?.receipt?.seq;
      each.push({
        valid: false, code: 'EVIDENCE_NO_PROOF',
        message: `No proof was given for receipt ${id ?? '(unreadable)'} (no checkpoint covered it yet when it was fetched, or it was not fetched): fetch it again after the next checkpoint, GET /v1/receipts/${id ?? '{id}'}/proof.`,
        ...(id ? { receiptId: id } : {}), ...(typeof seq === 'number' ? { seq } : {}),
      });
      continue;
    }
    each.push(await verifyProvenReceipt(signed, proof, { trustAnchors: trust.trustAnchors, ...(trust.tsaTrustAnchors ? { tsaTrustAnchors: trust.tsaTrustAnchors } : {}) }));
  }
  const altered = each.find((v) => !v.valid && statusOf(v.code) === 'altered');
  const unchecked = each.find((v) => !v.valid);
  const first = altered ?? unchecked;
  const exitCode = altered ? 1 : unchecked ? 2 : 0;
  const line = !first ? `valid: ${each.length} receipts, each signed and in a time-stamped checkpoint of the log`
    : `${altered ? 'INVALID' : 'cannot check'}: ${first.receiptId ?? ''}${first.seq !== undefined ? ` (#${first.seq})` : ''}: ${first.code}: ${first.message}`;
  return { exitCode, report: { valid: exitCode === 0, receipts: each }, line };
}

export interface ReceiptVerifyOptions {
  /** Proof answers (GET /v1/receipts/{id}/proof): check each receipt's inclusion instead of the chain's continuity. */
  proofsFile?: string;
  /** The TSA's roots (default: trustDir). */
  tsaTrustDir?: string;
}

export async function runReceiptVerify(file: string, trustDir: string, options: ReceiptVerifyOptions = {}): Promise<{ exitCode: 0 | 1 | 2; report: unknown; line: string }> {
  let content: unknown;
  let anchors;
  let tsaAnchors;
  let proofs: ProofAnswer[] = [];
  try {
    content = unwrap(await readJson(file));
    anchors = await loadTrustAnchors(trustDir);
    if (options.tsaTrustDir) tsaAnchors = await loadTrustAnchors(options.tsaTrustDir);
    if (options.proofsFile) proofs = proofList(await readJson(options.proofsFile));
  } catch (error) {
    const message = isAxisError(error) ? `${error.code}: ${error.message}` : (error as Error).message;
    return { exitCode: 2, report: { valid: false, code: 'RECEIPT_CANNOT_CHECK', message }, line: `cannot check: ${message}` };
  }
  // A file of proof answers (or a page of GET /v1/ledger/receipts) carries its receipts: each with its proof, or alone
  // when no checkpoint covered it yet.
  const items = Array.isArray(content) ? content : [content];
  if (!options.proofsFile && items.length > 0 && items.every(isLedgerItem)) {
    const withProofs = (items as unknown[]).filter(isProof);
    return verifyAsSet(items.map((item) => item.receipt), withProofs, { trustAnchors: anchors, ...(tsaAnchors ? { tsaTrustAnchors: tsaAnchors } : {}) });
  }
  if (options.proofsFile || proofs.length > 0) {
    return verifyAsSet(Array.isArray(content) ? content : [content], proofs, { trustAnchors: anchors, ...(tsaAnchors ? { tsaTrustAnchors: tsaAnchors } : {}) });
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
      line: valid ? `valid: ${content.length} receipts, chain intact` : `INVALID: ${summary?.code ?? 'RECEIPT_MALFORMED'}: ${summary?.message ?? 'not a chain of signed receipts'}${summary?.code === 'RECEIPT_SEQ_GAP' ? ' (an agency\'s own receipts are not a run of the chain: save GET /v1/ledger/receipts, each receipt with its proof, or edx client receipts --proofs, and verify that)' : ''}`,
    };
  }
  const verdict = verifyReceipt(content, { trustAnchors: anchors });
  return { exitCode: verdict.valid ? 0 : 1, report: verdict, line: verdict.valid ? `valid: ${verdict.message}` : `INVALID: ${verdict.code}: ${verdict.message}` };
}

export function registerReceiptCommands(program: Command): void {
  const receipt = program.command('receipt').description('Axis receipts: verify them offline');
  receipt
    .command('verify')
    .argument('<file>', 'a signed receipt (JSON), the gateway reply holding one, an array of signed receipts, a page of GET /v1/receipts, or proof answers')
    .requiredOption('--trust <dir>', 'directory of trust anchors (PEM/DER) for the axis certificate, e.g. DATA_DIR/axis/trust')
    .option('--proofs <file>', 'the answers of GET /v1/receipts/{id}/proof (an array): check each receipt\'s inclusion instead of the chain\'s continuity')
    .option('--tsa-trust <dir>', 'trust anchors of the time-stamping authority (default: --trust)')
    .description('Verify receipts: hash, axis signature, certificate chain; then the chain links of an array, or with proofs each one\'s inclusion in a time-stamped checkpoint. Exit 0 valid, 1 invalid, 2 cannot check')
    .action(async (file: string, opts: { trust: string; proofs?: string; tsaTrust?: string }) => {
      const result = await runReceiptVerify(file, opts.trust, { ...(opts.proofs ? { proofsFile: opts.proofs } : {}), ...(opts.tsaTrust ? { tsaTrustDir: opts.tsaTrust } : {}) });
      process.stdout.write(JSON.stringify(result.report, null, 2) + '\n');
      process.stderr.write(`edx: ${result.line}\n`);
      process.exitCode = result.exitCode;
    });
}
