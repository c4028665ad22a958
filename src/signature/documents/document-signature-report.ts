/**
 * What the axis says about the signatures inside a package's documents (Decree 30/2020: the official's signature
 * and the agency's seal on the PDF): per attachment file and per signature, who, in what role, with which
 * certificate, when, and the verdict. Plain data only (strings, numbers, arrays): it crosses from the inspector
 * threads by structured clone and goes as it is into the package report, the receipt detail and the timeline.
 */
import type { SignerRole } from '../../pki/signer-role.js';

/** valid; invalid (a verdict: revoked, altered, untrusted...); could-not-check (revocation unknown, check failed). */
export type SignatureVerdict = 'valid' | 'invalid' | 'could-not-check';

export interface SignerCertificate {
  sha256Fingerprint: string;
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  /** organizationIdentifier of the certificate, when it carries one. */
  organId?: string;
}

export interface DocumentSignature {
  /** 1-based, in the order the signatures were applied. */
  index: number;
  fieldName?: string;
  /** Who signed: the certificate's CN, else the name the PDF shows (/Name). */
  who?: string;
  role: SignerRole;
  /** Which certificate convention decided the role. */
  roleBasis?: string;
  /** For a seal: the agency code its certificate names. */
  agencyOrganId?: string;
  certificate?: SignerCertificate;
  /** ISO-8601, as the signer claims it (no timestamp in PAdES-B), and where it was read. */
  signingTime?: string;
  signingTimeSource?: 'pdf-M' | 'cms-signingTime';
  /** The instant the certificate was judged at. */
  validityCheckedAt?: string;
  verdict: SignatureVerdict;
  /** PDF_OK, or the stable code of the failure (PDF_MODIFIED_AFTER_SIGNING, SIG_CERT_REVOKED, ...). */
  code: string;
  message: string;
  coversWholeDocument: boolean;
  modifiedAfterSigning: boolean;
  revocation?: { status: 'good' | 'revoked' | 'unknown'; source?: 'crl' | 'ocsp'; revokedAt?: string; reason?: string };
  warnings: string[];
}

export interface DocumentFileSignatures {
  /** The attachment the file came from, and the file's name (the path inside the zip for a zipped one). */
  contentId?: string;
  attachmentName?: string;
  name: string;
  size: number;
  sha256: string;
  /** pdf: a PDF by its header or its name; other: not looked into. */
  kind: 'pdf' | 'other';
  /** signed / unsigned PDF; unreadable: a PDF the verifier could not read (PDF_NOT_PDF, PDF_TOO_LARGE...). */
  status: 'signed' | 'unsigned' | 'unreadable' | 'not-pdf';
  /** The PDF verifier's code for the file (PDF_OK, PDF_NO_SIGNATURE, the first failure...). */
  code?: string;
  message?: string;
  signatures: DocumentSignature[];
}

export interface DocumentSignaturesSummary {
  files: number;
  pdfs: number;
  signedPdfs: number;
  signatures: number;
  valid: number;
  invalid: number;
  couldNotCheck: number;
  /** Valid signatures by role: the figures the government's reports on personal signatures track. */
  officials: number;
  agencySeals: number;
}

export interface DocumentSignaturesReport {
  files: DocumentFileSignatures[];
  summary: DocumentSignaturesSummary;
  checkedAt: string;
}
