/**
 * HMAC request signing shared by the gateway (verification) and every client (tests, demo, delivery workers):
 * the string to sign is `METHOD\nPATH?QUERY\nTIMESTAMP\nBODY_SHA256\nNONCE`, the signature is base64 HMAC-SHA256
 * under the agency's secret. See docs/auth.md.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

export const AUTH_HEADERS = {
  keyId: 'x-edx-key-id',
  timestamp: 'x-edx-timestamp',
  contentSha256: 'x-edx-content-sha256',
  nonce: 'x-edx-nonce',
  signature: 'x-edx-signature',
} as const;

export const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

export interface SignRequestInput {
  method: string;
  /** Path with its query string exactly as sent, e.g. `/v1/inbox?after=3&limit=10`. */
  path: string;
  keyId: string;
  /** The agency secret as issued (base64url text); its UTF-8 bytes are the HMAC key. */
  secret: string | Buffer;
  /** The body, or its SHA-256 hex when the caller streams a large body. Absent: empty body. */
  body?: Uint8Array | string;
  bodySha256?: string;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  nonce?: string;
}

export interface SignedHeaders {
  'X-Edx-Key-Id': string;
  'X-Edx-Timestamp': string;
  'X-Edx-Content-SHA256': string;
  'X-Edx-Nonce': string;
  'X-Edx-Signature': string;
}

export function stringToSign(method: string, path: string, timestamp: string, bodySha256: string, nonce: string): string {
  return `${method.toUpperCase()}\n${path}\n${timestamp}\n${bodySha256.toLowerCase()}\n${nonce}`;
}

export function computeSignature(secret: string | Buffer, canonical: string): Buffer {
  return createHmac('sha256', typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret).update(canonical, 'utf8').digest();
}

export function signRequest(input: SignRequestInput): SignedHeaders {
  const bodySha256 =
    input.bodySha256 ?? (input.body === undefined ? EMPTY_SHA256 : createHash('sha256').update(input.body).digest('hex'));
  const timestamp = String(input.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = input.nonce ?? randomBytes(16).toString('base64url');
  const signature = computeSignature(input.secret, stringToSign(input.method, input.path, timestamp, bodySha256, nonce));
  return {
    'X-Edx-Key-Id': input.keyId,
    'X-Edx-Timestamp': timestamp,
    'X-Edx-Content-SHA256': bodySha256,
    'X-Edx-Nonce': nonce,
    'X-Edx-Signature': signature.toString('base64'),
  };
}
