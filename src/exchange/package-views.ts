/** The JSON shapes the exchange hands out about envelopes and deliveries (no blob paths, no internal keys). */
import type { DocumentSignaturesReport } from '../signature/documents/index.js';
import type { DeliveryRecord, EnvelopeRecord } from './model/index.js';

/** Who signed the package's documents (its PDFs), in which role, and the verdict. */
export interface DocumentSigner {
  file: string;
  who?: string;
  role: string;
  verdict: string;
}

export interface PackageSummary {
  packageId: string;
  kind: EnvelopeRecord['kind'];
  from: string;
  to: string[];
  documentId: string;
  refersToDocumentId?: string;
  businessType?: EnvelopeRecord['businessType'];
  statusCode?: EnvelopeRecord['statusCode'];
  codeNumber?: string;
  codeNotation?: string;
  subject?: string;
  /** OtherInfo/Priority, 0 thường ... 4 hỏa tốc hẹn giờ. */
  priority?: number;
  size: number;
  sha256: string;
  acceptedAt: string;
  revokedAt?: string;
  revokedByPackageId?: string;
  /** The signatures inside its documents (officials' and agencies' seals), when they were checked. */
  documentSigners?: DocumentSigner[];
}

/** The signatures-inside-documents report recorded at acceptance; undefined for a package accepted before that check. */
export function recordedDocumentSignatures(e: Pick<EnvelopeRecord, 'verification'>): DocumentSignaturesReport | undefined {
  return (e.verification as { documents?: DocumentSignaturesReport } | null | undefined)?.documents;
}

function documentSignersOf(e: EnvelopeRecord): DocumentSigner[] | undefined {
  const documents = recordedDocumentSignatures(e);
  if (!documents || documents.summary.signatures === 0) return undefined;
  return documents.files.flatMap((file) => file.signatures.map((sig) => ({ file: file.name, ...(sig.who !== undefined ? { who: sig.who } : {}), role: sig.role, verdict: sig.verdict })));
}

export function summaryOf(e: EnvelopeRecord): PackageSummary {
  const signers = documentSignersOf(e);
  return {
    packageId: e.id,
    kind: e.kind,
    from: e.fromOrganId,
    to: [...e.toOrganIds],
    documentId: e.documentId,
    ...(e.refersToDocumentId ? { refersToDocumentId: e.refersToDocumentId } : {}),
    ...(e.businessType !== undefined ? { businessType: e.businessType } : {}),
    ...(e.statusCode ? { statusCode: e.statusCode } : {}),
    ...(e.codeNumber ? { codeNumber: e.codeNumber } : {}),
    ...(e.codeNotation ? { codeNotation: e.codeNotation } : {}),
    ...(e.subject ? { subject: e.subject } : {}),
    ...(e.priority !== undefined ? { priority: e.priority } : {}),
    size: e.size,
    sha256: e.sha256,
    acceptedAt: e.acceptedAt,
    ...(e.revokedAt ? { revokedAt: e.revokedAt } : {}),
    ...(e.revokedByEnvelopeId ? { revokedByPackageId: e.revokedByEnvelopeId } : {}),
    ...(signers ? { documentSigners: signers } : {}),
  };
}

export interface DeliveryView {
  deliveryId: string;
  packageId: string;
  recipient: string;
  state: DeliveryRecord['state'];
  attempts: number;
  createdAt: string;
  updatedAt: string;
  deliveredAt?: string;
  fetchedAt?: string;
  acknowledgedAt?: string;
  lastError?: string;
}

/**
 * A delivery as `viewer` sees it (undefined: the axis's own people, archivists and operators). `lastError` is the
 * recipient's business: it can name the recipient's internal endpoint and quote its system's error pages, so another
 * agency (the sender) sees the state and the attempts only.
 */
export function deliveryViewOf(d: DeliveryRecord, viewer?: string): DeliveryView {
  return {
    deliveryId: d.id,
    packageId: d.envelopeId,
    recipient: d.recipientOrganId,
    state: d.state,
    attempts: d.attempts,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    ...(d.deliveredAt ? { deliveredAt: d.deliveredAt } : {}),
    ...(d.fetchedAt ? { fetchedAt: d.fetchedAt } : {}),
    ...(d.acknowledgedAt ? { acknowledgedAt: d.acknowledgedAt } : {}),
    ...(d.lastError && (viewer === undefined || viewer === d.recipientOrganId) ? { lastError: d.lastError } : {}),
  };
}
