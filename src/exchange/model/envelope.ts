/** An envelope: one accepted edXML package (a document or a status), its raw bytes kept byte-exact under sha256. */
import type { StatusCode } from './document-status.js';

export type EnvelopeKind = 'edoc' | 'status';
/** BussinessDocType: 0 new, 1 revoke, 2 update, 3 replace. */
export type BusinessType = 0 | 1 | 2 | 3;

export interface EnvelopeRecord {
  id: string;
  kind: EnvelopeKind;
  fromOrganId: string;
  toOrganIds: string[];
  documentId: string;
  codeNumber?: string;
  codeNotation?: string;
  subject?: string;
  /** OtherInfo/Priority of a document (0 thường ... 4 hỏa tốc hẹn giờ), when the package gives it: what its time limit depends on. */
  priority?: number;
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
