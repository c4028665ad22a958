/**
 * The signing key of `edx sign` and `edx pdf sign`, behind the one Signer seam: a PKCS#12 file (--p12, password in
 * the variable --pass-env names) or a key on a PKCS#11 token (--pkcs11 MODULE --token-label --key-label, PIN in the
 * variable --pin-env names). Secrets come from the environment only, never from the command line (`ps` shows it).
 */
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { AxisError } from '../../errors/axis-error.js';
import { openPkcs12Signer } from '../../signature/pkcs12-signer.js';
import type { Signer } from '../../signature/signer.js';

export interface SignerFlags {
  p12?: string;
  passEnv?: string;
  pkcs11?: string;
  tokenLabel?: string;
  keyLabel?: string;
  pinEnv?: string;
}

const MAX_P12_BYTES = 1024 * 1024;

export function addSignerOptions(command: Command): Command {
  return command
    .option('--p12 <file>', 'PKCS#12 bundle holding the signer key and certificate chain')
    .option('--pass-env <var>', 'name of the environment variable holding the PKCS#12 password')
    .option('--pkcs11 <module>', 'PKCS#11 module of the token holding the key (e.g. /usr/lib/softhsm/libsofthsm2.so), instead of --p12')
    .option('--token-label <label>', 'label of the token (with --pkcs11)')
    .option('--key-label <label>', 'label of the private key on the token; its certificate is found by the same id (with --pkcs11)')
    .option('--pin-env <var>', 'name of the environment variable holding the token PIN (with --pkcs11)');
}

function flagError(message: string): AxisError {
  return new AxisError('SIG_SIGNER_OPTIONS', message);
}

/**
 * Unset is its own code (SIG_P12_PASSWORD_MISSING, SIG_PKCS11_PIN_MISSING), told apart from a wrong value because the
 * fix differs: export the variable vs. correct it. An empty value is a password like any other.
 */
function secretFromEnv(variable: string, code: string, what: string): string {
  const value = process.env[variable];
  if (value === undefined) throw new AxisError(code, `The environment variable ${variable} (${what}) is not set.`);
  return value;
}

/** Opens the signer the flags name; `close` lets go of a token (a no-op for a PKCS#12 file). */
export async function openSignerFrom(flags: SignerFlags): Promise<{ signer: Signer; close(): void }> {
  if (flags.p12 !== undefined && flags.pkcs11 !== undefined) throw flagError('Give either --p12 or --pkcs11, not both.');
  if (flags.pkcs11 !== undefined) {
    if (!flags.tokenLabel || !flags.keyLabel || !flags.pinEnv) throw flagError('--pkcs11 needs --token-label, --key-label and --pin-env.');
    const pin = secretFromEnv(flags.pinEnv, 'SIG_PKCS11_PIN_MISSING', 'the token PIN');
    // Loaded only here: the native PKCS#11 addon is not needed by anything else.
    const { openPkcs11Signer } = await import('../../signature/pkcs11/index.js');
    const signer = await openPkcs11Signer({ module: flags.pkcs11, tokenLabel: flags.tokenLabel, keyLabel: flags.keyLabel, pin });
    return { signer, close: () => signer.close() };
  }
  if (flags.p12 === undefined) throw flagError('Name the signing key: --p12 FILE --pass-env VAR, or --pkcs11 MODULE --token-label LABEL --key-label LABEL --pin-env VAR.');
  if (!flags.passEnv) throw flagError('--p12 needs --pass-env (the variable holding the PKCS#12 password).');
  const password = secretFromEnv(flags.passEnv, 'SIG_P12_PASSWORD_MISSING', 'the PKCS#12 password');
  let bytes: Buffer;
  try {
    if (statSync(flags.p12).size > MAX_P12_BYTES) throw new Error(`larger than ${MAX_P12_BYTES} bytes`);
    bytes = readFileSync(flags.p12);
  } catch (error) {
    throw new AxisError('SIG_P12_INVALID', `Cannot read ${flags.p12}: ${(error as Error).message}`);
  }
  return { signer: await openPkcs12Signer(bytes, password), close: () => undefined };
}
