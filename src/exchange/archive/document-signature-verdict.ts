/**
 * Whether a document's PDFs carry a valid official's signature and an agency seal: the signatures-inside-documents
 * check decides it per document and will record its verdict on the envelope. Until that check exists, no envelope has
 * one and every share in the statistics says `unknown`; once it does, this reader is the one place to point at it.
 */
import type { EnvelopeRecord } from '../model/index.js';

export interface DocumentSignatureVerdict {
  /** Some PDF carries a valid signature by an official's personal certificate (chữ ký số cá nhân). */
  officialSignature: boolean;
  /** Some PDF carries a valid signature by the agency's certificate (chữ ký số của cơ quan, "seal"). */
  agencySeal: boolean;
}

export type SignatureVerdictReader = (envelope: EnvelopeRecord) => DocumentSignatureVerdict | undefined;

/** No verdict is recorded yet (the document-signature checks have not landed): every share is unknown. */
export const noSignatureVerdict: SignatureVerdictReader = () => undefined;
