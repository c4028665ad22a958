/** The exchange's stable error codes. Messages are written for the clerk or operator of the agency's system. */
import { AxisError } from '../errors/axis-error.js';

export const EXCHANGE_CODES = [
  'EXCHANGE_TOO_LARGE',
  'EXCHANGE_FROM_NOT_CALLER',
  'EXCHANGE_UNKNOWN_SENDER',
  'EXCHANGE_NO_RECIPIENT',
  'EXCHANGE_UNKNOWN_RECIPIENT',
  'EXCHANGE_RECIPIENT_SUSPENDED',
  'EXCHANGE_RECIPIENT_IS_SENDER',
  'EXCHANGE_SIGNER_NOT_SENDER',
  'EXCHANGE_DOCUMENT_ID_MISSING',
  'EXCHANGE_DOCUMENT_ID_CONFLICT',
  'EXCHANGE_REFERENCE_MISSING',
  'EXCHANGE_REFERENCE_AMBIGUOUS',
  'EXCHANGE_UNKNOWN_ORIGINAL',
  'EXCHANGE_NOT_ORIGINAL_SENDER',
  'EXCHANGE_ORIGINAL_REVOKED',
  'EXCHANGE_STATUS_TRANSITION_FORBIDDEN',
  'EXCHANGE_STATUS_CONFLICT',
  'EXCHANGE_NOT_FOUND',
  'EXCHANGE_GONE',
  'EXCHANGE_PACKAGE_PURGED',
  'EXCHANGE_NOT_RECIPIENT',
  'EXCHANGE_NOT_FETCHED',
] as const;

export type ExchangeCode = (typeof EXCHANGE_CODES)[number];

export class ExchangeError extends AxisError {
  declare readonly code: ExchangeCode;

  constructor(code: ExchangeCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}

/** The one answer for "no such package" and "not yours": a non-party must not learn that a package exists. */
export function notFound(what = 'package'): ExchangeError {
  return new ExchangeError('EXCHANGE_NOT_FOUND', `No such ${what} for this agency.`);
}
