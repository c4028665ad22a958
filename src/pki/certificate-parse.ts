/**
 * Certificate bytes as they arrive (DER, PEM, bare base64 from an XML KeyInfo) turned into a pkijs Certificate, or a
 * SIG_CERT_MALFORMED error that says what was wrong: the samples carry a truncated certificate (`MIIFqTCCBJG`).
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { pkiCrypto } from './crypto-engine.js';
import { PkiError } from './pki-error.js';

const MAX_CERTIFICATE_BYTES = 64 * 1024;
const PEM = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

function malformed(message: string, cause?: unknown): PkiError {
  return new PkiError('SIG_CERT_MALFORMED', message, undefined, cause === undefined ? undefined : { cause });
}

/** Strict base64 (whitespace allowed, as XML wraps it): Buffer.from would silently skip garbage. */
export function decodeBase64Strict(text: string): Buffer {
  if (!BASE64.test(text)) throw malformed('The certificate is not valid base64.');
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 !== 0) throw malformed(`The certificate's base64 is cut short (${compact.length} characters, not a multiple of 4).`);
  return Buffer.from(compact, 'base64');
}

/** DER bytes from DER, PEM or bare base64 input. */
export function certificateDer(input: Uint8Array | string): Buffer {
  if (typeof input !== 'string') {
    const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    if (bytes[0] === 0x30) return bytes;
    return certificateDer(bytes.toString('latin1'));
  }
  const pem = [...input.matchAll(PEM)];
  if (pem.length > 0) return decodeBase64Strict(pem[0]![1]!);
  return decodeBase64Strict(input);
}

/** Every certificate in a PEM bundle, or the one DER certificate. */
export function certificatesDer(input: Uint8Array): Buffer[] {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (bytes[0] === 0x30) return [bytes];
  const pems = [...bytes.toString('latin1').matchAll(PEM)];
  if (pems.length === 0) return [certificateDer(bytes)];
  return pems.map((m) => decodeBase64Strict(m[1]!));
}

/** Parses one certificate; throws PkiError SIG_CERT_MALFORMED with the reason for anything that is not one. */
export function parseCertificate(input: Uint8Array | string): pkijs.Certificate {
  pkiCrypto();
  const der = certificateDer(input);
  if (der.length === 0) throw malformed('The certificate is empty.');
  if (der.length > MAX_CERTIFICATE_BYTES) throw malformed(`The certificate is larger than ${MAX_CERTIFICATE_BYTES} bytes.`);
  const asn1 = asn1js.fromBER(new Uint8Array(der));
  if (asn1.offset === -1) throw malformed(`The certificate is not valid DER (${asn1.result.error || 'truncated or corrupt'}).`);
  if (asn1.offset !== der.length) throw malformed(`The certificate has ${der.length - asn1.offset} stray bytes after its end.`);
  try {
    const certificate = new pkijs.Certificate({ schema: asn1.result });
    originals.set(certificate, der);
    return certificate;
  } catch (error) {
    throw malformed(`The DER is not an X.509 certificate (${error instanceof Error ? error.message : String(error)}).`, error);
  }
}

const originals = new WeakMap<pkijs.Certificate, Buffer>();
const MEMO_LIMIT = 2000;
const memo = new Map<string, pkijs.Certificate>();

/**
 * parseCertificate memoised by the SHA-256 of the DER: pkijs's schema-driven parse costs milliseconds, and the same
 * signer and CA certificates come back with every package. The instance is shared: callers must not mutate it.
 */
export function parseCertificateShared(input: Uint8Array | string): pkijs.Certificate {
  const der = certificateDer(input);
  const key = createHash('sha256').update(der).digest('hex');
  const known = memo.get(key);
  if (known) return known;
  const certificate = parseCertificate(der);
  if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value as string);
  memo.set(key, certificate);
  return certificate;
}

/** The bytes a certificate was parsed from (re-encoding could differ from what was signed or fingerprinted). */
export function derOf(certificate: pkijs.Certificate): Buffer {
  return originals.get(certificate) ?? Buffer.from(certificate.toSchema(false).toBER(false));
}
