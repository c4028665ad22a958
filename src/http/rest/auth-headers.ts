/**
 * The five authentication headers, read strictly before anything is computed from them (docs/auth.md): each sent
 * exactly once (Node joins a repeated unknown header with ", ", so a valid value followed by another one would pass a
 * lenient reader), each in its exact form; the signature exact, canonical base64 of 32 bytes. A malformed header is
 * named in the answer, so the client's developer knows which one to fix.
 */
import type { IncomingMessage } from 'node:http';
import { HttpError } from '../problem.js';
import { AUTH_HEADERS } from './request-signing.js';

export interface AuthHeaders {
  keyId: string;
  timestamp: string;
  /** Lowercase hex. */
  bodySha256: string;
  nonce: string;
  /** The 32 bytes of the HMAC-SHA256. */
  signature: Buffer;
}

/** How each header is written on the wire, for messages. */
const SHOWN = {
  keyId: 'X-Edx-Key-Id',
  timestamp: 'X-Edx-Timestamp',
  contentSha256: 'X-Edx-Content-SHA256',
  nonce: 'X-Edx-Nonce',
  signature: 'X-Edx-Signature',
} as const satisfies Record<keyof typeof AUTH_HEADERS, string>;

/** What each header must look like, and how docs/auth.md says it. */
const FORMS: Record<keyof typeof AUTH_HEADERS, { pattern: RegExp; says: string }> = {
  keyId: { pattern: /^[A-Za-z0-9.:_-]{1,100}$/, says: 'the key id issued with the credentials (ORGANID:16hex)' },
  timestamp: { pattern: /^\d{1,12}$/, says: 'Unix seconds, digits only' },
  contentSha256: { pattern: /^[0-9a-fA-F]{64}$/, says: 'the SHA-256 of the body as 64 hex characters' },
  nonce: { pattern: /^[A-Za-z0-9_+/=-]{16,128}$/, says: '16 to 128 characters, each a letter A-Z or a-z, a digit, or one of _ - + / =' },
  // 32 bytes in standard base64 are 43 characters and one "=".
  signature: { pattern: /^[A-Za-z0-9+/]{43}=$/, says: 'the HMAC-SHA256 in standard base64 (44 characters ending in "=")' },
};

const MISSING = new HttpError(401, 'AUTH_MISSING', 'The request is not signed: send X-Edx-Key-Id, X-Edx-Timestamp, X-Edx-Content-SHA256, X-Edx-Nonce and X-Edx-Signature.');

function malformed(header: keyof typeof AUTH_HEADERS, why: string): HttpError {
  return new HttpError(401, 'AUTH_INVALID', `The ${SHOWN[header]} header ${why}.`, { header: SHOWN[header] });
}

/** The header's one value: undefined when absent, refused when sent more than once or not in its form. */
function one(req: IncomingMessage, header: keyof typeof AUTH_HEADERS): string | undefined {
  const values = req.headersDistinct[AUTH_HEADERS[header]];
  if (values === undefined || values.length === 0) return undefined;
  if (values.length > 1) throw malformed(header, `is sent ${values.length} times: send it exactly once`);
  const value = values[0]!;
  if (!FORMS[header].pattern.test(value)) throw malformed(header, `is malformed: it must be ${FORMS[header].says}`);
  return value;
}

/** The signature's bytes, only from their one canonical spelling (no other text decodes to the same signature). */
function signatureBytes(text: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== 32 || bytes.toString('base64') !== text) {
    throw malformed('signature', `is malformed: it must be ${FORMS.signature.says}`);
  }
  return bytes;
}

export function readAuthHeaders(req: IncomingMessage): AuthHeaders {
  const keyId = one(req, 'keyId');
  const timestamp = one(req, 'timestamp');
  const bodySha256 = one(req, 'contentSha256');
  const nonce = one(req, 'nonce');
  const signature = one(req, 'signature');
  if (keyId === undefined || timestamp === undefined || bodySha256 === undefined || nonce === undefined || signature === undefined) throw MISSING;
  return { keyId, timestamp, bodySha256: bodySha256.toLowerCase(), nonce, signature: signatureBytes(signature) };
}
