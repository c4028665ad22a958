/**
 * Who signed each package about a document, as the axis judged it when it accepted the package: the XMLDSig verdict
 * and the signatures inside its PDFs, both kept in the envelope's verification report. For the document's page.
 */
import type { DocumentFileSignatures } from '../../signature/documents/index.js';
import { recordedDocumentSignatures } from '../package-views.js';
import type { EnvelopeRecord } from '../model/index.js';
import type { Store } from '../ports/index.js';

export interface PackageSignature {
  packageId: string;
  kind: EnvelopeRecord['kind'];
  businessType?: number;
  statusCode?: string;
  from: string;
  acceptedAt: string;
  /** Absent when the package was accepted unsigned (a status, or an agency whose policy allows it). */
  signature?: {
    valid: boolean;
    code: string;
    message: string;
    signingTime?: string;
    signer?: { subject: string; issuer: string; notAfter: string; organId?: string; sha256Fingerprint: string };
  };
  /** The package's files and the signatures inside them; absent for a package accepted before that check existed. */
  documentFiles?: DocumentFileSignatures[];
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function signatureOf(verification: unknown): PackageSignature['signature'] {
  const report = (verification as { signature?: Record<string, unknown> } | undefined)?.signature;
  if (!report || typeof report !== 'object' || report['code'] === 'SIG_MISSING') return undefined;
  const signer = report['signer'] as Record<string, unknown> | undefined;
  const signingTime = text(report['signingTime']);
  return {
    valid: report['valid'] === true,
    code: text(report['code']) ?? '',
    message: text(report['message']) ?? '',
    ...(signingTime ? { signingTime } : {}),
    ...(signer && typeof signer === 'object' ? {
      signer: {
        subject: text(signer['subject']) ?? '',
        issuer: text(signer['issuer']) ?? '',
        notAfter: text(signer['notAfter']) ?? '',
        ...(text(signer['organId']) ? { organId: text(signer['organId'])! } : {}),
        sha256Fingerprint: text(signer['sha256Fingerprint']) ?? '',
      },
    } : {}),
  };
}

export async function packageSignatures(store: Store, documentId: string): Promise<PackageSignature[]> {
  const envelopes = await store.listEnvelopesForDocument(documentId);
  return envelopes.map((e) => {
    const signature = signatureOf(e.verification);
    const documents = recordedDocumentSignatures(e);
    return {
      packageId: e.id,
      kind: e.kind,
      ...(e.businessType !== undefined ? { businessType: e.businessType } : {}),
      ...(e.statusCode ? { statusCode: e.statusCode } : {}),
      from: e.fromOrganId,
      acceptedAt: e.acceptedAt,
      ...(signature ? { signature } : {}),
      ...(Array.isArray(documents?.files) ? { documentFiles: documents.files } : {}),
    };
  });
}
