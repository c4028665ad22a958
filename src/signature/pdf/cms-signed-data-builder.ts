/**
 * Builds the CMS SignedData of a PAdES baseline-B signature (ETSI EN 319 142-1 §5.1, ETSI EN 319 122-1): detached,
 * signed attributes contentType, messageDigest and signingCertificateV2, and no signingTime attribute (PAdES puts
 * the claimed time in the signature dictionary's /M). The private key stays behind the Signer seam.
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { Signer } from '../signer.js';
import { OID } from './cms-oids.js';

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/** DER orders the elements of a SET OF by their encodings (X.690 §11.6). */
function compareEncodings(a: Uint8Array, b: Uint8Array): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function signingCertificateV2(cert: pkijs.Certificate, certDer: Uint8Array): asn1js.Sequence {
  const issuerSerial = new pkijs.IssuerSerial({
    issuer: new pkijs.GeneralNames({ names: [new pkijs.GeneralName({ type: 4, value: cert.issuer })] }),
    serialNumber: cert.serialNumber,
  });
  // hashAlgorithm is omitted: SHA-256 is its DEFAULT, and DER forbids encoding a default.
  const essCertIdV2 = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: toArrayBuffer(sha256(certDer)) }), issuerSerial.toSchema()] });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

function signedAttributes(cert: pkijs.Certificate, certDer: Uint8Array, contentDigest: Uint8Array): pkijs.Attribute[] {
  const attributes = [
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
    new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: toArrayBuffer(contentDigest) })] }),
    new pkijs.Attribute({ type: OID.signingCertificateV2, values: [signingCertificateV2(cert, certDer)] }),
  ];
  const encoded = attributes.map((a) => ({ a, der: new Uint8Array(a.toSchema().toBER()) }));
  return encoded.sort((x, y) => compareEncodings(x.der, y.der)).map((x) => x.a);
}

/**
 * Returns the DER ContentInfo(SignedData) over `signedContent` (the bytes the ByteRange covers, already digested
 * by the caller as `contentDigest` with SHA-256).
 */
export async function buildPadesSignedData(signer: Signer, contentDigest: Uint8Array): Promise<Buffer> {
  const [leafDer] = signer.certificateChain;
  if (!leafDer) throw new Error('the signer has no certificate');
  const cert = pkijs.Certificate.fromBER(toArrayBuffer(leafDer));
  const attrs = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: signedAttributes(cert, leafDer, contentDigest) });
  // What is signed is the DER of the attributes as a SET (tag 0x31), not as the [0] IMPLICIT field (RFC 5652 §5.4).
  const toBeSigned = new Uint8Array(attrs.toSchema().toBER());
  toBeSigned[0] = 0x31;
  const rsa = signer.keyAlgorithm === 'RSA';
  const signature = await signer.sign(toBeSigned, rsa ? 'rsa-sha256' : 'ecdsa-sha256', 'der');
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
    signedAttrs: attrs,
    signatureAlgorithm: rsa
      ? new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256WithRSA, algorithmParams: new asn1js.Null() })
      : new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSHA256 }),
    signature: new asn1js.OctetString({ valueHex: toArrayBuffer(signature) }),
  });
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates: signer.certificateChain.map((der) => pkijs.Certificate.fromBER(toArrayBuffer(der))),
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema() });
  return Buffer.from(contentInfo.toSchema().toBER());
}
