/**
 * The contract of the certificate layer: what a verifier (XMLDSig, PDF, receipts, the gateway) asks of it and what it
 * answers. Implementations live beside this file; nothing here knows of HTTP, storage or queues.
 */

export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

/** A certificate as a person reads it: subject decoded from UTF-8, the agency it belongs to when it says. */
export interface CertificateSummary {
  subject: string;
  subjectFields: Record<string, string>;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  keyUsage: KeyUsageName[];
  isCA: boolean;
  /** The agency code (OrganId) the certificate is tied to, when it carries one (see certs/README.md). */
  organId?: string;
  sha256Fingerprint: string;
  publicKeyAlgorithm: 'RSA' | 'EC' | 'other';
}

export type RevocationStatus = 'good' | 'revoked' | 'unknown';

export interface RevocationReport {
  status: RevocationStatus;
  source?: 'crl' | 'ocsp';
  checkedAt?: string;
  revokedAt?: string;
  reason?: string;
  /** Why revocation is unknown (responder down, no distribution point, CRL expired...). */
  detail?: string;
}

export interface ChainReport {
  status: 'valid' | 'invalid';
  /** Leaf first, trust anchor last. */
  path: CertificateSummary[];
}

export interface CertificateValidationReport {
  valid: boolean;
  /** Stable code when not valid, e.g. SIG_CERT_UNTRUSTED, SIG_CERT_REVOKED, SIG_REVOCATION_UNKNOWN. */
  code?: string;
  message?: string;
  signer?: CertificateSummary;
  chain: ChainReport;
  revocation: RevocationReport;
  /** The instant validity was judged at (signing time or now, by policy). */
  checkedAt: string;
  warnings: string[];
}

export interface ValidationPolicy {
  /** Judge validity at this instant (e.g. the signing time); default now. */
  at?: Date;
  /** fail-closed (default): unknown revocation makes the certificate invalid. fail-open: a warning. */
  revocation?: 'fail-closed' | 'fail-open';
  /** Never touch the network: only CRLs handed in (or cached) count. */
  offline?: boolean;
  /** CRLs supplied by the caller (DER or PEM), used before any download. */
  crls?: Uint8Array[];
  /** Key usages the signer certificate must allow; default digitalSignature or nonRepudiation. */
  requiredKeyUsage?: KeyUsageName[];
}

export interface CertificateValidator {
  /**
   * Builds and validates the chain of `signer` (DER) to a trust anchor, using `intermediates` (DER, e.g. from the
   * package's KeyInfo) and any store the validator holds, then checks revocation of every non-anchor certificate.
   * Never throws for a bad certificate: the report says why. Throws only for programming errors.
   */
  validate(signer: Uint8Array, intermediates: Uint8Array[], policy?: ValidationPolicy): Promise<CertificateValidationReport>;
}
