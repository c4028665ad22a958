/** Reads the axis's production identity from a PKCS#12 file: one private key and the certificates that go with it. */
import type { KeyObject } from 'node:crypto';
import { AxisError, isAxisError } from '../errors/axis-error.js';
import { unpackPkcs12 } from '../signature/pkcs12-signer.js';

export function readPkcs12(bytes: Uint8Array, password: string): { privateKey: KeyObject; chainDer: Buffer[] } {
  try {
    return unpackPkcs12(bytes, password);
  } catch (error) {
    // One code for the operator whatever went wrong with AXIS_P12; the reader's own code and message say what.
    const detail = isAxisError(error) ? `${error.message} (${error.code})` : 'not a PKCS#12 file.';
    throw new AxisError('LEDGER_P12_INVALID', `The axis PKCS#12 file cannot be used: ${detail}`, undefined, { cause: error });
  }
}
