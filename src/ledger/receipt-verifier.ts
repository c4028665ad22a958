/** Offline verification of receipts: one signed receipt against trust anchors, or a run of the axis's hash chain. */
import { createHash, verify, type X509Certificate } from 'node:crypto';
import type { ReceiptRecord } from './receipt.js';
import { toX509, verifyPath } from './certificate-path.js';
import { GENESIS_PREV_HASH, receiptHash } from './receipt-hash.js';
import { SIGNED_RECEIPT_FORMAT, type SignedReceipt } from './signed-receipt.js';

export type ReceiptCheckCode =
  | 'RECEIPT_OK'
  | 'RECEIPT_MALFORMED'
  | 'RECEIPT_HASH_MISMATCH'
  | 'RECEIPT_SIGNER_MISMATCH'
  | 'RECEIPT_SIGNER_UNKNOWN'
  | 'RECEIPT_SIGNATURE_INVALID'
  | 'RECEIPT_CHAIN_UNTRUSTED'
  | 'RECEIPT_CERT_EXPIRED'
  | 'RECEIPT_CHAIN_BROKEN'
  | 'RECEIPT_SEQ_GAP';

export interface ReceiptVerification {
  valid: boolean;
  code: ReceiptCheckCode;
  message: string;
  receiptId?: string;
  seq?: number;
  signer?: { subject: string; fingerprint: string };
}

type CertInput = X509Certificate | Uint8Array;

const HEX64 = /^[0-9a-f]{64}$/;

function fail(code: ReceiptCheckCode, message: string, receipt?: Partial<ReceiptRecord>): ReceiptVerification {
  return { valid: false, code, message, ...(typeof receipt?.id === 'string' ? { receiptId: receipt.id } : {}), ...(typeof receipt?.seq === 'number' ? { seq: receipt.seq } : {}) };
}

export function isReceiptRecord(value: unknown): value is ReceiptRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return typeof r['id'] === 'string' && typeof r['type'] === 'string' && Number.isSafeInteger(r['seq'])
    && typeof r['prevHash'] === 'string' && HEX64.test(r['prevHash']) && typeof r['hash'] === 'string' && HEX64.test(r['hash'])
    && typeof r['signature'] === 'string' && typeof r['signerFingerprint'] === 'string' && typeof r['at'] === 'string'
    && typeof r['subjectSha256'] === 'string' && Array.isArray(r['parties']);
}

export function isSignedReceipt(value: unknown): value is SignedReceipt {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return s['format'] === SIGNED_RECEIPT_FORMAT && isReceiptRecord(s['receipt'])
    && Array.isArray(s['certificateChain']) && s['certificateChain'].length > 0 && s['certificateChain'].every((c) => typeof c === 'string');
}

/** Hash and signature of one receipt, with the certificate whose fingerprint it names. */
function checkSealed(receipt: ReceiptRecord, signer: X509Certificate | undefined): ReceiptVerification | undefined {
  if (receiptHash(receipt) !== receipt.hash) return fail('RECEIPT_HASH_MISMATCH', 'The receipt does not match its hash: it was changed after the axis sealed it.', receipt);
  if (!signer) return fail('RECEIPT_SIGNER_UNKNOWN', `No certificate with fingerprint ${receipt.signerFingerprint} was given to check this receipt's signature.`, receipt);
  if (createHash('sha256').update(signer.raw).digest('hex') !== receipt.signerFingerprint.toLowerCase()) {
    return fail('RECEIPT_SIGNER_MISMATCH', 'The certificate attached to the receipt is not the one the receipt names as its signer.', receipt);
  }
  let ok = false;
  try {
    ok = verify('sha256', Buffer.from(receipt.hash, 'hex'), { key: signer.publicKey, dsaEncoding: 'der' }, Buffer.from(receipt.signature, 'base64'));
  } catch {
    ok = false;
  }
  return ok ? undefined : fail('RECEIPT_SIGNATURE_INVALID', "The axis's signature on this receipt is not valid.", receipt);
}

export function verifyReceipt(input: unknown, options: { trustAnchors: readonly CertInput[] }): ReceiptVerification {
  if (!isSignedReceipt(input)) return fail('RECEIPT_MALFORMED', `This is not a signed receipt (${SIGNED_RECEIPT_FORMAT}: a receipt with its hash, signature and certificate chain).`);
  const { receipt } = input;
  let chain: X509Certificate[];
  try {
    chain = input.certificateChain.map((b64) => toX509(Buffer.from(b64, 'base64')));
  } catch {
    return fail('RECEIPT_MALFORMED', 'A certificate attached to the receipt cannot be read.', receipt);
  }
  const leaf = chain[0]!;
  const sealed = checkSealed(receipt, leaf);
  if (sealed) return sealed;
  const at = new Date(receipt.at);
  if (Number.isNaN(at.getTime())) return fail('RECEIPT_MALFORMED', `The receipt's time "${receipt.at}" is not a date.`, receipt);
  const path = verifyPath(leaf, chain.slice(1), options.trustAnchors.map(toX509), at);
  if (!path.ok) return fail(path.code, path.message, receipt);
  return {
    valid: true,
    code: 'RECEIPT_OK',
    message: `Receipt ${receipt.id} (#${receipt.seq}, ${receipt.type}) is intact and signed by the axis.`,
    receiptId: receipt.id,
    seq: receipt.seq,
    signer: { subject: leaf.subject.replace(/\n/g, ', '), fingerprint: receipt.signerFingerprint },
  };
}

export interface ChainVerification {
  valid: boolean;
  code: ReceiptCheckCode;
  message: string;
  /** Receipts checked before the first failure (all of them when valid). */
  checked: number;
  /** The first receipt that failed. */
  seq?: number;
  receiptId?: string;
}

/**
 * A run of consecutive receipts (in chain order): seq without gaps, each prevHash the hash before it (64 zeros for
 * seq 1), each hash and signature. Certificates come from signed receipts and/or `certificates`; with
 * `trustAnchors`, every signer must also lead to an anchor.
 */
export function verifyReceiptChain(
  receipts: readonly (ReceiptRecord | SignedReceipt)[],
  options: { certificates?: readonly CertInput[]; trustAnchors?: readonly CertInput[]; previousHash?: string } = {},
): ChainVerification {
  const pool = new Map<string, X509Certificate>();
  const add = (cert: X509Certificate) => pool.set(createHash('sha256').update(cert.raw).digest('hex'), cert);
  for (const c of options.certificates ?? []) add(toX509(c));
  const records: ReceiptRecord[] = [];
  for (const item of receipts) {
    if (isSignedReceipt(item)) {
      try {
        item.certificateChain.forEach((b64) => add(toX509(Buffer.from(b64, 'base64'))));
      } catch {
        return { ...fail('RECEIPT_MALFORMED', 'A certificate attached to a receipt cannot be read.', item.receipt), valid: false, checked: records.length };
      }
      records.push(item.receipt);
    } else if (isReceiptRecord(item)) {
      records.push(item);
    } else {
      return { ...fail('RECEIPT_MALFORMED', 'An entry of the chain is not a receipt.'), checked: records.length };
    }
  }
  const anchors = options.trustAnchors?.map(toX509);
  const trusted = new Set<string>();
  let previous: ReceiptRecord | undefined;
  for (const [index, receipt] of records.entries()) {
    const stop = (v: ReceiptVerification): ChainVerification => ({ ...v, checked: index });
    if (previous && receipt.seq !== previous.seq + 1) return stop(fail('RECEIPT_SEQ_GAP', `Receipt #${receipt.seq} follows #${previous.seq}: receipts are missing between them.`, receipt));
    const expectedPrev = previous?.hash ?? (receipt.seq === 1 ? GENESIS_PREV_HASH : options.previousHash);
    if (expectedPrev !== undefined && receipt.prevHash !== expectedPrev) {
      return stop(fail('RECEIPT_CHAIN_BROKEN', `Receipt #${receipt.seq} does not link to the receipt before it: the chain was altered.`, receipt));
    }
    const signer = pool.get(receipt.signerFingerprint.toLowerCase());
    const sealed = checkSealed(receipt, signer);
    if (sealed) return stop(sealed);
    if (anchors && signer && !trusted.has(receipt.signerFingerprint)) {
      const path = verifyPath(signer, [...pool.values()], anchors, new Date(receipt.at));
      if (!path.ok) return stop(fail(path.code, path.message, receipt));
      trusted.add(receipt.signerFingerprint);
    }
    previous = receipt;
  }
  return { valid: true, code: 'RECEIPT_OK', message: `${records.length} receipt(s) form an intact chain.`, checked: records.length };
}
