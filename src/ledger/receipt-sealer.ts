/**
 * Seals receipt drafts into the axis's hash chain. Runs inside the store's transaction (synchronous node:crypto),
 * so a chain position and its previous hash are taken and signed in one step.
 */
import { sign } from 'node:crypto';
import type { ReceiptDraft, ReceiptRecord, ReceiptSealer } from './receipt.js';
import type { AxisIdentity } from './axis-identity.js';
import { receiptHash } from './receipt-hash.js';

/** The signature is over the 32 raw bytes of the hash, with SHA-256 (RSA PKCS#1 v1.5, or DER-encoded ECDSA). */
export function signReceiptHash(identity: Pick<AxisIdentity, 'privateKey'>, hash: string): string {
  return sign('sha256', Buffer.from(hash, 'hex'), { key: identity.privateKey, dsaEncoding: 'der' }).toString('base64');
}

export function createReceiptSealer(identity: AxisIdentity): ReceiptSealer {
  return (draft: ReceiptDraft, position: { seq: number; prevHash: string; id: string }): ReceiptRecord => {
    // A copy through JSON: what is hashed is exactly what a store can keep and give back.
    const body = JSON.parse(JSON.stringify({ ...draft, id: position.id, seq: position.seq, prevHash: position.prevHash, signerFingerprint: identity.fingerprint })) as Omit<ReceiptRecord, 'hash' | 'signature'>;
    const hash = receiptHash(body);
    return { ...body, hash, signature: signReceiptHash(identity, hash) };
  };
}
