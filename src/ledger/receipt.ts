/**
 * A receipt: an append-only, signed record of a fact that matters as evidence. The use-cases draft it; the store seals
 * it into the axis's single hash chain (receipt-chain.ts) inside the transaction that records the fact.
 */

export type ReceiptType =
  | 'accepted'
  | 'rejected'
  | 'delivered'
  | 'fetched'
  | 'acknowledged'
  | 'revoked'
  | 'failed'
  | 'replayed';

/** A status package gets an `accepted` receipt like any package (its detail names the status code): no type of its own. */
export const RECEIPT_TYPES: readonly ReceiptType[] = [
  'accepted', 'rejected', 'delivered', 'fetched', 'acknowledged', 'revoked', 'failed', 'replayed',
];

/** What a use-case asks to be recorded; the store assigns the chain position and seals it. */
export interface ReceiptDraft {
  type: ReceiptType;
  envelopeId?: string;
  deliveryId?: string;
  documentId?: string;
  /** SHA-256 (hex) of what the receipt is about (the raw package, usually). */
  subjectSha256: string;
  /** Agencies party to the fact (sender, recipient): who may read the receipt. */
  parties: string[];
  at: string;
  detail?: Record<string, unknown>;
}

export interface ReceiptRecord extends ReceiptDraft {
  id: string;
  /** Position in the axis's single hash chain, from 1. */
  seq: number;
  /** Hash (hex) of the previous receipt, or 64 zeros for the first. */
  prevHash: string;
  /** SHA-256 (hex) over the RFC 8785 (JCS) canonical JSON of this receipt without hash and signature. */
  hash: string;
  /** The axis's signature over `hash` (base64) and the signing certificate's SHA-256 fingerprint. */
  signature: string;
  signerFingerprint: string;
}

/** Where a receipt goes in the chain: its sequence number, the previous receipt's hash and its id. */
export interface ChainPosition {
  seq: number;
  prevHash: string;
  id: string;
}

/**
 * Seals a draft into a chained, signed receipt. Synchronous on purpose: it runs inside the store's transaction so
 * that the chain position and the previous hash cannot race (node:crypto signing is synchronous). It must not change
 * the draft: the chain hands it over without a copy.
 */
export type ReceiptSealer = (draft: ReceiptDraft, position: ChainPosition) => ReceiptRecord;
