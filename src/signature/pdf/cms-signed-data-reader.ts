/**
 * Reads the CMS SignedData of a PDF signature (RFC 5652) with pkijs and checks it with node's crypto (the same
 * OpenSSL WebCrypto uses): the messageDigest against the signed bytes, the signature value against the signer
 * certificate's key, and the ESS signing-certificate binding. Never throws: every failure is a coded result.
 */
import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { parseCertificateShared } from '../../pki/certificate-parse.js';
import { splitCertificates } from './cms-certificates.js';
import { DIGEST_BY_OID, OID, SIGNATURE_BY_OID } from './cms-oids.js';

export type CmsFailure = { code: 'PDF_CMS_MALFORMED' | 'PDF_ALGORITHM_UNSUPPORTED' | 'PDF_CERT_MISSING' | 'PDF_DIGEST_MISMATCH' | 'PDF_SIGNATURE_INVALID'; message: string };

export interface ParsedCms {
  signerInfo: pkijs.SignerInfo;
  signerCertificate: Buffer;
  /** Every other certificate the SignedData carries (intermediates, for chain building). */
  otherCertificates: Buffer[];
  digest: 'sha1' | 'sha256' | 'sha384' | 'sha512';
  signatureAlgorithm: string;
  /** DER of the signed attributes as a SET, i.e. what was signed; absent for a signature over the content itself. */
  signedAttributes?: Buffer;
  messageDigest?: Buffer;
  signingTime?: Date;
  /** Hash of the signer certificate from signingCertificate(V2), with its algorithm. */
  essCertHash?: { digest: 'sha1' | 'sha256' | 'sha384' | 'sha512'; value: Buffer };
  warnings: string[];
}

const fail = (code: CmsFailure['code'], message: string): CmsFailure => ({ code, message });

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function attributeValues(signerInfo: pkijs.SignerInfo, oid: string): unknown[][] {
  return (signerInfo.signedAttrs?.attributes ?? []).filter((a) => a.type === oid).map((a) => a.values as unknown[]);
}

function matchesSid(cert: pkijs.Certificate, sid: unknown): boolean {
  if (sid instanceof pkijs.IssuerAndSerialNumber) return cert.issuer.isEqual(sid.issuer) && cert.serialNumber.isEqual(sid.serialNumber);
  const ski = cert.extensions?.find((e) => e.extnID === '2.5.29.14')?.parsedValue as asn1js.OctetString | undefined;
  const wanted = (sid as asn1js.Constructed | undefined)?.valueBlock?.value?.[0] as asn1js.OctetString | undefined;
  if (!ski || !wanted) return false;
  return Buffer.from(ski.valueBlock.valueHexView).equals(Buffer.from(wanted.valueBlock.valueHexView ?? new Uint8Array()));
}

function readEssCertHash(signerInfo: pkijs.SignerInfo): ParsedCms['essCertHash'] | undefined {
  for (const [oid, defaultDigest] of [[OID.signingCertificateV2, 'sha256'], [OID.signingCertificate, 'sha1']] as const) {
    const value = attributeValues(signerInfo, oid)[0]?.[0] as asn1js.Sequence | undefined;
    const certs = value?.valueBlock.value[0] as asn1js.Sequence | undefined;
    const first = certs?.valueBlock.value[0] as asn1js.Sequence | undefined;
    if (!first) continue;
    const parts = first.valueBlock.value;
    let digest: 'sha1' | 'sha256' | 'sha384' | 'sha512' | undefined = defaultDigest;
    let hashAt = 0;
    if (oid === OID.signingCertificateV2 && parts[0] instanceof asn1js.Sequence) {
      const alg = new pkijs.AlgorithmIdentifier({ schema: parts[0] });
      digest = DIGEST_BY_OID[alg.algorithmId];
      hashAt = 1;
    }
    const hash = parts[hashAt];
    if (digest && hash instanceof asn1js.OctetString) return { digest, value: Buffer.from(hash.valueBlock.valueHexView) };
  }
  return undefined;
}

/** The certificates of a SignedData read whole (a BER CMS with indefinite lengths), removed from it for pkijs. */
function certificatesOf(contentInfo: asn1js.AsnType): Buffer[] {
  const explicit = (contentInfo as asn1js.Sequence).valueBlock?.value?.[1] as asn1js.Constructed | undefined;
  const signedData = explicit?.valueBlock?.value?.[0] as asn1js.Sequence | undefined;
  const items = signedData?.valueBlock?.value;
  if (!signedData || !Array.isArray(items)) return [];
  const at = items.findIndex((b) => b.idBlock.tagClass === 3 && b.idBlock.tagNumber === 0);
  if (at < 0) return [];
  const certificates = ((items[at] as asn1js.Constructed).valueBlock.value ?? [])
    .filter((b) => b instanceof asn1js.Sequence)
    .map((b) => Buffer.from(b.valueBeforeDecodeView));
  signedData.valueBlock.value = items.filter((_, i) => i !== at);
  return certificates;
}

export function parseCms(contents: Buffer): ParsedCms | CmsFailure {
  try {
    // The CMS is followed by the placeholder's zero padding. Its own length says where it ends: stripping trailing
    // zeros instead would cut a signature whose last byte is 0x00, and the end-of-contents of an indefinite length.
    // Certificates are taken out at the DER level first (cms-certificates.ts): parsing them is the costly part.
    const split = splitCertificates(contents);
    const asn1 = asn1js.fromBER(toArrayBuffer(split ? split.cms : contents));
    if (asn1.offset === -1) return fail('PDF_CMS_MALFORMED', 'The signature value is not valid ASN.1.');
    if (contents.subarray(split ? split.end : asn1.offset).some((b) => b !== 0)) return fail('PDF_CMS_MALFORMED', 'The signature value has data after its CMS structure.');
    const certificateDers = split ? split.certificates : certificatesOf(asn1.result);
    const contentInfo = new pkijs.ContentInfo({ schema: asn1.result });
    if (contentInfo.contentType !== OID.signedData) return fail('PDF_CMS_MALFORMED', 'The signature is not a CMS SignedData.');
    const signedData = new pkijs.SignedData({ schema: contentInfo.content });
    if (signedData.signerInfos.length !== 1) return fail('PDF_CMS_MALFORMED', `The signature has ${signedData.signerInfos.length} signers; a PDF signature has exactly one.`);
    if (signedData.encapContentInfo.eContent) return fail('PDF_ALGORITHM_UNSUPPORTED', 'The signature embeds its content (adbe.pkcs7.sha1 style); only detached signatures are supported.');
    const signerInfo = signedData.signerInfos[0] as pkijs.SignerInfo;
    const digest = DIGEST_BY_OID[signerInfo.digestAlgorithm.algorithmId];
    if (!digest) return fail('PDF_ALGORITHM_UNSUPPORTED', `Digest algorithm ${signerInfo.digestAlgorithm.algorithmId} is not supported.`);
    const sigAlg = SIGNATURE_BY_OID[signerInfo.signatureAlgorithm.algorithmId];
    if (!sigAlg) return fail('PDF_ALGORITHM_UNSUPPORTED', `Signature algorithm ${signerInfo.signatureAlgorithm.algorithmId} is not supported.`);
    const certs = certificateDers.map((der) => ({ der, cert: parseCertificateShared(der) }));
    const signerCert = certs.find((c) => matchesSid(c.cert, signerInfo.sid));
    if (!signerCert) return fail('PDF_CERT_MISSING', 'The signature does not carry the certificate of its signer.');
    const warnings: string[] = [];
    if (digest === 'sha1') warnings.push('The signature uses SHA-1, a legacy digest that no longer protects against forgery.');
    const parsed: ParsedCms = {
      signerInfo,
      signerCertificate: signerCert.der,
      otherCertificates: certs.filter((c) => c !== signerCert).map((c) => c.der),
      digest,
      signatureAlgorithm: sigAlg.digest ? sigAlg.name : `${sigAlg.name}-${digest}`,
      warnings,
    };
    if (signerInfo.signedAttrs) {
      parsed.signedAttributes = Buffer.from(signerInfo.signedAttrs.encodedValue);
      const md = attributeValues(signerInfo, OID.messageDigest);
      const value = md[0]?.[0];
      if (md.length !== 1 || md[0]?.length !== 1 || !(value instanceof asn1js.OctetString)) return fail('PDF_CMS_MALFORMED', 'The signed attributes must hold exactly one messageDigest.');
      parsed.messageDigest = Buffer.from(value.valueBlock.valueHexView);
      const ct = attributeValues(signerInfo, OID.contentType)[0]?.[0];
      if (!(ct instanceof asn1js.ObjectIdentifier) || ct.valueBlock.toString() !== OID.data) return fail('PDF_CMS_MALFORMED', 'The signed attributes must give contentType id-data.');
      const st = attributeValues(signerInfo, OID.signingTime)[0]?.[0];
      if (st instanceof asn1js.UTCTime || st instanceof asn1js.GeneralizedTime) parsed.signingTime = st.toDate();
      const ess = readEssCertHash(signerInfo);
      if (ess) parsed.essCertHash = ess;
    }
    return parsed;
  } catch (err) {
    return fail('PDF_CMS_MALFORMED', `The signature value could not be decoded (${err instanceof Error ? err.message : String(err)}).`);
  }
}

export function isCmsFailure(value: ParsedCms | CmsFailure): value is CmsFailure {
  return 'code' in value;
}

/** Digest of the signed bytes compared to messageDigest, then the signature value checked with the signer's key. */
export function checkCmsIntegrity(cms: ParsedCms, signedParts: Buffer[]): CmsFailure | undefined {
  const hash = createHash(cms.digest);
  for (const part of signedParts) hash.update(part);
  const contentDigest = hash.digest();
  if (cms.messageDigest && !cms.messageDigest.equals(contentDigest)) {
    return fail('PDF_DIGEST_MISMATCH', 'The document bytes do not match the digest the signer signed: it was changed inside the signed range.');
  }
  let publicKey;
  try {
    publicKey = new X509Certificate(cms.signerCertificate).publicKey;
  } catch {
    return fail('PDF_CERT_MISSING', 'The signer certificate in the signature cannot be read.');
  }
  const sigAlg = SIGNATURE_BY_OID[cms.signerInfo.signatureAlgorithm.algorithmId];
  const keyType = publicKey.asymmetricKeyType === 'rsa' ? 'RSA' : publicKey.asymmetricKeyType === 'ec' ? 'EC' : 'other';
  if (!sigAlg || sigAlg.key !== keyType) return fail('PDF_SIGNATURE_INVALID', 'The signature algorithm does not match the signer certificate key.');
  const signature = Buffer.from(cms.signerInfo.signature.valueBlock.valueHexView);
  const data = cms.signedAttributes ?? Buffer.concat(signedParts);
  let ok = false;
  try {
    ok = verifySignature(sigAlg.digest ?? cms.digest, data, { key: publicKey, dsaEncoding: 'der' }, signature);
  } catch {
    ok = false;
  }
  if (!ok) {
    const tail = cms.signedAttributes ? '' : ' (and without signed attributes, a changed document also shows here)';
    return fail(cms.signedAttributes ? 'PDF_SIGNATURE_INVALID' : 'PDF_DIGEST_MISMATCH', `The signature value does not verify with the signer certificate${tail}.`);
  }
  if (cms.essCertHash && !createHash(cms.essCertHash.digest).update(cms.signerCertificate).digest().equals(cms.essCertHash.value)) {
    return fail('PDF_SIGNATURE_INVALID', 'The signed signing-certificate attribute names another certificate than the one supplied.');
  }
  return undefined;
}
