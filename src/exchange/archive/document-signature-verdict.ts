/**
 * Whether a document's PDFs carry a valid official's signature and an agency seal, as the signatures-inside-documents
 * check recorded it on the envelope when the package was accepted (the report's `documents` part). Envelopes accepted
 * before that check existed have no such part: they have no verdict, and the statistics count them as unknown.
 */
import type { EnvelopeRecord } from '../model/index.js';
import { recordedDocumentSignatures } from '../package-views.js';

export interface DocumentSignatureVerdict {
  /** Some PDF carries a valid signature by an official's personal certificate (chữ ký số cá nhân). */
  officialSignature: boolean;
  /** Some PDF carries a valid signature by the agency's certificate (chữ ký số của cơ quan, "seal"). */
  agencySeal: boolean;
}

export type SignatureVerdictReader = (envelope: EnvelopeRecord) => DocumentSignatureVerdict | undefined;

/** The verdict recorded at acceptance; undefined for an envelope whose documents were never checked. */
export const recordedSignatureVerdict: SignatureVerdictReader = (envelope) => {
  const summary = recordedDocumentSignatures(envelope)?.summary;
  if (summary === undefined) return undefined;
  return { officialSignature: summary.officials > 0, agencySeal: summary.agencySeals > 0 };
};
