/**
 * The axis's signature on a push request, so an agency's DMS can tell the axis from an impostor. The signed string
 * is the version tag, method, request target, recipient, package id, idempotency key, body SHA-256 and timestamp,
 * one per line; the signature is SHA-256 with the axis's certificate key (RSA PKCS#1 v1.5 or DER ECDSA), base64.
 * docs/delivery.md shows an agency how to check it.
 */
import { sign, verify, X509Certificate, type KeyObject } from 'node:crypto';

export const PUSH_SIGNATURE_VERSION = 'edx-push-v1';

export const PUSH_HEADERS = {
  packageId: 'x-edx-package-id',
  recipient: 'x-edx-recipient',
  idempotencyKey: 'idempotency-key',
  contentSha256: 'x-edx-content-sha256',
  contentDigest: 'content-digest',
  timestamp: 'x-edx-timestamp',
  signature: 'x-edx-axis-signature',
} as const;

export interface PushSignedFields {
  method: string;
  /** Path and query of the request, as sent. */
  target: string;
  recipientOrganId: string;
  packageId: string;
  idempotencyKey: string;
  /** Hex SHA-256 of the body. */
  contentSha256: string;
  /** RFC 3339 UTC. */
  timestamp: string;
}

export function pushSigningString(f: PushSignedFields): string {
  return [PUSH_SIGNATURE_VERSION, f.method.toUpperCase(), f.target, f.recipientOrganId, f.packageId, f.idempotencyKey, f.contentSha256.toLowerCase(), f.timestamp].join('\n');
}

export interface PushSigningIdentity {
  privateKey: KeyObject;
  /** SHA-256 (hex) of the axis certificate: tells the agency which certificate to verify with. */
  fingerprint: string;
}

function algorithmOf(key: KeyObject): string {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') return 'rsa-sha256';
  if (type === 'ec') return 'ecdsa-sha256';
  if (type === 'ed25519') return 'ed25519';
  throw new Error(`unsupported axis key type ${String(type)}`);
}

/** `v=edx-push-v1; alg=rsa-sha256; keyid=<cert sha256 hex>; sig=<base64>` */
export function signPush(fields: PushSignedFields, identity: PushSigningIdentity): string {
  const alg = algorithmOf(identity.privateKey);
  const data = Buffer.from(pushSigningString(fields), 'utf8');
  const sig = sign(alg === 'ed25519' ? null : 'sha256', data, { key: identity.privateKey, dsaEncoding: 'der' });
  return `v=${PUSH_SIGNATURE_VERSION}; alg=${alg}; keyid=${identity.fingerprint}; sig=${sig.toString('base64')}`;
}

export function parseSignatureHeader(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of value.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) out[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return out;
}

export type PushCheck = { valid: true } | { valid: false; reason: string };

type HeaderBag = Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * What an agency runs on a push it receives (also used by the tests): the signature, the certificate it names,
 * the timestamp's freshness. The caller still checks that the body's SHA-256 equals x-edx-content-sha256.
 */
export function verifyPushSignature(
  request: { method: string; target: string; headers: HeaderBag },
  axisCertificate: X509Certificate | Uint8Array,
  options: { now?: Date; maxSkewMs?: number } = {},
): PushCheck {
  const cert = axisCertificate instanceof X509Certificate ? axisCertificate : new X509Certificate(axisCertificate);
  const value = header(request.headers, PUSH_HEADERS.signature);
  if (!value) return { valid: false, reason: 'no X-Edx-Axis-Signature header' };
  const parts = parseSignatureHeader(value);
  if (parts['v'] !== PUSH_SIGNATURE_VERSION || !parts['sig'] || !parts['alg']) return { valid: false, reason: 'unreadable signature header' };
  const fields: Partial<PushSignedFields> = {
    method: request.method,
    target: request.target,
    recipientOrganId: header(request.headers, PUSH_HEADERS.recipient),
    packageId: header(request.headers, PUSH_HEADERS.packageId),
    idempotencyKey: header(request.headers, PUSH_HEADERS.idempotencyKey),
    contentSha256: header(request.headers, PUSH_HEADERS.contentSha256),
    timestamp: header(request.headers, PUSH_HEADERS.timestamp),
  };
  const missing = Object.entries(fields).find(([, v]) => v === undefined);
  if (missing) return { valid: false, reason: `missing ${missing[0]}` };
  const at = Date.parse(fields.timestamp ?? '');
  const now = (options.now ?? new Date()).getTime();
  if (Number.isNaN(at) || Math.abs(now - at) > (options.maxSkewMs ?? 5 * 60_000)) return { valid: false, reason: 'timestamp outside the allowed window' };
  const data = Buffer.from(pushSigningString(fields as PushSignedFields), 'utf8');
  const ok = verify(parts['alg'] === 'ed25519' ? null : 'sha256', data, { key: cert.publicKey, dsaEncoding: 'der' }, Buffer.from(parts['sig'], 'base64'));
  return ok ? { valid: true } : { valid: false, reason: 'signature does not verify with the axis certificate' };
}
