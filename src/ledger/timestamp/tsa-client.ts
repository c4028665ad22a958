/**
 * Asks an RFC 3161 time-stamping authority (TSA_URL) to vouch for some bytes, and keeps the answer only once it is
 * verified against the TSA trust anchors (TSA_TRUST_ANCHORS_DIR): what is kept is the token, DER, as received.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { X509Certificate } from 'node:crypto';
import { AxisError } from '../../errors/axis-error.js';
import { buildTimestampRequest } from './timestamp-request.js';
import { verifyTimestampToken, type VerifiedTimestamp } from './timestamp-token.js';
import { parseTsaUrl, postTimestampQuery } from './tsa-http.js';

export interface TsaClientOptions {
  url: string;
  trustAnchors: readonly (X509Certificate | Uint8Array)[];
  /** Intermediates of the TSA, when its tokens do not carry them. */
  certificates?: readonly (X509Certificate | Uint8Array)[];
  policy?: string;
  /** Default 10 s for the whole exchange. */
  timeoutMs?: number;
  /** Default 256 KiB. */
  maxResponseBytes?: number;
}

export interface Timestamp {
  /** The TimeStampToken (CMS ContentInfo), DER, exactly as the TSA sent it. */
  token: Buffer;
  verified: VerifiedTimestamp;
}

/** What the checkpointer needs from a TSA; tests and deployments without one can hand in another. */
export interface TimestampAuthority {
  timestamp(data: Uint8Array): Promise<Timestamp>;
}

const STATUS_NAMES = ['granted', 'grantedWithMods', 'rejection', 'waiting', 'revocationWarning', 'revocationNotification'];
const FAILURE_NAMES: Record<number, string> = { 0: 'badAlg', 2: 'badRequest', 5: 'badDataFormat', 14: 'timeNotAvailable', 15: 'unacceptedPolicy', 16: 'unacceptedExtension', 17: 'addInfoNotAvailable', 25: 'systemFailure' };

function failureNames(bits: asn1js.BitString | undefined): string[] {
  if (!bits) return [];
  const bytes = bits.valueBlock.valueHexView;
  const names: string[] = [];
  for (let i = 0; i < bytes.length * 8; i += 1) if (bytes[Math.floor(i / 8)]! & (0x80 >> (i % 8))) names.push(FAILURE_NAMES[i] ?? `bit ${i}`);
  return names;
}

/** The status and the token's own bytes out of a TimeStampResp. */
export function readTimestampResponse(bytes: Uint8Array): Buffer {
  const asn1 = asn1js.fromBER(bytes);
  let response: pkijs.TimeStampResp;
  try {
    if (asn1.offset === -1 || asn1.offset !== bytes.length) throw new Error('not one DER structure');
    response = new pkijs.TimeStampResp({ schema: asn1.result });
  } catch {
    throw new AxisError('LEDGER_TSA_RESPONSE_MALFORMED', 'The time-stamping authority did not answer with a TimeStampResp.');
  }
  const { status, statusStrings, failInfo } = response.status;
  if (status !== 0 && status !== 1) {
    const text = statusStrings?.map((s) => s.valueBlock.value).join(' ') ?? '';
    const failures = failureNames(failInfo);
    throw new AxisError('LEDGER_TSA_REJECTED', `The time-stamping authority refused: ${STATUS_NAMES[status] ?? `status ${status}`}${failures.length ? ` (${failures.join(', ')})` : ''}${text ? `: ${text}` : ''}.`, { status, failures, text });
  }
  const token = (asn1.result as asn1js.Sequence).valueBlock.value[1];
  if (!token) throw new AxisError('LEDGER_TSA_RESPONSE_MALFORMED', 'The time-stamping authority granted the request but sent no token.');
  return Buffer.from(token.valueBeforeDecodeView);
}

export function createTsaClient(options: TsaClientOptions): TimestampAuthority {
  parseTsaUrl(options.url);
  const limits = { timeoutMs: options.timeoutMs ?? 10_000, maxResponseBytes: options.maxResponseBytes ?? 256 * 1024 };
  return {
    async timestamp(data) {
      const request = buildTimestampRequest(data, options.policy ? { policy: options.policy } : {});
      const token = readTimestampResponse(await postTimestampQuery(options.url, request.der, limits));
      const verified = await verifyTimestampToken(token, {
        data,
        trustAnchors: options.trustAnchors,
        nonce: request.nonce,
        ...(options.certificates ? { certificates: options.certificates } : {}),
      });
      return { token, verified };
    },
  };
}
