/**
 * A development RFC 3161 time-stamping authority for the test PKI: answers a DER TimeStampReq with a TimeStampResp
 * whose token is a CMS SignedData over a TSTInfo, signed attributes in DER order with the ESS signingCertificateV2 that
 * `openssl ts -verify` requires. Test options make it misbehave the ways a broken or hostile TSA would.
 */
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { pkiCrypto } from '../crypto-engine.js';

export const TST_INFO_CONTENT_TYPE = '1.2.840.113549.1.9.16.1.4';
export const TEST_TSA_POLICY = '1.2.3.4.1';
const SIGNED_DATA = '1.2.840.113549.1.7.2';
const CONTENT_TYPE_ATTRIBUTE = '1.2.840.113549.1.9.3';
const MESSAGE_DIGEST_ATTRIBUTE = '1.2.840.113549.1.9.4';
const SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';
const HASHES: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** PKIFailureInfo bits of RFC 3161 §2.4.2. */
export const TSA_FAILURE = { badAlg: 0, badRequest: 2, badDataFormat: 5, timeNotAvailable: 14, unacceptedPolicy: 15, systemFailure: 25 } as const;

export interface TsaResponderOptions {
  /** The TSA certificate (DER) with its critical id-kp-timeStamping, its key, and the intermediates to send along. */
  signer: { certificate: Uint8Array; privateKey: webcrypto.CryptoKey; intermediates?: readonly Uint8Array[] };
  policy?: string;
  now?: () => Date;
  /** Misbehaviours for tests. */
  refuse?: { status: 2 | 3 | 4 | 5; text?: string; failInfo?: number };
  /** Sign a token over another digest than the one asked for. */
  otherImprint?: boolean;
  nonce?: 'echo' | 'omit' | 'other';
  /** Leave out the ESS signingCertificateV2 attribute. */
  omitSigningCertificate?: boolean;
}

function statusInfo(status: number, text?: string, failInfo?: number): pkijs.PKIStatusInfo {
  const info = new pkijs.PKIStatusInfo({ status });
  if (text) info.statusStrings = [new asn1js.Utf8String({ value: text })];
  if (failInfo !== undefined) {
    const bytes = new Uint8Array(Math.floor(failInfo / 8) + 1);
    bytes[failInfo >> 3]! |= 0x80 >> (failInfo & 7);
    info.failInfo = new asn1js.BitString({ valueHex: bytes, unusedBits: 7 - (failInfo & 7) });
  }
  return info;
}

export function timeStampRefusal(status: number, text?: string, failInfo?: number): Buffer {
  return Buffer.from(new pkijs.TimeStampResp({ status: statusInfo(status, text, failInfo) }).toSchema().toBER(false));
}

function attribute(type: string, value: asn1js.BaseBlock): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [value] });
}

/** ESSCertIDv2 with the default hash (SHA-256), so hashAlgorithm is absent as DER wants. */
function signingCertificateV2(certificateDer: Uint8Array): asn1js.Sequence {
  const certHash = createHash('sha256').update(certificateDer).digest();
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: certHash })] })] })] });
}

/** DER orders a SET OF by the encodings of its members; OpenSSL re-encodes signed attributes before checking. */
function derSorted(attributes: pkijs.Attribute[]): pkijs.Attribute[] {
  const encoded = attributes.map((a) => ({ a, der: Buffer.from(a.toSchema().toBER(false)) }));
  return encoded.sort((x, y) => Buffer.compare(x.der, y.der)).map((e) => e.a);
}

async function sign(tstInfo: pkijs.TSTInfo, options: TsaResponderOptions, certReq: boolean): Promise<pkijs.ContentInfo> {
  const crypto = pkiCrypto();
  const certificate = pkijs.Certificate.fromBER(options.signer.certificate);
  const eContent = Buffer.from(tstInfo.toSchema().toBER(false));
  const attributes = [
    attribute(CONTENT_TYPE_ATTRIBUTE, new asn1js.ObjectIdentifier({ value: TST_INFO_CONTENT_TYPE })),
    attribute(MESSAGE_DIGEST_ATTRIBUTE, new asn1js.OctetString({ valueHex: createHash('sha256').update(eContent).digest() })),
    ...(options.omitSigningCertificate ? [] : [attribute(SIGNING_CERTIFICATE_V2, signingCertificateV2(options.signer.certificate))]),
  ];
  const signedData = new pkijs.SignedData({
    version: 3,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: TST_INFO_CONTENT_TYPE }),
    signerInfos: [new pkijs.SignerInfo({
      version: 1,
      sid: new pkijs.IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber }),
      signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: derSorted(attributes) }),
    })],
    ...(certReq ? { certificates: [certificate, ...(options.signer.intermediates ?? []).map((der) => pkijs.Certificate.fromBER(der))] } : {}),
  });
  // Set after construction: pkijs's constructor would chunk it into a constructed (BER) OCTET STRING, which DER
  // readers and pkijs's own TSTInfo check do not take. TSAs send it primitive.
  signedData.encapContentInfo.eContent = new asn1js.OctetString({ valueHex: eContent });
  await signedData.sign(options.signer.privateKey, 0, 'SHA-256', undefined, crypto);
  const signerInfo = signedData.signerInfos[0]!;
  // As for certificates (certificate-builder.ts): RSA algorithm identifiers carry NULL parameters.
  if (signerInfo.signatureAlgorithm.algorithmId.startsWith('1.2.840.113549.1.1.')) signerInfo.signatureAlgorithm.algorithmParams = new asn1js.Null();
  return new pkijs.ContentInfo({ contentType: SIGNED_DATA, content: signedData.toSchema(true) });
}

/** Answers one DER TimeStampReq; a request that cannot be read gets a rejection (badDataFormat), never a throw. */
export async function answerTimeStampRequest(requestDer: Uint8Array, options: TsaResponderOptions): Promise<Buffer> {
  let request: pkijs.TimeStampReq;
  try {
    request = pkijs.TimeStampReq.fromBER(requestDer);
  } catch {
    return timeStampRefusal(2, 'The request is not a DER TimeStampReq.', TSA_FAILURE.badDataFormat);
  }
  if (options.refuse) return timeStampRefusal(options.refuse.status, options.refuse.text, options.refuse.failInfo);
  const hash = HASHES[request.messageImprint.hashAlgorithm.algorithmId];
  const digest = Buffer.from(request.messageImprint.hashedMessage.valueBlock.valueHexView);
  if (!hash || createHash(hash).digest().length !== digest.length) return timeStampRefusal(2, 'Unsupported hash algorithm.', TSA_FAILURE.badAlg);
  const policy = options.policy ?? TEST_TSA_POLICY;
  if (request.reqPolicy && request.reqPolicy !== policy) return timeStampRefusal(2, `Only policy ${policy} is served.`, TSA_FAILURE.unacceptedPolicy);
  const imprint = options.otherImprint
    ? new pkijs.MessageImprint({ hashAlgorithm: request.messageImprint.hashAlgorithm, hashedMessage: new asn1js.OctetString({ valueHex: createHash(hash).update(digest).digest() }) })
    : request.messageImprint;
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const genTime = new Date(Math.floor((options.now?.() ?? new Date()).getTime() / 1000) * 1000);
  const nonce = options.nonce ?? 'echo';
  const tstInfo = new pkijs.TSTInfo({
    version: 1,
    policy,
    messageImprint: imprint,
    serialNumber: new asn1js.Integer({ valueHex: serial }),
    genTime,
    accuracy: new pkijs.Accuracy({ seconds: 1 }),
    ...(request.nonce && nonce === 'echo' ? { nonce: request.nonce } : {}),
    ...(request.nonce && nonce === 'other' ? { nonce: new asn1js.Integer({ valueHex: Buffer.from([0x01, ...randomBytes(8)]) }) } : {}),
  });
  try {
    const token = await sign(tstInfo, options, request.certReq ?? false);
    return Buffer.from(new pkijs.TimeStampResp({ status: statusInfo(0), timeStampToken: token }).toSchema().toBER(false));
  } catch {
    return timeStampRefusal(2, 'The TSA could not sign.', TSA_FAILURE.systemFailure);
  }
}
