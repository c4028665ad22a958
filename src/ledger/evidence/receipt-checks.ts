/**
 * The receipts of a bundle: each one's hash and signature through the receipt verifier, then its inclusion proof
 * against a verified checkpoint; and each package's bytes against the digest the valid receipts about it name.
 */
import { createHash, type X509Certificate } from 'node:crypto';
import { isAxisError } from '../../errors/axis-error.js';
import { receiptLeafHash } from '../log/merkle-hash.js';
import { verifyInclusion } from '../log/merkle-verify.js';
import { inclusionProofFromJson } from '../log/proof-json.js';
import { verifyReceipt } from '../receipt-verifier.js';
import type { SignedReceipt } from '../signed-receipt.js';
import type { EvidenceManifest } from './bundle-manifest.js';
import type { CheckedCheckpoint } from './checkpoint-checks.js';
import { part, validPart, type PartVerdict } from './evidence-verdict.js';

const MAX_JSON_BYTES = 4 * 1024 * 1024;
const NO_SUBJECT = '0'.repeat(64);

export interface ReceiptContext {
  files: ReadonlyMap<string, Buffer>;
  manifest: EvidenceManifest;
  trustAnchors: readonly (X509Certificate | Uint8Array)[];
  checkpoints: ReadonlyMap<number, CheckedCheckpoint>;
}

function readJson(bytes: Buffer): unknown {
  if (bytes.length > MAX_JSON_BYTES) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

function checkInclusion(ctx: ReceiptContext, entry: EvidenceManifest['receipts'][number], receipt: SignedReceipt['receipt']): PartVerdict {
  const file = entry.proof;
  const bytes = file ? ctx.files.get(file) : undefined;
  if (!file || !bytes) return part('inclusion', file ?? entry.file, 'EVIDENCE_NO_PROOF', `Receipt #${receipt.seq} has no inclusion proof yet: no checkpoint in the bundle covers it.`);
  try {
    const proof = inclusionProofFromJson(readJson(bytes));
    if (proof.leafIndex !== receipt.seq - 1) return part('inclusion', file, 'EVIDENCE_PROOF_MISPLACED', `The proof is for leaf ${proof.leafIndex}, but receipt #${receipt.seq} is leaf ${receipt.seq - 1}.`);
    const checkpoint = ctx.checkpoints.get(proof.treeSize);
    if (!checkpoint) {
      const listed = ctx.manifest.checkpoints.some((c) => c.treeSize === proof.treeSize);
      return listed
        ? part('inclusion', file, 'EVIDENCE_CHECKPOINT_UNVERIFIED', `The checkpoint of ${proof.treeSize} receipts this proof relies on did not verify.`)
        : part('inclusion', file, 'EVIDENCE_CHECKPOINT_MISSING', `The proof relies on a checkpoint of ${proof.treeSize} receipts that is not in the bundle.`);
    }
    if (!verifyInclusion(receiptLeafHash(receipt.hash), proof.leafIndex, proof.treeSize, proof.auditPath, checkpoint.rootHash)) {
      return part('inclusion', file, 'EVIDENCE_INCLUSION_FAILED', `Receipt #${receipt.seq} is not in the log of ${proof.treeSize} receipts that ${checkpoint.file} commits to.`);
    }
    return validPart('inclusion', file, 'EVIDENCE_INCLUSION_OK', `Biên nhận #${receipt.seq} nằm trong sổ ${proof.treeSize} biên nhận mà ${checkpoint.file} xác nhận.`, `Receipt #${receipt.seq} is in the log of ${proof.treeSize} receipts that ${checkpoint.file} commits to.`);
  } catch (error) {
    return isAxisError(error) ? part('inclusion', file, error.code, error.message) : part('inclusion', file, 'LEDGER_PROOF_MALFORMED', 'The inclusion proof cannot be read.');
  }
}

export function checkReceipts(ctx: ReceiptContext): { parts: PartVerdict[]; valid: SignedReceipt['receipt'][] } {
  const parts: PartVerdict[] = [];
  const valid: SignedReceipt['receipt'][] = [];
  for (const entry of ctx.manifest.receipts) {
    const bytes = ctx.files.get(entry.file);
    if (!bytes) continue; // reported as a missing file
    const signed = readJson(bytes);
    const verdict = verifyReceipt(signed, { trustAnchors: ctx.trustAnchors });
    if (!verdict.valid) {
      parts.push(part('receipt', entry.file, verdict.code, verdict.message));
      continue;
    }
    const { receipt } = signed as SignedReceipt;
    if (receipt.id !== entry.id || receipt.seq !== entry.seq) {
      parts.push(part('receipt', entry.file, 'RECEIPT_MALFORMED', `The manifest lists receipt ${entry.id} (#${entry.seq}) here, but the file holds ${receipt.id} (#${receipt.seq}).`));
      continue;
    }
    valid.push(receipt);
    parts.push(validPart('receipt', entry.file, 'RECEIPT_OK', `Biên nhận #${receipt.seq} (${receipt.type}) còn nguyên vẹn và có chữ ký hợp lệ của trục.`, verdict.message));
    parts.push(checkInclusion(ctx, entry, receipt));
  }
  return { parts, valid };
}

export function checkPackages(files: ReadonlyMap<string, Buffer>, manifest: EvidenceManifest, receipts: readonly SignedReceipt['receipt'][]): PartVerdict[] {
  const parts: PartVerdict[] = [];
  for (const entry of manifest.packages) {
    const bytes = files.get(entry.file);
    if (!bytes) continue;
    const digest = createHash('sha256').update(bytes).digest('hex');
    const vouching = receipts.filter((r) => r.envelopeId === entry.envelopeId && r.subjectSha256 !== NO_SUBJECT);
    if (vouching.length === 0) {
      parts.push(part('package', entry.file, 'EVIDENCE_PACKAGE_UNVOUCHED', `No valid receipt in the bundle names the package ${entry.envelopeId}.`));
      continue;
    }
    const other = vouching.find((r) => r.subjectSha256.toLowerCase() !== digest);
    if (other) {
      parts.push(part('package', entry.file, 'EVIDENCE_PACKAGE_DIGEST_MISMATCH', `The package's SHA-256 is ${digest}, but receipt #${other.seq} (${other.type}) records ${other.subjectSha256}: the package was changed.`));
      continue;
    }
    const seqs = vouching.map((r) => `#${r.seq}`).join(', ');
    parts.push(validPart('package', entry.file, 'EVIDENCE_PACKAGE_OK', `Gói tin đúng từng byte như các biên nhận ${seqs} ghi nhận (SHA-256 ${digest}).`, `The package is byte for byte what receipts ${seqs} record (SHA-256 ${digest}).`));
  }
  return parts;
}
