/**
 * A development OCSP responder (RFC 6960) for the test PKI: answers POSTed requests with a basic response signed by
 * the delegated responder certificate (or the CA itself), echoing the nonce. Status comes from a callback, so a test
 * can make any certificate good, revoked or unknown.
 */
import { webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { pkiCrypto } from '../crypto-engine.js';
import { OCSP_NONCE_OID } from '../ocsp-client.js';

export type OcspAnswer = 'good' | 'unknown' | { revokedAt: Date; reason?: number };

export interface OcspResponderOptions {
  /** The certificate that signs answers (DER) and its key: the CA itself or a delegated responder it issued. */
  signer: { certificate: Uint8Array; privateKey: webcrypto.CryptoKey };
  /** Included in the answer when the signer is a delegated responder. */
  includeSignerCertificate?: boolean;
  statusOf(serialHex: string): OcspAnswer;
  /** How long an answer stays fresh (nextUpdate), default one hour. */
  validityMs?: number;
  now?: () => Date;
}

const BASIC = '1.3.6.1.5.5.7.48.1.1';

function tagged(tagNumber: number, value?: asn1js.BaseBlock[]): asn1js.BaseBlock {
  return value
    ? new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber }, value })
    : new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber } });
}

function certStatus(answer: OcspAnswer): asn1js.BaseBlock {
  if (answer === 'good') return tagged(0);
  if (answer === 'unknown') return tagged(2);
  const revokedInfo: asn1js.BaseBlock[] = [new asn1js.GeneralizedTime({ valueDate: answer.revokedAt })];
  if (answer.reason !== undefined) revokedInfo.push(tagged(0, [new asn1js.Enumerated({ value: answer.reason })]));
  return tagged(1, revokedInfo);
}

export function ocspError(status: number): Buffer {
  return Buffer.from(new pkijs.OCSPResponse({ responseStatus: new asn1js.Enumerated({ value: status }) }).toSchema().toBER(false));
}

/** Builds the DER answer to one DER OCSP request; a request that cannot be read gets malformedRequest (1). */
export async function answerOcspRequest(requestDer: Uint8Array, options: OcspResponderOptions): Promise<Buffer> {
  let request: pkijs.OCSPRequest;
  try {
    request = pkijs.OCSPRequest.fromBER(requestDer);
  } catch {
    return ocspError(1);
  }
  const crypto = pkiCrypto();
  const signer = pkijs.Certificate.fromBER(options.signer.certificate);
  const now = options.now?.() ?? new Date();
  const basic = new pkijs.BasicOCSPResponse();
  basic.tbsResponseData.responderID = signer.subject;
  basic.tbsResponseData.producedAt = now;
  basic.tbsResponseData.responses = request.tbsRequest.requestList.map((req) => new pkijs.SingleResponse({
    certID: req.reqCert,
    certStatus: certStatus(options.statusOf(Buffer.from(req.reqCert.serialNumber.valueBlock.valueHexView).toString('hex').replace(/^(00)+(?=.)/, ''))),
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + (options.validityMs ?? 3_600_000)),
  }));
  const nonce = request.tbsRequest.requestExtensions?.find((e) => e.extnID === OCSP_NONCE_OID);
  if (nonce) basic.tbsResponseData.responseExtensions = [nonce];
  if (options.includeSignerCertificate) basic.certs = [signer];
  await basic.sign(options.signer.privateKey, 'SHA-256', crypto);
  return Buffer.from(new pkijs.OCSPResponse({
    responseStatus: new asn1js.Enumerated({ value: 0 }),
    responseBytes: new pkijs.ResponseBytes({ responseType: BASIC, response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER(false) }) }),
  }).toSchema().toBER(false));
}
