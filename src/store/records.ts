/**
 * The records the axis keeps, as every store adapter and use-case speaks them. The delivery and status states are
 * each one union used everywhere (API, workers, CLI, adapters), as Domibus keeps one message-state enum.
 */

export type AgencyState = 'active' | 'suspended';
export type DeliveryMode = 'push' | 'pull';

export interface AgencyCredential {
  /** Public identifier sent with every request (e.g. `000.00.00.G22:3f9a...`). */
  keyId: string;
  /** The HMAC secret, encrypted at rest with the configured key (AES-256-GCM, base64); never the secret itself. */
  secretCiphertext: string;
  createdAt: string;
  /** A rotated credential stays valid until this instant (grace period), then is refused. */
  expiresAt?: string;
}

export interface AgencyRecord {
  organId: string;
  name: string;
  parentOrganId?: string;
  state: AgencyState;
  deliveryMode: DeliveryMode;
  endpointUrl?: string;
  credentials: AgencyCredential[];
  /** SHA-256 fingerprints (hex) of certificates registered to this agency. */
  certificateFingerprints: string[];
  createdAt: string;
  updatedAt: string;
}

export type EnvelopeKind = 'edoc' | 'status';
/** BussinessDocType: 0 new, 1 revoke, 2 update, 3 replace. */
export type BusinessType = 0 | 1 | 2 | 3;
export type StatusCode = '01' | '02' | '03' | '04' | '05' | '06' | '13' | '15' | '16';

export interface EnvelopeRecord {
  id: string;
  kind: EnvelopeKind;
  fromOrganId: string;
  toOrganIds: string[];
  documentId: string;
  codeNumber?: string;
  codeNotation?: string;
  subject?: string;
  businessType?: BusinessType;
  /** The DocumentId of the original this package answers, revokes, updates or replaces. */
  refersToDocumentId?: string;
  /** For status packages. */
  statusCode?: StatusCode;
  size: number;
  /** SHA-256 (hex) of the raw bytes as received; also the blob key (content-addressed). */
  sha256: string;
  /** sender | documentId | kind/businessType | sha256: the same package again is a duplicate. */
  dedupeKey: string;
  /** The signature verification report, as JSON. */
  verification: unknown;
  acceptedAt: string;
  /** Set when a later revocation (business type 1) from the same sender takes this document back. */
  revokedAt?: string;
  revokedByEnvelopeId?: string;
}

/**
 * pending: accepted, waiting for the delivery worker. retrying: a push attempt failed and another is scheduled.
 * delivered: the recipient's endpoint answered 2xx. available: in a pull agency's inbox. fetched: the recipient
 * downloaded it. acknowledged: the recipient confirmed transport. dead: retries exhausted or permanent failure
 * (still in the recipient's inbox, replayable by an operator). withheld: the original was revoked before the
 * recipient fetched it.
 */
export type DeliveryState =
  | 'pending'
  | 'retrying'
  | 'delivered'
  | 'available'
  | 'fetched'
  | 'acknowledged'
  | 'dead'
  | 'withheld';

export const DELIVERY_STATES: readonly DeliveryState[] = [
  'pending', 'retrying', 'delivered', 'available', 'fetched', 'acknowledged', 'dead', 'withheld',
];

export interface DeliveryRecord {
  id: string;
  envelopeId: string;
  recipientOrganId: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt?: string;
  lastError?: string;
  createdAt: string;
  updatedAt: string;
  deliveredAt?: string;
  fetchedAt?: string;
  acknowledgedAt?: string;
  /** Monotonic cursor for inbox paging (assigned by the store, increasing with creation). */
  seq: number;
  /**
   * Bumped by the store at every change, so a writer can ask that its change apply only to the record it read
   * (`DeliveryTransition.ifRevision`). Absent in records written before it existed: read it with `revisionOf`.
   */
  revision?: number;
}

/** A delivery's revision; 0 for a record that has never changed (or predates revisions). */
export function revisionOf(delivery: Pick<DeliveryRecord, 'revision'>): number {
  return delivery.revision ?? 0;
}

/** The business status of one document at one recipient, as the status packages have moved it. */
export interface DocumentStatusRecord {
  documentId: string;
  senderOrganId: string;
  recipientOrganId: string;
  code: StatusCode;
  envelopeId: string;
  updatedAt: string;
}

export type ReceiptType =
  | 'accepted'
  | 'rejected'
  | 'delivered'
  | 'fetched'
  | 'acknowledged'
  | 'status'
  | 'revoked'
  | 'failed'
  | 'replayed';

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
  /** SHA-256 (hex) over the canonical JSON of this receipt without hash and signature. */
  hash: string;
  /** The axis's signature over `hash` (base64) and the signing certificate's SHA-256 fingerprint. */
  signature: string;
  signerFingerprint: string;
}

/**
 * Seals a draft into a chained, signed receipt. Synchronous on purpose: it runs inside the store's transaction so
 * that the chain position and the previous hash cannot race (node:crypto signing is synchronous). It must not change
 * the draft: the chain hands it over without a copy.
 */
export type ReceiptSealer = (draft: ReceiptDraft, position: { seq: number; prevHash: string; id: string }) => ReceiptRecord;

/** A new document: an edoc of business type 0 (not a revocation, update or replacement). */
export function isNewDocument(envelope: Pick<EnvelopeRecord, 'kind' | 'businessType'>): boolean {
  return envelope.kind === 'edoc' && (envelope.businessType ?? 0) === 0;
}

/**
 * An earlier new document of the same sender and DocumentId with other bytes: what makes a new document's DocumentId
 * a conflict. The exchange checks it before accepting, the stores again in the transaction.
 */
export function documentIdClash(earlier: readonly EnvelopeRecord[], sha256: string): EnvelopeRecord | undefined {
  return earlier.find((e) => isNewDocument(e) && e.sha256 !== sha256);
}
