/**
 * X.509 certificates and CRLs for the test PKI, built with pkijs and signed on node's WebCrypto (native, fast): the
 * same shapes a real government CA issues (basicConstraints, keyUsage, SKI/AKI, CRL distribution point, AIA OCSP).
 */
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { pkiCrypto } from '../crypto-engine.js';
import type { KeyUsageName } from '../types.js';

export type KeyKind = 'RSA' | 'EC';
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

const KEY_USAGE_BITS: KeyUsageName[] = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'];
const OCSP_METHOD = '1.3.6.1.5.5.7.48.1';
const CA_ISSUERS_METHOD = '1.3.6.1.5.5.7.48.2';
export const OCSP_NO_CHECK = '1.3.6.1.5.5.7.48.1.5';
export const OCSP_SIGNING_EKU = '1.3.6.1.5.5.7.3.9';
export const TIME_STAMPING_EKU = '1.3.6.1.5.5.7.3.8';

export async function generateKeyPair(kind: KeyKind): Promise<CryptoKeyPair> {
  const algorithm = kind === 'RSA'
    ? { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }
    : { name: 'ECDSA', namedCurve: 'P-256' };
  return (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
}

/** Attributes in ASN.1 order (C first, CN last, so RFC 4514 text reads CN first); C is a PrintableString. */
export type NameSpec = ReadonlyArray<readonly [oid: string, value: string]>;

export function buildName(spec: NameSpec): pkijs.RelativeDistinguishedNames {
  const attribute = ([type, value]: readonly [string, string]) => new pkijs.AttributeTypeAndValue({
    type,
    value: type === '2.5.4.6' ? new asn1js.PrintableString({ value }) : new asn1js.Utf8String({ value }),
  });
  // One attribute per RDN, as every CA writes names: pkijs alone would put them all into one multi-valued RDN.
  const sequence = new asn1js.Sequence({ value: spec.map((pair) => new asn1js.Set({ value: [attribute(pair).toSchema()] })) });
  return pkijs.RelativeDistinguishedNames.fromBER(sequence.toBER(false));
}

export function randomSerial(): Buffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x10; // positive, and no leading zero byte to strip
  return serial;
}

function keyUsageBits(usages: KeyUsageName[]): asn1js.BitString {
  const indexes = usages.map((u) => KEY_USAGE_BITS.indexOf(u));
  const highest = Math.max(...indexes);
  const bytes = new Uint8Array(highest >= 8 ? 2 : 1);
  for (const i of indexes) bytes[i >> 3]! |= 0x80 >> (i & 7);
  return new asn1js.BitString({ valueHex: bytes, unusedBits: bytes.length * 8 - (highest + 1) });
}

function uri(value: string): pkijs.GeneralName {
  return new pkijs.GeneralName({ type: 6, value });
}

function extension(extnID: string, value: { toSchema(): asn1js.BaseBlock } | asn1js.BaseBlock, critical = false): pkijs.Extension {
  const block = 'toBER' in value ? value : value.toSchema();
  return new pkijs.Extension({ extnID, critical, extnValue: block.toBER(false) });
}

export async function keyIdentifier(publicKey: webcrypto.CryptoKey): Promise<Buffer> {
  const spki = new Uint8Array(await webcrypto.subtle.exportKey('spki', publicKey));
  const info = pkijs.PublicKeyInfo.fromBER(spki);
  return createHash('sha1').update(info.subjectPublicKey.valueBlock.valueHexView).digest();
}

interface Signable {
  signature: pkijs.AlgorithmIdentifier;
  signatureAlgorithm: pkijs.AlgorithmIdentifier;
  signatureValue: asn1js.BitString;
  tbsView: Uint8Array;
}

/**
 * pkijs's own sign() leaves the RSA AlgorithmIdentifier without its NULL parameters; RFC 4055 says they MUST be NULL
 * and forge, OpenSSL and most CAs write them, so certificates would not survive a round trip byte-exact.
 */
async function signTbs(target: Signable, privateKey: webcrypto.CryptoKey): Promise<void> {
  const crypto = pkiCrypto();
  const { parameters, signatureAlgorithm } = await crypto.getSignatureParameters(privateKey, 'SHA-256');
  if (signatureAlgorithm.algorithmId.startsWith('1.2.840.113549.1.1.')) signatureAlgorithm.algorithmParams = new asn1js.Null();
  target.signature = signatureAlgorithm;
  target.signatureAlgorithm = signatureAlgorithm;
  target.tbsView = new Uint8Array((target as unknown as { encodeTBS(): asn1js.Sequence }).encodeTBS().toBER(false));
  target.signatureValue = new asn1js.BitString({ valueHex: await crypto.signWithPrivateKey(target.tbsView, privateKey, parameters) });
}

export interface CertificateSpec {
  subject: NameSpec;
  publicKey: webcrypto.CryptoKey;
  notBefore: Date;
  notAfter: Date;
  keyUsage: KeyUsageName[];
  /** Present for CA certificates. */
  ca?: { pathLength?: number };
  extKeyUsage?: string[];
  /** RFC 3161 §2.3: a time-stamping certificate's extKeyUsage MUST be critical. */
  extKeyUsageCritical?: boolean;
  crlUrl?: string;
  ocspUrl?: string;
  caIssuersUrl?: string;
  ocspNoCheck?: boolean;
  /** The issuing CA; absent for a self-signed root. */
  issuer?: { name: pkijs.RelativeDistinguishedNames; privateKey: webcrypto.CryptoKey; keyId: Buffer };
  selfPrivateKey?: webcrypto.CryptoKey;
  serial?: Buffer;
}

export async function buildCertificate(spec: CertificateSpec): Promise<{ certificate: pkijs.Certificate; der: Buffer; name: pkijs.RelativeDistinguishedNames; keyId: Buffer }> {
  pkiCrypto();
  const cert = new pkijs.Certificate();
  const name = buildName(spec.subject);
  const keyId = await keyIdentifier(spec.publicKey);
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: spec.serial ?? randomSerial() });
  cert.subject = name;
  cert.issuer = spec.issuer?.name ?? name;
  cert.notBefore = new pkijs.Time({ type: 0, value: spec.notBefore });
  cert.notAfter = new pkijs.Time({ type: 0, value: spec.notAfter });
  const extensions = [
    extension('2.5.29.19', new pkijs.BasicConstraints(spec.ca ? { cA: true, ...(spec.ca.pathLength !== undefined ? { pathLenConstraint: spec.ca.pathLength } : {}) } : {}), true),
    extension('2.5.29.15', keyUsageBits(spec.keyUsage), true),
    extension('2.5.29.14', new asn1js.OctetString({ valueHex: keyId })),
    extension('2.5.29.35', new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: spec.issuer?.keyId ?? keyId }) })),
  ];
  if (spec.extKeyUsage) extensions.push(extension('2.5.29.37', new pkijs.ExtKeyUsage({ keyPurposes: spec.extKeyUsage }), spec.extKeyUsageCritical ?? false));
  if (spec.crlUrl) {
    extensions.push(extension('2.5.29.31', new pkijs.CRLDistributionPoints({ distributionPoints: [new pkijs.DistributionPoint({ distributionPoint: [uri(spec.crlUrl)] })] })));
  }
  const access = [
    ...(spec.ocspUrl ? [new pkijs.AccessDescription({ accessMethod: OCSP_METHOD, accessLocation: uri(spec.ocspUrl) })] : []),
    ...(spec.caIssuersUrl ? [new pkijs.AccessDescription({ accessMethod: CA_ISSUERS_METHOD, accessLocation: uri(spec.caIssuersUrl) })] : []),
  ];
  if (access.length) extensions.push(extension('1.3.6.1.5.5.7.1.1', new pkijs.InfoAccess({ accessDescriptions: access })));
  if (spec.ocspNoCheck) extensions.push(extension(OCSP_NO_CHECK, new asn1js.Null()));
  cert.extensions = extensions;
  await cert.subjectPublicKeyInfo.importKey(spec.publicKey, pkiCrypto());
  const signingKey = spec.issuer?.privateKey ?? spec.selfPrivateKey;
  if (!signingKey) throw new Error('A self-signed certificate needs its own private key.');
  await signTbs(cert, signingKey);
  const der = Buffer.from(cert.toSchema(false).toBER(false));
  return { certificate: pkijs.Certificate.fromBER(der), der, name, keyId };
}

export interface RevokedEntry {
  serial: Buffer;
  revokedAt: Date;
  /** CRLReason code (1 keyCompromise...). */
  reason?: number;
}

export async function buildCrl(input: { issuer: pkijs.RelativeDistinguishedNames; issuerKeyId: Buffer; privateKey: webcrypto.CryptoKey; thisUpdate: Date; nextUpdate: Date; revoked: RevokedEntry[]; number: number }): Promise<Buffer> {
  pkiCrypto();
  const crl = new pkijs.CertificateRevocationList();
  crl.version = 1;
  crl.issuer = input.issuer;
  crl.thisUpdate = new pkijs.Time({ type: 0, value: input.thisUpdate });
  crl.nextUpdate = new pkijs.Time({ type: 0, value: input.nextUpdate });
  if (input.revoked.length > 0) {
    crl.revokedCertificates = input.revoked.map((r) => new pkijs.RevokedCertificate({
      userCertificate: new asn1js.Integer({ valueHex: r.serial }),
      revocationDate: new pkijs.Time({ type: 0, value: r.revokedAt }),
      ...(r.reason !== undefined ? { crlEntryExtensions: new pkijs.Extensions({ extensions: [extension('2.5.29.21', new asn1js.Enumerated({ value: r.reason }))] }) } : {}),
    }));
  }
  crl.crlExtensions = new pkijs.Extensions({
    extensions: [
      extension('2.5.29.35', new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: input.issuerKeyId }) })),
      extension('2.5.29.20', new asn1js.Integer({ value: input.number })),
    ],
  });
  await signTbs(crl, input.privateKey);
  return Buffer.from(crl.toSchema(false).toBER(false));
}
