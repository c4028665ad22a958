/**
 * Verifies an RFC 3161 time-stamp token (a CMS SignedData over a TSTInfo) before anyone relies on it: the imprint is
 * the digest of the bytes given, the nonce is the one sent, the signer is named by the ESS signing-certificate
 * attribute, its certificate carries the one critical id-kp-timeStamping usage (RFC 3161 §2.3), the signature over the
 * TSTInfo holds, and the certificate leads to a trust anchor and was valid at the time it vouches for (genTime).
 * Revocation of the TSA certificate is not checked here (docs/evidence.md says why and what to do).
 */
import { createHash, timingSafeEqual, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { AxisError } from '../../errors/axis-error.js';
import { pkiCrypto } from '../../pki/crypto-engine.js';
import { toX509, verifyPath } from '../certificate-path.js';

export const MAX_TOKEN_BYTES = 256 * 1024;
const SIGNED_DATA = '1.2.840.113549.1.7.2';
const TST_INFO = '1.2.840.113549.1.9.16.1.4';
const SIGNING_CERTIFICATE = '1.2.840.113549.1.9.16.2.12';
const SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';
const EXT_KEY_USAGE = '2.5.29.37';
const TIME_STAMPING = '1.3.6.1.5.5.7.3.8';
const HASHES: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
/** What an imprint may be made with: not SHA-1, whose collisions are practical. */
const IMPRINT_HASHES = new Set(['sha256', 'sha384', 'sha512']);

type CertInput = X509Certificate | Uint8Array;

export interface TimestampCheck {
  /** The bytes that were time-stamped (a checkpoint's body). */
  data: Uint8Array;
  /** The TSA roots (TSA_TRUST_ANCHORS_DIR). */
  trustAnchors: readonly CertInput[];
  /** Certificates beyond those the token carries: intermediates, or the TSA's own when certReq was false. */
  certificates?: readonly CertInput[];
  /** The nonce sent, when checking a fresh answer. */
  nonce?: Uint8Array;
}

export interface VerifiedTimestamp {
  /** The time the TSA vouches for. */
  genTime: Date;
  /** Hex, without leading zeros. */
  serialNumber: string;
  policy: string;
  hashAlgorithm: string;
  tsa: { subject: string; fingerprint: string };
}

function fail(code: string, message: string): never {
  throw new AxisError(code, message);
}

function malformed(why: string): never {
  return fail('LEDGER_TSA_TOKEN_MALFORMED', `The time-stamp token cannot be read: ${why}.`);
}

function integerBytes(value: Uint8Array): Buffer {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start += 1;
  return Buffer.from(value.subarray(start));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function parseSignedData(token: Uint8Array): pkijs.SignedData {
  if (token.length > MAX_TOKEN_BYTES) malformed(`it is larger than ${MAX_TOKEN_BYTES} bytes`);
  const asn1 = asn1js.fromBER(token);
  if (asn1.offset === -1 || asn1.offset !== token.length) malformed('it is not one DER structure');
  try {
    const info = new pkijs.ContentInfo({ schema: asn1.result });
    if (info.contentType !== SIGNED_DATA) malformed('it is not CMS SignedData');
    return new pkijs.SignedData({ schema: info.content });
  } catch (error) {
    if (error instanceof AxisError) throw error;
    return malformed('it is not a CMS ContentInfo');
  }
}

function tstInfoOf(signedData: pkijs.SignedData): pkijs.TSTInfo {
  const { eContentType, eContent } = signedData.encapContentInfo;
  if (eContentType !== TST_INFO || !eContent) malformed('it does not hold a TSTInfo');
  try {
    return pkijs.TSTInfo.fromBER(eContent.getValue());
  } catch {
    return malformed('its TSTInfo is not valid');
  }
}

function signerCertificate(signerInfo: pkijs.SignerInfo, candidates: pkijs.Certificate[]): pkijs.Certificate | undefined {
  const sid = signerInfo.sid as unknown;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return candidates.find((c) => c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber));
  }
  const block = sid as asn1js.Constructed & asn1js.Primitive;
  const keyId = Buffer.from(block.idBlock.isConstructed ? (block.valueBlock.value[0] as asn1js.OctetString).valueBlock.valueHexView : block.valueBlock.valueHexView);
  return candidates.find((c) => createHash('sha1').update(c.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest().equals(keyId));
}

/** The ESS certificate hash the signer committed to (RFC 2634 / RFC 5035), and the hash it was made with. */
function essCertHash(signerInfo: pkijs.SignerInfo): { hash: string; value: Buffer } {
  const attributes = signerInfo.signedAttrs?.attributes ?? [];
  const v2 = attributes.find((a) => a.type === SIGNING_CERTIFICATE_V2);
  const v1 = attributes.find((a) => a.type === SIGNING_CERTIFICATE);
  const attribute = v2 ?? v1;
  if (!attribute) return malformed('it has no ESS signing-certificate attribute naming the TSA certificate');
  try {
    const certs = ((attribute.values[0] as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence).valueBlock.value;
    const first = (certs[0] as asn1js.Sequence).valueBlock.value;
    if (!v2) return { hash: 'sha1', value: Buffer.from((first[0] as asn1js.OctetString).valueBlock.valueHexView) };
    const hasAlgorithm = first[0] instanceof asn1js.Sequence;
    const algorithm = hasAlgorithm ? new pkijs.AlgorithmIdentifier({ schema: first[0] }).algorithmId : '2.16.840.1.101.3.4.2.1';
    const hash = HASHES[algorithm] ?? malformed(`its signing-certificate attribute uses an unknown hash ${algorithm}`);
    return { hash, value: Buffer.from((first[hasAlgorithm ? 1 : 0] as asn1js.OctetString).valueBlock.valueHexView) };
  } catch (error) {
    if (error instanceof AxisError) throw error;
    return malformed('its ESS signing-certificate attribute is not valid');
  }
}

function checkTimeStampingUsage(certificate: pkijs.Certificate, subject: string): void {
  const eku = certificate.extensions?.find((e) => e.extnID === EXT_KEY_USAGE);
  const purposes = eku?.parsedValue instanceof pkijs.ExtKeyUsage ? eku.parsedValue.keyPurposes : [];
  if (!eku || !eku.critical || purposes.length !== 1 || purposes[0] !== TIME_STAMPING) {
    fail('LEDGER_TSA_NOT_TIMESTAMPING', `The certificate "${subject}" that signed the time-stamp is not a time-stamping certificate (RFC 3161 wants one critical extended key usage, id-kp-timeStamping).`);
  }
}

async function checkSignature(signedData: pkijs.SignedData, data: Uint8Array): Promise<void> {
  let verified = false;
  try {
    const result = await signedData.verify({ signer: 0, data: new Uint8Array(data).buffer, checkChain: false, extendedMode: true }, pkiCrypto());
    verified = result.signatureVerified === true;
  } catch {
    verified = false;
  }
  if (!verified) fail('LEDGER_TSA_SIGNATURE_INVALID', "The TSA's signature over the time-stamp is not valid: the token was altered or forged.");
}

export async function verifyTimestampToken(token: Uint8Array, check: TimestampCheck): Promise<VerifiedTimestamp> {
  pkiCrypto();
  const signedData = parseSignedData(token);
  const tstInfo = tstInfoOf(signedData);
  const hash = HASHES[tstInfo.messageImprint.hashAlgorithm.algorithmId];
  if (!hash || !IMPRINT_HASHES.has(hash)) malformed(`its imprint uses a hash that is not accepted (${tstInfo.messageImprint.hashAlgorithm.algorithmId})`);
  const imprint = Buffer.from(tstInfo.messageImprint.hashedMessage.valueBlock.valueHexView);
  if (!sameBytes(imprint, createHash(hash).update(check.data).digest())) {
    fail('LEDGER_TSA_IMPRINT_MISMATCH', 'The time-stamp is over other data: its digest is not the digest of the checkpoint it comes with.');
  }
  if (check.nonce && (!tstInfo.nonce || !sameBytes(integerBytes(tstInfo.nonce.valueBlock.valueHexView), integerBytes(check.nonce)))) {
    fail('LEDGER_TSA_NONCE_MISMATCH', 'The time-stamp does not carry the nonce that was sent: it answers another request (a replay?).');
  }
  if (signedData.signerInfos.length !== 1) malformed(`it has ${signedData.signerInfos.length} signers, not one`);
  const signerInfo = signedData.signerInfos[0]!;
  const extra = (check.certificates ?? []).map((c) => pkijs.Certificate.fromBER(toX509(c).raw));
  const carried = (signedData.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const signer = signerCertificate(signerInfo, [...carried, ...extra]);
  if (!signer) fail('LEDGER_TSA_SIGNER_UNKNOWN', 'The time-stamp token does not carry the TSA certificate, and none that matches was given.');
  const signerDer = Buffer.from(signer.toSchema().toBER(false));
  const signerX509 = new X509Certificate(signerDer);
  const subject = signerX509.subject.replace(/\n/g, ', ');
  const ess = essCertHash(signerInfo);
  if (!sameBytes(ess.value, createHash(ess.hash).update(signerDer).digest())) {
    fail('LEDGER_TSA_SIGNER_MISMATCH', 'The time-stamp names another certificate than the one that signed it.');
  }
  if (!carried.includes(signer)) signedData.certificates = [...(signedData.certificates ?? []), signer];
  const eContent = signedData.encapContentInfo.eContent!;
  // pkijs reads the TSTInfo from a primitive OCTET STRING only; a BER (chunked) one holds the same octets.
  if (eContent.idBlock.isConstructed) signedData.encapContentInfo.eContent = new asn1js.OctetString({ valueHex: eContent.getValue() });
  await checkSignature(signedData, check.data);
  checkTimeStampingUsage(signer, subject);
  const pool = [...carried.map((c) => new X509Certificate(Buffer.from(c.toSchema().toBER(false)))), ...(check.certificates ?? []).map(toX509)];
  const path = verifyPath(signerX509, pool, check.trustAnchors.map(toX509), tstInfo.genTime);
  if (!path.ok) {
    return path.code === 'RECEIPT_CERT_EXPIRED'
      ? fail('LEDGER_TSA_CERT_EXPIRED', `A certificate of the TSA "${subject}" was not valid on ${tstInfo.genTime.toISOString()}, the time it vouches for.`)
      : fail('LEDGER_TSA_UNTRUSTED', `The TSA "${subject}" does not lead to any of the TSA trust anchors given.`);
  }
  if (path.path.slice(1).some((issuer) => !issuer.ca)) fail('LEDGER_TSA_UNTRUSTED', `A certificate above the TSA "${subject}" is not a CA certificate.`);
  return {
    genTime: tstInfo.genTime,
    serialNumber: integerBytes(tstInfo.serialNumber.valueBlock.valueHexView).toString('hex'),
    policy: tstInfo.policy,
    hashAlgorithm: hash,
    tsa: { subject, fingerprint: createHash('sha256').update(signerDer).digest('hex') },
  };
}

/** The certificates a token carries (the TSA's, with certReq): DER, for an evidence bundle's certificates/tsa/. */
export function timestampTokenCertificates(token: Uint8Array): Buffer[] {
  const carried = (parseSignedData(token).certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  return carried.map((c) => Buffer.from(c.toSchema().toBER(false)));
}
