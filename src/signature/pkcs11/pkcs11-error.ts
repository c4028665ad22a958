import { AxisError } from '../../errors/axis-error.js';

/** Stable codes of a token that cannot sign; the CLI prints them and exits 2 ("could not sign"). */
export const PKCS11_CODES = {
  SIG_PKCS11_MODULE: 'The PKCS#11 module (the token driver, a .so/.dll file) cannot be loaded.',
  SIG_PKCS11_TOKEN_NOT_FOUND: 'No token with this label is plugged in.',
  SIG_PKCS11_PIN_MISSING: 'The environment variable that should hold the token PIN is not set.',
  SIG_PKCS11_PIN: 'The token refused the PIN.',
  SIG_PKCS11_PIN_LOCKED: 'The token is locked after too many wrong PINs: its security officer must unlock it.',
  SIG_PKCS11_KEY_NOT_FOUND: 'No private key with this label (or several) on the token.',
  SIG_PKCS11_CERT_NOT_FOUND: 'The token holds no certificate for the private key.',
  SIG_PKCS11_FAILED: 'The token failed (unplugged, busy, or an operation it does not support).',
} as const;

export type Pkcs11Code = keyof typeof PKCS11_CODES;

export class Pkcs11SignerError extends AxisError {
  constructor(code: Pkcs11Code, message: string, options?: { cause?: unknown }) {
    super(code, message, undefined, options);
  }
}
