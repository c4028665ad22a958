/** Builds the signed POST of one delivery attempt: the raw package as accepted, byte for byte. */
import type { AgencyRecord, DeliveryRecord, EnvelopeRecord } from '../model/index.js';
import type { BlobStore, PushRequest } from '../ports/index.js';
import { AxisError } from '../../errors/axis-error.js';
import type { DeliveryPolicy } from './delivery-policy.js';
import { PUSH_HEADERS, signPush, type PushSigningIdentity } from './push-signature.js';

/** Packages up to this size are read into memory for the attempt; larger ones are streamed from the blob store. */
const IN_MEMORY_BYTES = 1024 * 1024;

export async function buildPushRequest(input: {
  delivery: DeliveryRecord;
  envelope: EnvelopeRecord;
  agency: AgencyRecord & { endpointUrl: string };
  blobs: BlobStore;
  identity: PushSigningIdentity;
  policy: DeliveryPolicy;
  now: Date;
}): Promise<PushRequest> {
  const { delivery, envelope, agency, blobs } = input;
  const url = new URL(agency.endpointUrl);
  const sha256 = envelope.sha256.toLowerCase();
  const timestamp = input.now.toISOString();
  const signature = signPush({
    method: 'POST',
    target: `${url.pathname}${url.search}`,
    recipientOrganId: agency.organId,
    packageId: envelope.id,
    idempotencyKey: delivery.id,
    contentSha256: sha256,
    timestamp,
  }, input.identity);
  const headers: Record<string, string> = {
    [PUSH_HEADERS.packageId]: envelope.id,
    [PUSH_HEADERS.recipient]: agency.organId,
    [PUSH_HEADERS.idempotencyKey]: delivery.id,
    [PUSH_HEADERS.contentSha256]: sha256,
    // RFC 9530: the same digest, in the standard header and encoding.
    [PUSH_HEADERS.contentDigest]: `sha-256=:${Buffer.from(sha256, 'hex').toString('base64')}:`,
    [PUSH_HEADERS.timestamp]: timestamp,
    [PUSH_HEADERS.signature]: signature,
    'x-edx-document-id': encodeURIComponent(envelope.documentId),
    'x-edx-package-kind': envelope.kind,
    'x-edx-attempt': String(delivery.attempts + 1),
  };
  // A missing blob fails here (STORE_BLOB_NOT_FOUND), before anything is sent: the bytes are read now, or, for a
  // large package streamed later, their presence is checked now.
  let body: PushRequest['body'];
  if (envelope.size <= IN_MEMORY_BYTES) {
    body = await blobs.read(envelope.sha256);
  } else {
    if (!(await blobs.has(envelope.sha256))) throw new AxisError('STORE_BLOB_NOT_FOUND', `The raw package ${envelope.sha256} is not in the blob store.`, { key: envelope.sha256 });
    body = () => blobs.openRead(envelope.sha256);
  }
  return {
    url: url.href,
    headers,
    body,
    contentLength: envelope.size,
    connectTimeoutMs: input.policy.connectTimeoutMs,
    responseTimeoutMs: input.policy.responseTimeoutMs,
  };
}
