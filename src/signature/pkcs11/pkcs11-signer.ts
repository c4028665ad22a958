/**
 * openPkcs11Signer: the Signer seam (../signer.ts) over a key on a PKCS#11 token, the USB tokens officials carry
 * (and SoftHSM2 in tests), through pkcs11js. The private key never leaves the token: the data is hashed here and
 * the token signs the hash (CKM_RSA_PKCS over a DigestInfo, CKM_ECDSA over the bare hash), which every token
 * supports, unlike the combined hash-and-sign mechanisms. The PIN is used for C_Login and not kept.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { inspect } from 'node:util';
import type * as Pkcs11Js from 'pkcs11js';
import { AxisError } from '../../errors/axis-error.js';
import type { SignatureAlgorithmName, Signer } from '../signer.js';
import { ecdsaDer } from './ecdsa-der.js';
import { Pkcs11SignerError } from './pkcs11-error.js';
import { acquireModule, errorName, type LoadedModule } from './pkcs11-module.js';

export interface Pkcs11SignerOptions {
  /** Path of the token's PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  module: string;
  tokenLabel: string;
  keyLabel: string;
  pin: string;
}

/** A Signer that holds a token session: close() logs out and lets go of the token. */
export interface Pkcs11Signer extends Signer {
  close(): void;
}

/** DER DigestInfo prefixes (RFC 8017 section 9.2, note 1): what PKCS#1 v1.5 signs around the hash. */
const DIGEST_INFO: Record<'sha1' | 'sha256', Buffer> = {
  sha1: Buffer.from('3021300906052b0e03021a05000414', 'hex'),
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
};

function trimmed(label: string): string {
  return label.replace(/[\s\0]+$/, '');
}

function find(p11: Pkcs11Js.PKCS11, session: Buffer, template: Pkcs11Js.Template): Buffer[] {
  p11.C_FindObjectsInit(session, template);
  try {
    return p11.C_FindObjects(session, 16);
  } finally {
    p11.C_FindObjectsFinal(session);
  }
}

function attribute(p11: Pkcs11Js.PKCS11, session: Buffer, object: Buffer, type: number): Buffer {
  return p11.C_GetAttributeValue(session, object, [{ type }])[0]!.value;
}

/** Leaf first, then each issuer found among the token's other certificates. */
function chainFrom(leaf: Buffer, others: Buffer[]): Buffer[] {
  const pool = others.map((der) => ({ der, x509: new X509Certificate(der) }));
  const chain = [leaf];
  let current = new X509Certificate(leaf);
  for (;;) {
    const holder = current;
    if (holder.checkIssued(holder)) return chain;
    const issuer = pool.find((c) => !chain.some((d) => d.equals(c.der)) && holder.checkIssued(c.x509) && holder.verify(c.x509.publicKey));
    if (!issuer) return chain;
    chain.push(issuer.der);
    current = issuer.x509;
  }
}

interface TokenPlace {
  module: string;
  tokenLabel: string;
  keyLabel: string;
}

class TokenSigner implements Pkcs11Signer {
  readonly certificateChain: readonly Uint8Array[];
  readonly keyAlgorithm: 'RSA' | 'EC';
  readonly #module: LoadedModule;
  readonly #session: Buffer;
  readonly #key: Buffer;
  readonly #where: TokenPlace;
  /** One operation at a time per session (PKCS#11 sessions are not re-entrant). */
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(module: LoadedModule, session: Buffer, key: Buffer, keyAlgorithm: 'RSA' | 'EC', chain: Buffer[], where: TokenPlace) {
    this.#module = module;
    this.#session = session;
    this.#key = key;
    this.keyAlgorithm = keyAlgorithm;
    this.certificateChain = Object.freeze([...chain]);
    this.#where = where;
  }

  sign(data: Uint8Array, algorithm: SignatureAlgorithmName, format: 'p1363' | 'der' = 'p1363'): Promise<Uint8Array> {
    const run = this.#queue.then(() => this.signNow(data, algorithm, format));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  private async signNow(data: Uint8Array, algorithm: SignatureAlgorithmName, format: 'p1363' | 'der'): Promise<Uint8Array> {
    if (this.#closed) throw new Pkcs11SignerError('SIG_PKCS11_FAILED', 'The token session is closed.');
    const wants = algorithm === 'ecdsa-sha256' ? 'EC' : 'RSA';
    if (wants !== this.keyAlgorithm) throw new AxisError('SIG_ALGORITHM_UNSUPPORTED', `A ${this.keyAlgorithm} key cannot make a ${algorithm} signature.`);
    const hash = algorithm === 'rsa-sha1' ? 'sha1' : 'sha256';
    const digest = createHash(hash).update(data).digest();
    const input = this.keyAlgorithm === 'RSA' ? Buffer.concat([DIGEST_INFO[hash], digest]) : digest;
    const { lib, p11 } = this.#module;
    const mechanism = { mechanism: this.keyAlgorithm === 'RSA' ? lib.CKM_RSA_PKCS : lib.CKM_ECDSA };
    let signature: Buffer;
    try {
      p11.C_SignInit(this.#session, mechanism, this.#key);
      // The asynchronous form: a USB token takes tens to hundreds of milliseconds, the event loop goes on meanwhile.
      signature = await new Promise<Buffer>((resolve, reject) => {
        p11.C_Sign(this.#session, input, Buffer.alloc(1024), (error, out) => (error ? reject(error) : resolve(out)));
      });
    } catch (error) {
      throw new Pkcs11SignerError('SIG_PKCS11_FAILED', `The token could not sign (${errorName(error) || (error as Error).message}).`, { cause: error });
    }
    return this.keyAlgorithm === 'EC' && format === 'der' ? ecdsaDer(signature) : signature;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#module.p11.C_CloseSession(this.#session);
    } finally {
      // The last signer of the module finalises it, which also ends the token's login.
      this.#module.release();
    }
  }

  private describe(): { kind: string; keyAlgorithm: string; module: string; tokenLabel: string; keyLabel: string; subject: string } {
    const leaf = this.certificateChain[0];
    return { kind: 'Pkcs11Signer', keyAlgorithm: this.keyAlgorithm, ...this.#where, subject: leaf ? new X509Certificate(leaf).subject.replace(/\n/g, ', ') : '' };
  }

  toJSON(): ReturnType<TokenSigner['describe']> {
    return this.describe();
  }

  [inspect.custom](): string {
    return `Pkcs11Signer ${JSON.stringify(this.describe())}`;
  }
}

/**
 * Opens the token labelled `tokenLabel` in `module`, logs in with `pin`, and finds the private key labelled
 * `keyLabel` and its certificate (same CKA_ID, else same label); the token's other certificates supply the chain.
 * Throws Pkcs11SignerError (SIG_PKCS11_*) for every way that can fail.
 */
export async function openPkcs11Signer(options: Pkcs11SignerOptions): Promise<Pkcs11Signer> {
  const module = acquireModule(options.module);
  const { lib, p11 } = module;
  let session: Buffer | undefined;
  try {
    const slot = p11.C_GetSlotList(true).find((s) => trimmed(p11.C_GetTokenInfo(s).label) === options.tokenLabel);
    if (!slot) throw new Pkcs11SignerError('SIG_PKCS11_TOKEN_NOT_FOUND', `No token labelled "${options.tokenLabel}" is present in ${options.module}.`);
    session = p11.C_OpenSession(slot, lib.CKF_SERIAL_SESSION);
    module.login(session, slot, options.pin, options.tokenLabel);
    const open = session;
    const keys = find(p11, open, [{ type: lib.CKA_CLASS, value: lib.CKO_PRIVATE_KEY }, { type: lib.CKA_LABEL, value: options.keyLabel }]);
    if (keys.length !== 1) throw new Pkcs11SignerError('SIG_PKCS11_KEY_NOT_FOUND', `The token "${options.tokenLabel}" holds ${keys.length} private keys labelled "${options.keyLabel}"; exactly one is needed.`);
    const key = keys[0]!;
    const keyType = attribute(p11, open, key, lib.CKA_KEY_TYPE).readUIntLE(0, 4);
    if (keyType !== lib.CKK_RSA && keyType !== lib.CKK_EC) throw new Pkcs11SignerError('SIG_PKCS11_KEY_NOT_FOUND', `The key "${options.keyLabel}" is neither RSA nor EC.`);
    const id = attribute(p11, open, key, lib.CKA_ID);
    const certificates = find(p11, open, [{ type: lib.CKA_CLASS, value: lib.CKO_CERTIFICATE }]).map((c) => ({
      id: attribute(p11, open, c, lib.CKA_ID),
      label: attribute(p11, open, c, lib.CKA_LABEL).toString('utf8'),
      der: attribute(p11, open, c, lib.CKA_VALUE),
    }));
    const leaf = certificates.find((c) => id.length > 0 && c.id.equals(id)) ?? certificates.find((c) => c.label === options.keyLabel);
    if (!leaf) throw new Pkcs11SignerError('SIG_PKCS11_CERT_NOT_FOUND', `The token "${options.tokenLabel}" holds no certificate for the key "${options.keyLabel}".`);
    const chain = chainFrom(leaf.der, certificates.filter((c) => c !== leaf).map((c) => c.der));
    const where = { module: options.module, tokenLabel: options.tokenLabel, keyLabel: options.keyLabel };
    return new TokenSigner(module, open, key, keyType === lib.CKK_RSA ? 'RSA' : 'EC', chain, where);
  } catch (error) {
    try {
      if (session) p11.C_CloseSession(session);
    } catch {
      // the original error is the one to report
    }
    module.release();
    if (error instanceof AxisError) throw error;
    throw new Pkcs11SignerError('SIG_PKCS11_FAILED', `The token could not be used (${errorName(error) || (error as Error).message}).`, { cause: error });
  }
}
