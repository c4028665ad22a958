/**
 * The RFC 3161 TimeStampReq the axis sends: SHA-256 of the bytes to time-stamp (a checkpoint's body), a fresh 64-bit
 * nonce so an old answer cannot be replayed, and certReq so the token carries the TSA certificate and verifies offline.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export const SHA256_OID = '2.16.840.1.101.3.4.2.1';

export interface TimestampRequest {
  der: Buffer;
  digest: Buffer;
  /** The nonce as a positive big-endian integer (no leading zero byte). */
  nonce: Buffer;
}

export function buildTimestampRequest(data: Uint8Array, options: { policy?: string } = {}): TimestampRequest {
  const digest = createHash('sha256').update(data).digest();
  const nonce = randomBytes(8);
  nonce[0] = (nonce[0]! & 0x7f) | 0x01; // positive, and no leading zero to strip
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256_OID, algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: digest }),
    }),
    ...(options.policy ? { reqPolicy: options.policy } : {}),
    nonce: new asn1js.Integer({ valueHex: nonce }),
    certReq: true,
  });
  return { der: Buffer.from(request.toSchema().toBER(false)), digest, nonce };
}
