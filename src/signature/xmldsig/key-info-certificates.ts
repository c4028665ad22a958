/**
 * The certificates a Signature's KeyInfo/X509Data carries: strict base64, DER that parses, and which one is the
 * signer (the one that issues none of the others). A truncated or garbled certificate is a verdict, not a crash.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { summarizeCertificate as summarizePkiCertificate } from '../../pki/certificate-summary.js';
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
  /** The signer as src/pki describes it (UTF-8 subject fields, key usage, OrganId); absent if pkijs cannot read it. */
  summary?: CertificateSummary;
  /** SHA-256 of the signer DER, lower-case hex. */
  fingerprint: string;
}

/**
 * Parsed KeyInfo certificate sets, by the hash of their text: an official signs many packages, and parsing plus
 * finding the signer (a signature check per pair) costs more than canonicalizing a small package. X509Certificate
 * objects are immutable, so sharing them is safe. Failures are not cached (they are cheap and rare).
 */
const parsedSets = new Map<string, KeyInfoCertificates>();
const PARSED_SETS_LIMIT = 256;

export function readKeyInfoCertificates(texts: readonly string[]): KeyInfoCertificates {
  const key = createHash('sha256').update(texts.join('|')).digest('hex');
  const known = parsedSets.get(key);
  if (known) return known;
  const result = parseKeyInfoCertificates(texts);
  if (parsedSets.size >= PARSED_SETS_LIMIT) parsedSets.delete(parsedSets.keys().next().value!);
  parsedSets.set(key, result);
  return result;
}

function parseKeyInfoCertificates(texts: readonly string[]): KeyInfoCertificates {
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
  let summary: CertificateSummary | undefined;
  try {
    summary = summarizePkiCertificate(signer.der);
  } catch {
    summary = undefined; // node:crypto read it; the chain validator will give the verdict on what pkijs cannot read
  }
  return {
    signer: signer.cert,
    signerDer: signer.der,
    others: parsed.filter((p) => p !== signer).map((p) => p.der),
    ...(summary ? { summary } : {}),
    fingerprint: createHash('sha256').update(signer.der).digest('hex'),
  };
}
