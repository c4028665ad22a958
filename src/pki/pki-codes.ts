/**
 * Stable codes of a certificate verdict. They share the SIG_ vocabulary of src/signature (signature-report.ts and the
 * PDF verifier pass them through unchanged), so a clerk, the gateway and the CLI see one set of words.
 */
export const PKI_CODES = [
  'SIG_CERT_MALFORMED',
  'SIG_CERT_UNTRUSTED',
  'SIG_CERT_EXPIRED',
  'SIG_CERT_NOT_YET_VALID',
  'SIG_CERT_REVOKED',
  'SIG_CERT_KEY_USAGE',
  'SIG_CERT_CA_AS_SIGNER',
  'SIG_REVOCATION_UNKNOWN',
  'SIG_CRL_EXPIRED',
  'SIG_OCSP_UNAVAILABLE',
  'SIG_P12_INVALID',
  'SIG_P12_PASSWORD',
  'PKI_TRUST_UNREADABLE',
  'PKI_TRUST_EMPTY',
] as const;

export type PkiCode = (typeof PKI_CODES)[number];

/**
 * Codes that mean "the revocation status could not be established", not "the certificate is bad": the CLI exits 2
 * for these (could not check) rather than 1 (invalid).
 */
export const COULD_NOT_CHECK_CODES: ReadonlySet<string> = new Set(['SIG_REVOCATION_UNKNOWN', 'SIG_CRL_EXPIRED', 'SIG_OCSP_UNAVAILABLE']);

export function isCouldNotCheck(code: string | undefined): boolean {
  return code !== undefined && COULD_NOT_CHECK_CODES.has(code);
}
