/**
 * The REST dialect's one table from error codes to HTTP statuses: the exchange's codes, the libraries' codes it
 * passes through, and the gateway's own. The exchange returns typed errors and never an HTTP status; each dialect
 * decides how they look on its wire. Prefixes are the fallback, so a new code never becomes a silent 500.
 */
import { isCouldNotCheck } from '../../pki/pki-codes.js';
import type { ExchangeCode } from '../../exchange/exchange-error.js';

const EXCHANGE: Record<ExchangeCode, number> = {
  EXCHANGE_TOO_LARGE: 413,
  EXCHANGE_FROM_NOT_CALLER: 403,
  EXCHANGE_UNKNOWN_SENDER: 403,
  EXCHANGE_NO_RECIPIENT: 422,
  EXCHANGE_UNKNOWN_RECIPIENT: 422,
  EXCHANGE_RECIPIENT_SUSPENDED: 422,
  EXCHANGE_RECIPIENT_IS_SENDER: 422,
  EXCHANGE_SIGNER_NOT_SENDER: 422,
  EXCHANGE_DOCUMENT_ID_MISSING: 422,
  EXCHANGE_DOCUMENT_ID_CONFLICT: 409,
  EXCHANGE_REFERENCE_MISSING: 422,
  EXCHANGE_REFERENCE_AMBIGUOUS: 422,
  EXCHANGE_UNKNOWN_ORIGINAL: 404,
  EXCHANGE_NOT_ORIGINAL_SENDER: 403,
  EXCHANGE_ORIGINAL_REVOKED: 409,
  EXCHANGE_STATUS_TRANSITION_FORBIDDEN: 409,
  EXCHANGE_STATUS_CONFLICT: 409,
  EXCHANGE_NOT_FOUND: 404,
  EXCHANGE_GONE: 410,
  EXCHANGE_PACKAGE_PURGED: 410,
  EXCHANGE_NOT_RECIPIENT: 403,
  EXCHANGE_NOT_FETCHED: 409,
};

const EXACT: Record<string, number> = {
  // Passed through from the libraries.
  SIG_MISSING: 422,
  // The revocation of the signer could not be established: try again later, not a fault of the package.
  SIG_REVOCATION_UNKNOWN: 503,
  EDXML_TOO_LARGE: 413,
  EDXML_EMPTY: 400,
  EDXML_NOT_WELL_FORMED: 400,
  EDXML_ENCODING_UNSUPPORTED: 400,
  EDXML_DTD_FORBIDDEN: 400,
  EDXML_NOT_EDXML: 400,
  EDXML_WRONG_NAMESPACE: 400,
  // The inspector itself failed (its thread died): no verdict on the package, nothing recorded; send it again.
  INSPECTOR_FAILED: 503,
  // A document's signature could not be checked (not a verdict on it): send it again later.
  PDF_CHECK_FAILED: 503,
  // Checkpoints cannot be time-stamped and EVIDENCE_FAIL_CLOSED is on: nothing was recorded; send again later.
  EVIDENCE_UNAVAILABLE: 503,
  // The receipt log: a receipt no checkpoint covers yet, a size no checkpoint has.
  LEDGER_RECEIPT_NOT_CHECKPOINTED: 404,
  LEDGER_CHECKPOINT_UNKNOWN: 404,
  LEDGER_NO_CHECKPOINT: 404,
  // The gateway's own.
  AUTH_MISSING: 401,
  AUTH_INVALID: 401,
  AUTH_EXPIRED: 401,
  AUTH_REPLAYED: 401,
  AUTH_BODY_DIGEST_MISMATCH: 401,
  AUTH_AGENCY_SUSPENDED: 403,
  AUTH_FORBIDDEN: 403,
  // The web UI's session: a form without its anti-forgery token, a change asked from another site.
  AUTH_CSRF: 403,
  AUTH_CROSS_SITE: 403,
  AGENCY_NOT_FOUND: 404,
  AGENCY_KEY_NOT_FOUND: 404,
  AGENCY_EXISTS: 409,
  SYSTEM_EXISTS: 409,
  AGENCY_SECRET_UNREADABLE: 500,
  HTTP_BODY_TOO_LARGE: 413,
  // Per-agency limits (src/http/agency-rate-limit.ts): wait for Retry-After.
  RATE_LIMITED: 429,
  // An upload that stopped sending: the client may send it again.
  HTTP_UPLOAD_IDLE: 408,
  RATE_QUOTA_EXCEEDED: 429,
  HTTP_UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  DELIVERY_NOT_FOUND: 404,
  STORE_NOT_FOUND: 404,
  CONFIG_INVALID: 500,
  SERVICE_UNAVAILABLE: 503,
  // The axis's store cannot answer now: nothing was recorded, the same request may be sent again.
  STORE_BUSY: 503,
  STORE_MONGO_UNREACHABLE: 503,
  // The replay cache (Redis) or the upload disk is away: nothing was served or recorded; send again later.
  AUTH_REPLAY_CACHE_UNAVAILABLE: 503,
  UPLOAD_NOT_STORED: 503,
  INTERNAL_ERROR: 500,
  // The axis's own trust anchors cannot be read: no verdict on the package (an operator must fix them).
  PKI_TRUST_UNREADABLE: 503,
  PKI_TRUST_EMPTY: 503,
  XML_ENCODING_UNSUPPORTED: 400,
  // The archive's reads: a range too long for its grouping.
  ARCHIVE_PERIOD_TOO_LONG: 400,
};

const PREFIXES: [string, number][] = [
  ['AUTH_', 401],
  ['AGENCY_', 400],
  ['SYSTEM_', 400],
  ['PKI_', 422],
  ['HTTP_', 400],
  ['STATUS_', 409],
  ['STORE_', 500],
];

export const REST_ERROR_STATUS: Readonly<Record<string, number>> = Object.freeze({ ...EXACT, ...EXCHANGE });

/** The HTTP status the REST API answers a code with. */
export function restStatusForCode(code: string): number {
  const exact = REST_ERROR_STATUS[code];
  if (exact !== undefined) return exact;
  // Revocation could not be established (responder down, CRL stale): not the package's fault, try again later.
  if (isCouldNotCheck(code)) return 503;
  // A verdict on the package (format, signature, a document's signature) before the generic suffixes.
  if (code.startsWith('SIG_') || code.startsWith('EDXML_') || code.startsWith('PDF_')) return 422;
  if (code.endsWith('_NOT_FOUND')) return 404;
  if (code.endsWith('_CONFLICT')) return 409;
  for (const [prefix, status] of PREFIXES) if (code.startsWith(prefix)) return status;
  return 500;
}

/**
 * Which refusals the same request (signed afresh) may overcome later unchanged, and how long to wait first: the
 * REST dialect sends these seconds as `Retry-After`, and docs/errors.md is generated from them with the statuses
 * above (`npm run docs:errors`). A 503 or 429 not listed here is retryable without a stated wait.
 */
export const REST_RETRY_AFTER_SECONDS: Readonly<Record<string, number>> = Object.freeze({
  // Redis restarts take a few seconds.
  AUTH_REPLAY_CACHE_UNAVAILABLE: 5,
  UPLOAD_NOT_STORED: 30,
  // An OCSP responder or a CRL distribution point that is down: give it a minute; a CRL past its nextUpdate waits for
  // the CA to publish a new one.
  SIG_REVOCATION_UNKNOWN: 60,
  SIG_OCSP_UNAVAILABLE: 60,
  SIG_CRL_EXPIRED: 300,
  INSPECTOR_FAILED: 1,
  STORE_BUSY: 1,
  STORE_MONGO_UNREACHABLE: 10,
  SERVICE_UNAVAILABLE: 30,
});

/** Lost a race with another request: send again at once (after reading the new state). */
const RETRY_AT_ONCE: ReadonlySet<string> = new Set(['EXCHANGE_STATUS_CONFLICT']);

export interface RestRetry {
  retryable: boolean;
  /** Seconds to wait, sent as `Retry-After`; absent: no stated wait. */
  retryAfterSeconds?: number;
}

/** Whether a refusal with this code is worth sending again unchanged, and after how long. */
export function restRetryForCode(code: string): RestRetry {
  const after = REST_RETRY_AFTER_SECONDS[code];
  if (after !== undefined) return { retryable: true, retryAfterSeconds: after };
  if (RETRY_AT_ONCE.has(code)) return { retryable: true };
  const status = restStatusForCode(code);
  return { retryable: status === 503 || status === 429 };
}
