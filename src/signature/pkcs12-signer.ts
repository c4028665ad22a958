/**
 * openPkcs12Signer: the Signer seam (signer.ts) backed by a password-protected PKCS#12 file. node-forge only unpacks
 * the bundle; every signature is made by node:crypto (native OpenSSL: forge's pure-JS RSA is ~80x slower). The key
 * lives in a native KeyObject held in a private field: it is not enumerable, not serialisable, and toJSON/inspect
 * show only the certificate.
 */
import { createPrivateKey, createPublicKey, sign as nodeSign, X509Certificate, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import * as asn1js from 'asn1js';
import forge from 'node-forge';
import { AxisError } from '../errors/axis-error.js';
import type { SignatureAlgorithmName, Signer } from './signer.js';

const MAX_PKCS12_BYTES = 1024 * 1024;
const HASH: Record<SignatureAlgorithmName, string> = { 'rsa-sha256': 'sha256', 'rsa-sha1': 'sha1', 'ecdsa-sha256': 'sha256' };

function invalid(message: string, cause?: unknown): AxisError {
  return new AxisError('SIG_P12_INVALID', message, undefined, cause === undefined ? undefined : { cause });
}

function bagsOf(p12: forge.pkcs12.Pkcs12Pfx, type: string): forge.pkcs12.Bag[] {
  return p12.getBags({ bagType: type })[type] ?? [];
}

function keyOf(bag: forge.pkcs12.Bag): KeyObject {
  // forge decodes RSA keys only; other keys (EC) come back as the raw PrivateKeyInfo.
  const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key as forge.pki.rsa.PrivateKey)) : bag.asn1;
  if (!info) throw invalid('The PKCS#12 file holds a private key of an unknown kind.');
  return createPrivateKey({ key: Buffer.from(forge.asn1.toDer(info).getBytes(), 'binary'), format: 'der', type: 'pkcs8' });
}

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes = Buffer.from(n.toString(16).padStart(n.toString(16).length + (n.toString(16).length % 2), '0'), 'hex');
  return Buffer.concat([Buffer.from([0x80 | bytes.length]), bytes]);
}

/**
 * forge re-encodes a certificate from its parsed fields and writes the outer signatureAlgorithm from its own table
 * (e.g. adding NULL parameters the issuer left out), so its bytes may differ from what the CA issued. RFC 5280 makes
 * the outer algorithm equal to the one inside the TBS, which forge keeps as it was: rebuilding the certificate from
 * the TBS, that inner algorithm and the signature value gives back the issued bytes.
 */
function issuedBytes(reencoded: Buffer): Buffer {
  const parsed = asn1js.fromBER(new Uint8Array(reencoded));
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Sequence)) return reencoded;
  const [tbs, , signatureValue] = parsed.result.valueBlock.value;
  if (!(tbs instanceof asn1js.Sequence) || !signatureValue) return reencoded;
  const fields = tbs.valueBlock.value;
  const inner = fields[fields[0]?.idBlock.tagClass === 3 ? 2 : 1];
  if (!inner) return reencoded;
  const body = Buffer.concat([tbs.valueBeforeDecodeView, inner.valueBeforeDecodeView, signatureValue.valueBeforeDecodeView]);
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}

function derOf(bag: forge.pkcs12.Bag): Buffer | undefined {
  const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
  return asn1 ? issuedBytes(Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary')) : undefined;
}

/** Leaf first (the certificate of the private key), then each issuer found in the bundle. */
function orderChain(privateKey: KeyObject, ders: Buffer[]): Buffer[] {
  interface Cert { der: Buffer; x509: X509Certificate }
  const certs: Cert[] = ders.map((der) => ({ der, x509: new X509Certificate(der) }));
  const spki = (key: KeyObject) => key.export({ type: 'spki', format: 'der' }).toString('base64');
  const mine = spki(createPublicKey(privateKey));
  let current: Cert | undefined = certs.find((c) => spki(c.x509.publicKey) === mine);
  if (!current) throw invalid('The PKCS#12 file has no certificate for its private key.');
  const chain = [current.der];
  const used = new Set([current]);
  for (;;) {
    const holder: Cert = current;
    const issuer: Cert | undefined = certs.find((c) => !used.has(c) && holder.x509.checkIssued(c.x509) && !holder.x509.checkIssued(holder.x509));
    if (!issuer) return chain;
    chain.push(issuer.der);
    used.add(issuer);
    current = issuer;
  }
}

/**
 * Unpacks a PKCS#12 bundle into its one private key and its certificates (leaf first, as issued). For callers that
 * must hold the key themselves (the axis's receipt sealer); everyone else signs through openPkcs12Signer.
 */
export function unpackPkcs12(bytes: Uint8Array, password: string): { privateKey: KeyObject; chainDer: Buffer[] } {
  if (bytes.length === 0 || bytes.length > MAX_PKCS12_BYTES) throw invalid(`The PKCS#12 file is empty or larger than ${MAX_PKCS12_BYTES} bytes.`);
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(bytes).toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    if (/password|MAC could not be verified/i.test(text)) {
      throw new AxisError('SIG_P12_PASSWORD', 'The PKCS#12 file cannot be opened with this password.', undefined, { cause: error });
    }
    throw invalid('The file is not a readable PKCS#12 bundle.', error);
  }
  const keyBags = [...bagsOf(p12, forge.pki.oids.pkcs8ShroudedKeyBag!), ...bagsOf(p12, forge.pki.oids.keyBag!)];
  if (keyBags.length !== 1) throw invalid(`The PKCS#12 file must hold exactly one private key (it holds ${keyBags.length}).`);
  const privateKey = keyOf(keyBags[0]!);
  const ders = bagsOf(p12, forge.pki.oids.certBag!).map(derOf).filter((der): der is Buffer => der !== undefined);
  return { privateKey, chainDer: orderChain(privateKey, ders) };
}

class Pkcs12Signer implements Signer {
  readonly #key: KeyObject;
  readonly certificateChain: readonly Uint8Array[];
  readonly keyAlgorithm: 'RSA' | 'EC';

  constructor(key: KeyObject, chain: Buffer[]) {
    this.#key = key;
    this.certificateChain = Object.freeze([...chain]);
    const type = key.asymmetricKeyType;
    if (type !== 'rsa' && type !== 'ec') throw invalid(`The PKCS#12 key is ${type ?? 'of an unknown type'}; only RSA and EC keys can sign here.`);
    this.keyAlgorithm = type === 'rsa' ? 'RSA' : 'EC';
  }

  async sign(data: Uint8Array, algorithm: SignatureAlgorithmName, format: 'p1363' | 'der' = 'p1363'): Promise<Uint8Array> {
    const wants = algorithm === 'ecdsa-sha256' ? 'EC' : 'RSA';
    if (wants !== this.keyAlgorithm) {
      throw new AxisError('SIG_ALGORITHM_UNSUPPORTED', `A ${this.keyAlgorithm} key cannot make a ${algorithm} signature.`);
    }
    const hash = HASH[algorithm];
    if (!hash) throw new AxisError('SIG_ALGORITHM_UNSUPPORTED', `Unknown signature algorithm ${String(algorithm)}.`);
    return nodeSign(hash, data, this.keyAlgorithm === 'EC' ? { key: this.#key, dsaEncoding: format === 'der' ? 'der' : 'ieee-p1363' } : this.#key);
  }

  private describe(): { kind: string; keyAlgorithm: string; subject: string } {
    const leaf = this.certificateChain[0];
    return { kind: 'Pkcs12Signer', keyAlgorithm: this.keyAlgorithm, subject: leaf ? new X509Certificate(leaf).subject.replace(/\n/g, ', ') : '' };
  }

  toJSON(): { kind: string; keyAlgorithm: string; subject: string } {
    return this.describe();
  }

  [inspect.custom](): string {
    return `Pkcs12Signer ${JSON.stringify(this.describe())}`;
  }
}

/**
 * Opens a PKCS#12 bundle. Throws AxisError SIG_P12_PASSWORD for a wrong password, SIG_P12_INVALID for anything that
 * is not a bundle with exactly one RSA or EC key and its certificate.
 */
export async function openPkcs12Signer(bytes: Uint8Array, password: string): Promise<Signer> {
  const { privateKey, chainDer } = unpackPkcs12(bytes, password);
  return new Pkcs12Signer(privateKey, chainDer);
}
