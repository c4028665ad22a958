/** Records as the exchange builds them, for the store contract: an agency, a package, its deliveries and receipts. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AcceptBundle } from '../../src/exchange/ports/index.js';
import type { AgencyRecord, DeliveryRecord, DeliveryState, EnvelopeRecord, ReceiptDraft, StatusCode } from '../../src/exchange/model/index.js';

export const G22 = '000.00.00.G22';
export const H41 = '000.00.00.H41';
export const K01 = '000.00.00.K01';
export const M05 = '000.00.00.M05';

const now = () => new Date().toISOString();
const id = (prefix: string) => `${prefix}_${randomUUID()}`;

export function agency(organId: string, overrides: Partial<AgencyRecord> = {}): AgencyRecord {
  return {
    organId,
    name: `Cơ quan ${organId}`,
    state: 'active',
    deliveryMode: 'pull',
    credentials: [{ keyId: `${organId}:${randomBytes(4).toString('hex')}`, secretCiphertext: randomBytes(24).toString('base64'), createdAt: now() }],
    certificateFingerprints: ['ab'.repeat(32)],
    createdAt: now(),
    updatedAt: now(),
    ...overrides,
  };
}

export interface PackageSpec {
  from?: string;
  to?: string[];
  documentId?: string;
  kind?: 'edoc' | 'status';
  statusCode?: StatusCode;
  refersToDocumentId?: string;
  businessType?: 0 | 1 | 2 | 3;
  /** Recipient -> initial delivery state (default available). */
  states?: Record<string, DeliveryState>;
  bytes?: Buffer;
}

export function envelope(spec: PackageSpec = {}): EnvelopeRecord {
  const from = spec.from ?? G22;
  const documentId = spec.documentId ?? `${from},2026/12/01,${randomUUID().slice(0, 8)}/VPCP-TTĐT`;
  const kind = spec.kind ?? 'edoc';
  const sha256 = createHash('sha256').update(spec.bytes ?? randomBytes(32)).digest('hex');
  const what = kind === 'edoc' ? `edoc/${spec.businessType ?? 0}` : `status/${spec.statusCode ?? ''}`;
  return {
    id: id('pkg'),
    kind,
    fromOrganId: from,
    toOrganIds: spec.to ?? [H41],
    documentId,
    codeNumber: '12',
    codeNotation: 'VPCP-TTĐT',
    subject: 'Về việc triển khai trục liên thông văn bản',
    ...(kind === 'edoc' ? { businessType: spec.businessType ?? 0 } : {}),
    ...(spec.refersToDocumentId ? { refersToDocumentId: spec.refersToDocumentId } : {}),
    ...(spec.statusCode ? { statusCode: spec.statusCode } : {}),
    size: spec.bytes?.byteLength ?? 32,
    sha256,
    dedupeKey: [from, documentId, what, sha256].join('|'),
    verification: { signature: { valid: true, signers: [{ subject: 'CN=Nguyễn Văn A' }] }, warnings: [] },
    acceptedAt: now(),
  };
}

export function deliveriesFor(env: EnvelopeRecord, states: Record<string, DeliveryState> = {}): Omit<DeliveryRecord, 'seq'>[] {
  return env.toOrganIds.map((recipient) => ({
    id: id('dlv'),
    envelopeId: env.id,
    recipientOrganId: recipient,
    state: states[recipient] ?? 'available',
    attempts: 0,
    createdAt: env.acceptedAt,
    updatedAt: env.acceptedAt,
  }));
}

export function receiptDraft(env: EnvelopeRecord, type: ReceiptDraft['type'] = 'accepted', extra: Partial<ReceiptDraft> = {}): ReceiptDraft {
  return {
    type,
    envelopeId: env.id,
    documentId: env.documentId,
    subjectSha256: env.sha256,
    parties: [...new Set([env.fromOrganId, ...env.toOrganIds])],
    at: now(),
    detail: { kind: env.kind, size: env.size, note: 'Văn bản điện tử' },
    ...extra,
  };
}

/** A package and everything accepting it writes; with spec.bytes, the raw package travels with the records. */
export function bundle(spec: PackageSpec = {}): AcceptBundle {
  const env = envelope(spec);
  return { envelope: env, deliveries: deliveriesFor(env, spec.states), receipt: receiptDraft(env), ...(spec.bytes ? { packageBytes: spec.bytes } : {}) };
}
