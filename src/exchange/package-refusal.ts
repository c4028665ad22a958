/**
 * A refused package is evidence too (as in X-Road and Domibus): once the caller is authenticated and its body has
 * arrived whole, a refusal becomes one sealed `rejected` receipt in the axis's chain, so the sender can later prove
 * it sent these bytes and was refused, and the axis can prove what it refused and why.
 *
 * Only the fact is kept: the caller (the one party we know; recipients named by a refused package are unverified
 * claims and are never written), the package's SHA-256 and size, the error code and the time. No envelope, blob,
 * delivery or status. Not recorded: refusals that judge nothing about the package (status >= 500: the axis could not
 * check, try again later) and failures of the axis itself, coded or not (a bug or an unreachable store is not a
 * verdict).
 */
import { AxisError, isAxisError } from '../errors/axis-error.js';
import type { SignedReceipt } from '../ledger/signed-receipt.js';
import type { ReceiptDraft } from './model/index.js';
import { isCouldNotCheck } from '../pki/pki-codes.js';
import type { ExchangeContext } from './exchange-deps.js';
import { EXCHANGE_CODES } from './exchange-error.js';

/** The refusal as raised by the checks, with the sealed `rejected` receipt that records it. Same code, same message. */
export class PackageRefusedError extends AxisError {
  readonly receipt: SignedReceipt;
  readonly receiptId: string;

  constructor(refusal: AxisError, receipt: SignedReceipt) {
    super(refusal.code, refusal.message, { ...(refusal.details ?? {}), receiptId: receipt.receipt.id }, { cause: refusal });
    this.receipt = receipt;
    this.receiptId = receipt.receipt.id;
  }
}

export function isPackageRefused(error: unknown): error is PackageRefusedError {
  return error instanceof PackageRefusedError;
}

const EXCHANGE_CODE_SET: ReadonlySet<string> = new Set(EXCHANGE_CODES);
/** The PDF verifier could not check a signature (not a verdict on it): try again later. */
const PDF_CHECK_FAILED = 'PDF_CHECK_FAILED';

/**
 * Whether a code is a verdict on the package: one of the exchange's rules, or the format's or the signature's. Not
 * "could not check now" (the signer's revocation unknown, the inspector thread lost), and not a coded failure of the
 * axis's own parts (the store busy or unreachable, the trust anchors unreadable): those would otherwise become a
 * permanent sealed refusal that a DMS does not send again.
 */
export function isVerdictCode(code: string): boolean {
  if (EXCHANGE_CODE_SET.has(code)) return true;
  if (isCouldNotCheck(code) || code === PDF_CHECK_FAILED) return false;
  // The format's, the envelope signature's, and a document (PDF) signature's verdicts.
  return code.startsWith('SIG_') || code.startsWith('EDXML_') || code.startsWith('PDF_');
}

function isVerdict(error: unknown): error is AxisError {
  return isAxisError(error) && !(error instanceof PackageRefusedError) && isVerdictCode(error.code);
}

export function rejectedReceiptOf(input: { callerOrganId: string; sha256: string; size: number; code: string; at: string }): ReceiptDraft {
  return {
    type: 'rejected',
    subjectSha256: input.sha256,
    parties: [input.callerOrganId],
    at: input.at,
    detail: { code: input.code, size: input.size },
  };
}

/**
 * Returns the error to throw: the refusal with its receipt when it is a verdict, the error unchanged otherwise. If the
 * receipt cannot be written the refusal still reaches the caller (logged): the answer matters more than its record.
 */
export async function recordRefusal(ctx: ExchangeContext, error: unknown, subject: { callerOrganId: string; sha256: string; size: number }): Promise<unknown> {
  if (!isVerdict(error)) return error;
  try {
    const receipt = await ctx.store.appendReceipt(rejectedReceiptOf({ ...subject, code: error.code, at: ctx.now().toISOString() }));
    ctx.logger.info({ receiptId: receipt.id, code: error.code, caller: subject.callerOrganId, sha256: subject.sha256 }, 'package refused and recorded');
    return new PackageRefusedError(error, ctx.exportReceipt(receipt));
  } catch (failure) {
    ctx.logger.error({ err: failure, code: error.code, caller: subject.callerOrganId, sha256: subject.sha256 }, 'package refused, but its rejected receipt could not be written');
    return error;
  }
}
