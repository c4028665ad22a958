import { isCouldNotCheck } from '../pki/pki-codes.js';
import type { CertificateSummary, ChainReport, RevocationReport, ValidationPolicy } from '../pki/types.js';

/**
 * Stable codes of an XMLDSig verdict on an edXML package. Other tools (gateway, receipts, CLI exit codes) key on
 * these strings, so they never change meaning; certificate codes from src/pki pass through unchanged.
 */
export const SIGNATURE_CODES = [
  'SIG_OK',
  'SIG_MISSING',
  'SIG_ALGORITHM_FORBIDDEN',
  'SIG_ALGORITHM_UNSUPPORTED',
  'SIG_DIGEST_MISMATCH',
  'SIG_VALUE_INVALID',
  'SIG_WRAPPING',
  'SIG_DUPLICATE',
  'SIG_MISPLACED',
  'SIG_EXTERNAL_REFERENCE',
  'SIG_TRANSFORM_FORBIDDEN',
  'SIG_CERT_MISSING',
  'SIG_CERT_MALFORMED',
  'SIG_KEY_ONLY',
  'SIG_HMAC_FORBIDDEN',
  'SIG_XML_MALFORMED',
  'SIG_DTD_FORBIDDEN',
] as const;

export type SignatureCode = (typeof SIGNATURE_CODES)[number];

export type SignatureAlgorithmUri = string;

export interface SignatureReport {
  valid: boolean;
  /** A SignatureCode, or a certificate code from src/pki (e.g. SIG_CERT_REVOKED) passed through. */
  code: SignatureCode | string;
  message: string;
  signatureAlgorithm?: SignatureAlgorithmUri;
  digestAlgorithm?: SignatureAlgorithmUri;
  canonicalization?: SignatureAlgorithmUri;
  signer?: CertificateSummary;
  chain?: ChainReport;
  revocation?: RevocationReport;
  /** From SignatureProperties/SigningTime when the package carries it (ISO-8601 as written). */
  signingTime?: string;
  warnings: string[];
}

export interface SignOptions {
  algorithm?: 'rsa-sha256' | 'rsa-sha1' | 'ecdsa-sha256';
  c14n?: 'exc' | 'inclusive';
  includeChain?: boolean;
  signingTime?: Date;
}

export type SignaturePolicy = ValidationPolicy & { allowSha1?: boolean };

/** Exit code the CLI uses for a report: 0 valid, 1 invalid, 2 could not check. */
export function exitCodeOf(report: SignatureReport): 0 | 1 | 2 {
  if (report.valid) return 0;
  // Revocation that could not be established (unknown, CRL expired, OCSP down) is "could not check", not "invalid".
  return isCouldNotCheck(report.code) ? 2 : 1;
}
