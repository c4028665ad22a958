/**
 * One receipt checked on its own, with the proof the API gives for it (GET /v1/receipts/{id}/proof): its hash and
 * signature, the checkpoint's signature, the time-stamp over the checkpoint, and the receipt's inclusion in that
 * checkpoint's tree. This is how an agency checks its own receipts as a set: each one stands alone, so the gaps that
 * other agencies' receipts leave in its list do not matter (`edx receipt verify` with proofs).
 */
import type { X509Certificate } from 'node:crypto';
import { isAxisError } from '../../errors/axis-error.js';
import { receiptLeafHash } from '../log/merkle-hash.js';
import { verifyInclusion } from '../log/merkle-verify.js';
import { inclusionProofFromJson } from '../log/proof-json.js';
import { verifyReceipt, type ReceiptVerification } from '../receipt-verifier.js';
import { verifyTimestampToken } from '../timestamp/timestamp-token.js';
import { verifyCheckpoint } from './checkpoint-verifier.js';
import type { ReceiptProofView } from './ledger-proofs.js';
import { parseSignedNote } from './signed-note.js';

type CertInput = X509Certificate | Uint8Array;

export interface ProvenReceiptTrust {
  trustAnchors: readonly CertInput[];
  /** Default: trustAnchors. */
  tsaTrustAnchors?: readonly CertInput[];
  noteVerifierKeys?: readonly string[];
  origin?: string;
}

export interface ProvenReceiptVerification extends Omit<ReceiptVerification, 'code'> {
  code: string;
  /** The time the TSA vouches the checkpoint (and so the receipt) existed. */
  provenBy?: { treeSize: number; timestampedAt: string };
}

export async function verifyProvenReceipt(signed: unknown, proofView: ReceiptProofView, trust: ProvenReceiptTrust): Promise<ProvenReceiptVerification> {
  const receipt = verifyReceipt(signed, { trustAnchors: trust.trustAnchors });
  if (!receipt.valid) return receipt;
  const { receipt: record, certificateChain } = signed as { receipt: { hash: string; seq: number; id: string }; certificateChain: string[] };
  const fail = (code: string, message: string): ProvenReceiptVerification => ({ valid: false, code, message, receiptId: record.id, seq: record.seq });
  try {
    const proof = inclusionProofFromJson(proofView);
    if (proof.leafIndex !== record.seq - 1) return fail('EVIDENCE_PROOF_MISPLACED', `The proof is for leaf ${proof.leafIndex}, but receipt #${record.seq} is leaf ${record.seq - 1}.`);
    if (!proofView.timestampToken) return fail('EVIDENCE_NO_TIMESTAMP', `The checkpoint of ${proof.treeSize} receipts is not time-stamped yet.`);
    const body = parseSignedNote(proofView.checkpoint).text;
    const stamp = await verifyTimestampToken(Buffer.from(proofView.timestampToken, 'base64'), { data: Buffer.from(body, 'utf8'), trustAnchors: trust.tsaTrustAnchors ?? trust.trustAnchors });
    const checkpoint = verifyCheckpoint(proofView.checkpoint, {
      certificates: certificateChain.map((b64) => Buffer.from(b64, 'base64')), trustAnchors: trust.trustAnchors, at: stamp.genTime,
      noteVerifierKeys: trust.noteVerifierKeys ?? [], ...(trust.origin ? { origin: trust.origin } : {}),
    });
    if (checkpoint.treeSize !== proof.treeSize) return fail('EVIDENCE_PROOF_MISPLACED', `The proof is for a tree of ${proof.treeSize} receipts, the checkpoint of ${checkpoint.treeSize}.`);
    if (!verifyInclusion(receiptLeafHash(record.hash), proof.leafIndex, proof.treeSize, proof.auditPath, checkpoint.rootHash)) {
      return fail('EVIDENCE_INCLUSION_FAILED', `Receipt #${record.seq} is not in the log of ${proof.treeSize} receipts the checkpoint commits to.`);
    }
    return { ...receipt, message: `${receipt.message} It is in the log of ${proof.treeSize} receipts time-stamped at ${stamp.genTime.toISOString()}.`, provenBy: { treeSize: proof.treeSize, timestampedAt: stamp.genTime.toISOString() } };
  } catch (error) {
    return fail(isAxisError(error) ? error.code : 'LEDGER_PROOF_MALFORMED', error instanceof Error ? error.message : String(error));
  }
}
