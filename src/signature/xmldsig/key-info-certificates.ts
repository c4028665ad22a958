/**
 * The certificates a Signature's KeyInfo/X509Data carries: strict base64, DER that parses, and which one is the
 * signer (the one that issues none of the others). A truncated or garbled certificate is a verdict, not a crash.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { CertificateSummary } from '../../pki/types.js';

export class KeyInfoError extends Error {
  constructor(readonly code: 'SIG_CERT_MISSING' | 'SIG_CERT_MALFORMED', message: string) {
    super(message);
  }
}

/** Strict base64 (whitespace allowed between characters, as XML Schema's base64Binary does), else undefined. */
export function decodeBase64(text: string): Buffer | undefined {
  const compact = text.replace(/[\t\n\r ]+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}

export interface KeyInfoCertificates {
  signer: X509Certificate;
  signerDer: Buffer;
  others: Buffer[];
}

export function readKeyInfoCertificates(texts: readonly string[]): KeyInfoCertificates {
  if (texts.length === 0) throw new KeyInfoError('SIG_CERT_MISSING', 'The signature carries no X509Certificate in KeyInfo: the signer cannot be identified.');
  const parsed = texts.map((text, i) => {
    const der = decodeBase64(text);
    const preview = text.trim().slice(0, 16);
    if (!der) {
      const cut = /^[A-Za-z0-9+/\s]+$/.test(text);
      throw new KeyInfoError('SIG_CERT_MALFORMED', cut
        ? `Certificate ${i + 1} in KeyInfo (starts "${preview}") is truncated: its base64 text stops part-way, so it cannot be read.`
        : `Certificate ${i + 1} in KeyInfo (starts "${preview}") is not valid base64.`);
    }
    try {
      return { der, cert: new X509Certificate(der) };
    } catch {
      throw new KeyInfoError('SIG_CERT_MALFORMED', `Certificate ${i + 1} in KeyInfo (starts "${preview}", ${der.length} bytes) is not a readable X.509 certificate: it may be truncated.`);
    }
  });
  const leaves = parsed.filter((p) => !parsed.some((o) => o !== p && o.cert.checkIssued(p.cert) && o.cert.verify(p.cert.publicKey)));
  const signer = leaves[0] ?? parsed[0]!;
  return { signer: signer.cert, signerDer: signer.der, others: parsed.filter((p) => p !== signer).map((p) => p.der) };
}

function rdn(text: string): { display: string; fields: Record<string, string> } {
  const parts = text.split('\n').filter(Boolean);
  const fields: Record<string, string> = {};
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq > 0) fields[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return { display: parts.slice().reverse().join(', '), fields };
}

/** A plain summary for reports made before (or without) chain validation; src/pki's is richer. */
export function summarizeCertificate(cert: X509Certificate, der: Buffer): CertificateSummary {
  const subject = rdn(cert.subject);
  const keyType = cert.publicKey.asymmetricKeyType;
  return {
    subject: subject.display,
    subjectFields: subject.fields,
    issuer: rdn(cert.issuer).display,
    serialNumber: cert.serialNumber.toLowerCase(),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    keyUsage: [],
    isCA: cert.ca,
    sha256Fingerprint: createHash('sha256').update(der).digest('hex'),
    publicKeyAlgorithm: keyType === 'rsa' ? 'RSA' : keyType === 'ec' ? 'EC' : 'other',
  };
}
