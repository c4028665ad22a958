/** How one accepted package becomes records: the envelope, one delivery per recipient, the receipts. */
import type { AgencyRecord, DeliveryRecord, EnvelopeRecord, ReceiptDraft } from './model/index.js';
import { sortableId } from './ids.js';
import type { InspectedPackage } from './ports/package-inspector.js';
import type { PolicyOutcome } from './signature-policy.js';
import type { DocumentSignaturesReport } from '../signature/documents/index.js';

/** sender | DocumentId | kind/business type or status code | SHA-256: the same package sent again. */
export function dedupeKeyOf(pkg: InspectedPackage, documentId: string, sha256: string): string {
  const what = pkg.kind === 'edoc' ? `edoc/${pkg.businessType ?? 0}` : `status/${pkg.statusCode ?? ''}`;
  return [pkg.fromOrganId, documentId, what, sha256].join('|');
}

export interface EnvelopeInput {
  pkg: InspectedPackage;
  /** The package's warnings and the signature policy's: kept in the report and named in the accepted receipt. */
  warnings: { code: string; message: string }[];
  /** How the sender's signature policy was met. */
  signing: PolicyOutcome;
  documentId: string;
  refersToDocumentId?: string;
  toOrganIds: string[];
  sha256: string;
  size: number;
  at: string;
}

export function envelopeOf(input: EnvelopeInput): EnvelopeRecord {
  const { pkg } = input;
  return {
    id: sortableId('pkg'),
    kind: pkg.kind,
    fromOrganId: pkg.fromOrganId,
    toOrganIds: input.toOrganIds,
    documentId: input.documentId,
    ...(pkg.codeNumber ? { codeNumber: pkg.codeNumber } : {}),
    ...(pkg.codeNotation ? { codeNotation: pkg.codeNotation } : {}),
    ...(pkg.subject ? { subject: pkg.subject } : {}),
    ...(pkg.priority !== undefined ? { priority: pkg.priority } : {}),
    ...(pkg.kind === 'edoc' ? { businessType: pkg.businessType ?? 0 } : {}),
    ...(input.refersToDocumentId ? { refersToDocumentId: input.refersToDocumentId } : {}),
    ...(pkg.statusCode ? { statusCode: pkg.statusCode } : {}),
    size: input.size,
    sha256: input.sha256,
    dedupeKey: dedupeKeyOf(pkg, input.documentId, input.sha256),
    verification: {
      signature: pkg.signature,
      ...(pkg.documents ? { documents: pkg.documents } : {}),
      signaturePolicy: { policy: input.signing.policy, satisfiedBy: input.signing.satisfiedBy },
      warnings: input.warnings,
    },
    acceptedAt: input.at,
  };
}

/**
 * A pull agency finds the package in its inbox at once ('available'); a push agency's delivery waits for the
 * delivery worker ('pending') and is the only kind enqueued.
 */
export function deliveriesOf(envelope: EnvelopeRecord, recipients: AgencyRecord[], at: string): Omit<DeliveryRecord, 'seq'>[] {
  return recipients.map((agency) => ({
    id: sortableId('dlv'),
    envelopeId: envelope.id,
    recipientOrganId: agency.organId,
    state: agency.deliveryMode === 'push' && agency.endpointUrl ? 'pending' : 'available',
    attempts: 0,
    createdAt: at,
    updatedAt: at,
    revision: 0,
  }));
}

/** What the accepted receipt says of a package's signatures: compact, and evidence of who signed in which role. */
function signingDetail(signing: PolicyOutcome | undefined, documents: DocumentSignaturesReport | undefined): Record<string, unknown> {
  return {
    ...(signing ? { signaturePolicy: { policy: signing.policy, satisfiedBy: signing.satisfiedBy } } : {}),
    ...(documents && documents.summary.signatures > 0 ? {
      documentSignatures: {
        officials: documents.summary.officials,
        agencySeals: documents.summary.agencySeals,
        signatures: documents.files.flatMap((file) => file.signatures.map((sig) => ({
          file: file.name,
          index: sig.index,
          ...(sig.who !== undefined ? { who: sig.who } : {}),
          role: sig.role,
          ...(sig.certificate ? { sha256Fingerprint: sig.certificate.sha256Fingerprint } : {}),
          verdict: sig.verdict,
          code: sig.code,
        }))),
      },
    } : {}),
  };
}

/**
 * `accepted`: what the package was accepted with: its warnings (their codes are named, as evidence), how the signature
 * policy was met and who signed its documents.
 */
export function acceptedReceiptOf(envelope: EnvelopeRecord, accepted: { warnings: readonly { code: string }[]; signing?: PolicyOutcome; documents?: DocumentSignaturesReport }): ReceiptDraft {
  const warningCodes = [...new Set(accepted.warnings.map((w) => w.code))];
  return {
    type: 'accepted',
    envelopeId: envelope.id,
    documentId: envelope.documentId,
    subjectSha256: envelope.sha256,
    parties: [...new Set([envelope.fromOrganId, ...envelope.toOrganIds])],
    at: envelope.acceptedAt,
    detail: {
      kind: envelope.kind,
      size: envelope.size,
      ...(envelope.businessType !== undefined ? { businessType: envelope.businessType } : {}),
      ...(envelope.statusCode ? { statusCode: envelope.statusCode, routedTo: [...envelope.toOrganIds] } : {}),
      ...(envelope.refersToDocumentId ? { refersToDocumentId: envelope.refersToDocumentId } : {}),
      ...(warningCodes.length > 0 ? { warnings: warningCodes } : {}),
      ...signingDetail(accepted.signing, accepted.documents),
    },
  };
}

export function revokedReceiptOf(original: EnvelopeRecord, revocation: EnvelopeRecord): ReceiptDraft {
  return {
    type: 'revoked',
    envelopeId: original.id,
    documentId: original.documentId,
    subjectSha256: original.sha256,
    parties: [...new Set([original.fromOrganId, ...original.toOrganIds])],
    at: revocation.acceptedAt,
    detail: { revokedByEnvelopeId: revocation.id, revocationSha256: revocation.sha256 },
  };
}
