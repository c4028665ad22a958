/**
 * The axis's own signing identity: the key that seals receipts and the certificate chain that lets anyone verify
 * them offline. Production reads a configured PKCS#12; development generates one once under `dataDir/axis/`,
 * issued by a dev root kept in `dataDir/axis/trust/` (the directory `edx receipt verify --trust` is pointed at).
 * The private key stays in a KeyObject: never logged, never serialised (toJSON hides it).
 */
import { createHash, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AxisError } from '../errors/axis-error.js';
import { loadOrCreateDevAxis } from './dev-axis-pki.js';
import { readPkcs12 } from './pkcs12.js';

export interface AxisIdentity {
  readonly privateKey: KeyObject;
  /** The axis's signing certificate (DER). */
  readonly certificateDer: Buffer;
  /** The signing certificate first, then its issuers (DER), as a verifier needs them. */
  readonly chainDer: readonly Buffer[];
  /** SHA-256 (hex, lower case) of the signing certificate's DER. */
  readonly fingerprint: string;
}

export interface LoadAxisIdentityOptions {
  p12Path?: string;
  p12Password?: string;
  dataDir: string;
}

export function certificateFingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

export function makeAxisIdentity(privateKey: KeyObject, chainDer: Buffer[]): AxisIdentity {
  const certificateDer = chainDer[0];
  if (!certificateDer) throw new AxisError('LEDGER_IDENTITY_INVALID', 'The axis identity has no certificate.');
  const fingerprint = certificateFingerprint(certificateDer);
  const identity: AxisIdentity = { privateKey, certificateDer, chainDer, fingerprint };
  // A stray JSON.stringify or logger call shows who the axis is, never its key.
  Object.defineProperty(identity, 'toJSON', { enumerable: false, value: () => ({ fingerprint, chainLength: chainDer.length }) });
  return Object.freeze(identity);
}

export async function loadAxisIdentity(options: LoadAxisIdentityOptions): Promise<AxisIdentity> {
  if (options.p12Path) {
    let bytes: Buffer;
    try {
      bytes = await readFile(options.p12Path);
    } catch (error) {
      throw new AxisError('LEDGER_IDENTITY_UNREADABLE', `The axis PKCS#12 file ${options.p12Path} cannot be read.`, { path: options.p12Path }, { cause: error });
    }
    const { privateKey, chainDer } = readPkcs12(bytes, options.p12Password ?? '');
    return makeAxisIdentity(privateKey, chainDer);
  }
  const dev = await loadOrCreateDevAxis(options.dataDir);
  return makeAxisIdentity(dev.privateKey, dev.chainDer);
}
