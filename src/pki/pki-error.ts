import { AxisError } from '../errors/axis-error.js';
import type { PkiCode } from './pki-codes.js';

/** A certificate, trust store or key bundle that cannot be used at all (as opposed to a validation verdict). */
export class PkiError extends AxisError {
  constructor(code: PkiCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(code, message, details, options);
  }
}
