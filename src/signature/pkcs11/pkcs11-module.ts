/**
 * One loaded PKCS#11 module per process and path, shared by the signers that use it. PKCS#11 allows one
 * C_Initialize per application and keeps the login per token, not per session: so the module is initialised once
 * and finalised when its last signer closes, and a token is logged in once. A later signer on a token that is
 * already logged in must present the same PIN, checked against a salted hash of the first (the PIN itself is
 * never kept), or it would sign without knowing it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Pkcs11Js from 'pkcs11js';
import { Pkcs11SignerError } from './pkcs11-error.js';

export type Pkcs11Lib = typeof Pkcs11Js;

export interface LoadedModule {
  lib: Pkcs11Lib;
  p11: Pkcs11Js.PKCS11;
  /** Logs in to the token of `slot` with `pin` (or checks `pin` against the login already made). */
  login(session: Buffer, slot: Buffer, pin: string, tokenLabel: string): void;
  /** One user fewer; the last one finalises and unloads the module. */
  release(): void;
}

interface Entry {
  lib: Pkcs11Lib;
  p11: Pkcs11Js.PKCS11;
  users: number;
  finalize: boolean;
  salt: Buffer;
  /** Salted hashes of the PIN each token (by slot) was logged in with. */
  logins: Map<string, Buffer>;
}

const modules = new Map<string, Entry>();

export function errorName(error: unknown): string {
  return error instanceof Error ? error.message.split(/[\s:]/)[0] ?? '' : '';
}

// pkcs11js is a native addon: loaded only when a token is used, so the rest of the CLI runs where it is not built.
function loadLib(): Pkcs11Lib {
  try {
    return createRequire(import.meta.url)('pkcs11js') as Pkcs11Lib;
  } catch (error) {
    throw new Pkcs11SignerError('SIG_PKCS11_MODULE', `The PKCS#11 support (pkcs11js) is not built on this machine (${(error as Error).message}).`, { cause: error });
  }
}

function open(path: string): Entry {
  const lib = loadLib();
  const p11 = new lib.PKCS11();
  try {
    p11.load(path);
  } catch (error) {
    throw new Pkcs11SignerError('SIG_PKCS11_MODULE', `The PKCS#11 module ${path} cannot be loaded (${(error as Error).message}).`, { cause: error });
  }
  let finalize = true;
  try {
    p11.C_Initialize();
  } catch (error) {
    // Initialised by someone else in this process (another library over the same module): leave C_Finalize to them.
    if (errorName(error) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') {
      p11.close();
      throw new Pkcs11SignerError('SIG_PKCS11_MODULE', `The PKCS#11 module ${path} did not initialise (${errorName(error) || (error as Error).message}).`, { cause: error });
    }
    finalize = false;
  }
  return { lib, p11, users: 0, finalize, salt: randomBytes(16), logins: new Map() };
}

function pinHash(entry: Entry, pin: string): Buffer {
  return createHash('sha256').update(entry.salt).update(pin, 'utf8').digest();
}

export function acquireModule(path: string): LoadedModule {
  const entry = modules.get(path) ?? open(path);
  modules.set(path, entry);
  entry.users++;
  let released = false;
  return {
    lib: entry.lib,
    p11: entry.p11,
    login(session, slot, pin, tokenLabel) {
      const key = slot.toString('hex');
      const known = entry.logins.get(key);
      if (known) {
        if (!timingSafeEqual(known, pinHash(entry, pin))) throw new Pkcs11SignerError('SIG_PKCS11_PIN', `The token "${tokenLabel}" refused the PIN.`);
        return;
      }
      try {
        entry.p11.C_Login(session, entry.lib.CKU_USER, pin);
      } catch (error) {
        const code = errorName(error);
        if (code === 'CKR_PIN_LOCKED') throw new Pkcs11SignerError('SIG_PKCS11_PIN_LOCKED', `The token "${tokenLabel}" is locked: too many wrong PINs.`, { cause: error });
        if (code === 'CKR_PIN_INCORRECT' || code === 'CKR_PIN_INVALID' || code === 'CKR_PIN_LEN_RANGE') {
          throw new Pkcs11SignerError('SIG_PKCS11_PIN', `The token "${tokenLabel}" refused the PIN (${code}).`, { cause: error });
        }
        throw error;
      }
      entry.logins.set(key, pinHash(entry, pin));
    },
    release() {
      if (released) return;
      released = true;
      if (--entry.users > 0) return;
      modules.delete(path);
      try {
        if (entry.finalize) entry.p11.C_Finalize();
      } finally {
        entry.p11.close();
      }
    },
  };
}
