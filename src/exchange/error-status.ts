/**
 * HTTP status for every code the exchange raises, so the HTTP layer (and the VDXP dialect later) maps errors without
 * holding a rule of its own. Codes not listed here fall back to the gateway's own table.
 */
import { isCouldNotCheck } from '../pki/pki-codes.js';
import type { ExchangeCode } from './exchange-error.js';

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

/** Codes from the libraries the exchange passes through unchanged. */
const PASSED_THROUGH: Record<string, number> = {
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
};

export const ERROR_STATUS: Readonly<Record<string, number>> = Object.freeze({ ...PASSED_THROUGH, ...EXCHANGE });

/** The HTTP status for a code, or undefined when the exchange has no opinion (the gateway's fallback applies). */
export function statusForCode(code: string): number | undefined {
  const exact = ERROR_STATUS[code];
  if (exact !== undefined) return exact;
  // Revocation could not be established (responder down, CRL stale): not the package's fault, try again later.
  if (isCouldNotCheck(code)) return 503;
  if (code.startsWith('SIG_')) return 422;
  if (code.startsWith('EDXML_')) return 422;
  return undefined;
}
