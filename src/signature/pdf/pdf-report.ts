import { isCouldNotCheck } from '../../pki/pki-codes.js';
import type { SignerRole } from '../../pki/signer-role.js';
import type { CertificateSummary, CertificateValidator, ChainReport, RevocationReport, ValidationPolicy } from '../../pki/types.js';

/**
 * Stable codes of a PDF signature verdict. Other tools key on these strings; certificate codes from src/pki
 * (SIG_CERT_UNTRUSTED, SIG_CERT_REVOKED, SIG_REVOCATION_UNKNOWN...) pass through unchanged.
 */
export const PDF_SIGNATURE_CODES = [
  'PDF_OK',
  'PDF_NOT_PDF',
  'PDF_TOO_LARGE',
  'PDF_NO_SIGNATURE',
  'PDF_BYTERANGE_INVALID',
  'PDF_DIGEST_MISMATCH',
  'PDF_SIGNATURE_INVALID',
  'PDF_MODIFIED_AFTER_SIGNING',
  'PDF_CMS_MALFORMED',
  'PDF_ALGORITHM_UNSUPPORTED',
  'PDF_CERT_MISSING',
  'PDF_STRUCTURE_UNSUPPORTED',
  'PDF_SIGNER_UNUSABLE',
  'PDF_CHECK_FAILED',
  'PDF_APPEARANCE_INVALID',
] as const;

export type PdfSignatureCode = (typeof PDF_SIGNATURE_CODES)[number];

/**
 * Who a signature speaks for under Decree 30/2020: the official who signed, or the agency that sealed; unknown when
 * the signer certificate could not be read (src/pki/signer-role.ts reads the CAs' conventions).
 */
export type PdfSignerRole = SignerRole;

export interface PdfSignatureReport {
  /** 1-based, in the order the signatures were applied (by where their signed range ends). */
  index: number;
  valid: boolean;
  code: PdfSignatureCode | string;
  message: string;
  fieldName?: string;
  subFilter?: string;
  byteRange?: number[];
  /** The signed range reaches the end of the file (pdfsig: "Total document signed"). */
  coversWholeDocument: boolean;
  /** Bytes were appended after this signature's range, and they are not (only) later signatures. */
  modifiedAfterSigning: boolean;
  /** Integrity alone: the messageDigest matches the signed bytes and the CMS signature value verifies. */
  integrity: 'valid' | 'digest-mismatch' | 'signature-invalid' | 'not-checked';
  digestAlgorithm?: string;
  signatureAlgorithm?: string;
  role?: PdfSignerRole;
  /** Which certificate convention decided the role (e.g. "UID CCCD:", "organizationIdentifier", "OU is an OrganId"). */
  roleBasis?: string;
  /** For a seal: the agency code its certificate names (organizationIdentifier, else an OrganId-shaped OU). */
  agencyOrganId?: string;
  signer?: CertificateSummary;
  chain?: ChainReport;
  revocation?: RevocationReport;
  /** The instant the signer's certificate was judged at (the signing time or the time of checking). */
  validityCheckedAt?: string;
  /** As the signer claims it (no timestamp in PAdES-B): the PDF /M, else the CMS signingTime attribute. */
  signingTime?: string;
  signingTimeSource?: 'pdf-M' | 'cms-signingTime';
  reason?: string;
  location?: string;
  name?: string;
  warnings: string[];
}

export interface PdfVerificationReport {
  valid: boolean;
  code: PdfSignatureCode | string;
  message: string;
  fileSize: number;
  signatures: PdfSignatureReport[];
  /** Convenience views of `signatures` for a clerk: who signed, which agency sealed. */
  officials: CertificateSummary[];
  agencySeals: CertificateSummary[];
  warnings: string[];
}

export interface PdfVerifyOptions {
  validator: CertificateValidator;
  policy?: ValidationPolicy;
  /** Refuse larger input before parsing it (default 100 MiB). */
  maxBytes?: number;
  /**
   * When certificates are judged: 'now' (default: policy.at or now) or 'signing-time' (each signature at the signing
   * time it claims, when it claims one that is not in the future). Revocation is refused at any date either way.
   */
  validityAt?: 'now' | 'signing-time';
}

export interface PdfSignOptions {
  reason?: string;
  location?: string;
  name?: string;
  signingTime?: Date;
  contactInfo?: string;
  /** A visible signature (Decree 30/2020 Appendix I); without it the signature is invisible. */
  appearance?: PdfAppearanceOptions;
}

export interface PdfAppearanceOptions {
  /** 1-based page number (default 1). */
  page?: number;
  /** x, y, width, height in points from the page's lower-left corner. */
  rect: [number, number, number, number];
  /** PNG (transparent background) or JPEG: the handwritten signature, or the seal. */
  image?: Uint8Array;
  /** Default from the signer certificate (src/pki/signer-role.ts): an official gets name and time under the picture. */
  role?: 'official' | 'agency-seal';
  /** Lines under an official's picture; default the signer's name (options.name or the certificate's CN) and the time. */
  lines?: string[];
  /** TrueType font for those lines (Vietnamese needs one with its letters, e.g. DejaVu Sans). */
  font?: Uint8Array;
}

/** Exit code the CLI uses: 0 valid, 1 invalid, 2 could not check (revocation not established, or the check itself failed). */
export function pdfExitCodeOf(report: PdfVerificationReport): 0 | 1 | 2 {
  if (report.valid) return 0;
  return isCouldNotCheck(report.code) || report.code === 'PDF_CHECK_FAILED' ? 2 : 1;
}
