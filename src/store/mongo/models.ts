/**
 * The MongoDB collections, as mongoose models on one connection, with the indexes the store's queries use. Record
 * ids are the documents' `_id` (strings). Dates stay ISO strings, exactly as the records carry them, so a record
 * read back equals the record written (receipt hashes depend on that). `strict: false` keeps a field a later version
 * adds to a record instead of silently dropping it; `minimize: false` keeps empty objects (a receipt's `detail: {}`).
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { AgencyCredential, AgencyRecord, ConnectedSystemRecord, DeliveryRecord, DocumentStatusRecord, EnvelopeRecord, ReceiptRecord } from '../../exchange/model/index.js';

type WithStringId<T extends { id: string }> = Omit<T, 'id'> & { _id: string };

export type AgencyDoc = Omit<AgencyRecord, 'organId'> & { _id: string };
export type SystemDoc = Omit<ConnectedSystemRecord, 'systemId'> & { _id: string };
/** `chainSeq`: the accepted receipt's chain position, kept only to list envelopes in the order they were accepted. */
export type EnvelopeDoc = WithStringId<EnvelopeRecord> & { chainSeq: number };
export type DeliveryDoc = WithStringId<DeliveryRecord>;
export type DocumentStatusDoc = DocumentStatusRecord;
export type ReceiptDoc = WithStringId<ReceiptRecord>;
/** Counters: `deliveries` (the inbox cursor) and `receipt-chain` (the chain head: seq and hash of the last receipt). */
export interface CounterDoc {
  _id: string;
  seq: number;
  hash?: string;
  /** Bumped by every writer first, so concurrent transactions on the chain conflict at once and retry. */
  writes?: number;
}

const options = { versionKey: false, minimize: false, strict: false, timestamps: false } as const;
const text = { type: String, required: true } as const;
const optionalText = { type: String } as const;

const credentialSchema = new Schema<AgencyCredential>({
  keyId: text,
  secretCiphertext: text,
  createdAt: text,
  expiresAt: optionalText,
}, { ...options, _id: false });

const agencySchema = new Schema<AgencyDoc>({
  _id: text,
  name: text,
  parentOrganId: optionalText,
  state: { type: String, required: true, enum: ['active', 'suspended'] },
  deliveryMode: { type: String, required: true, enum: ['push', 'pull'] },
  endpointUrl: optionalText,
  credentials: { type: [credentialSchema], default: undefined, required: true },
  certificateFingerprints: { type: [String], default: undefined, required: true },
  createdAt: text,
  updatedAt: text,
}, { ...options, collection: 'agencies' });

const systemSchema = new Schema<SystemDoc>({
  _id: text,
  agencies: { type: [String], default: undefined, required: true },
  state: { type: String, required: true, enum: ['active', 'suspended'] },
  secretCiphertext: text,
  createdAt: text,
  updatedAt: text,
}, { ...options, collection: 'systems' });

const envelopeSchema = new Schema<EnvelopeDoc>({
  _id: text,
  kind: { type: String, required: true, enum: ['edoc', 'status'] },
  fromOrganId: text,
  toOrganIds: { type: [String], default: undefined, required: true },
  documentId: text,
  codeNumber: optionalText,
  codeNotation: optionalText,
  subject: optionalText,
  priority: { type: Number },
  businessType: { type: Number },
  refersToDocumentId: optionalText,
  statusCode: optionalText,
  size: { type: Number, required: true },
  sha256: text,
  dedupeKey: text,
  verification: { type: Schema.Types.Mixed },
  acceptedAt: text,
  revokedAt: optionalText,
  revokedByEnvelopeId: optionalText,
  chainSeq: { type: Number, required: true },
}, { ...options, collection: 'envelopes' });
envelopeSchema.index({ dedupeKey: 1 }, { unique: true, name: 'envelopes_dedupe_key' });
envelopeSchema.index({ documentId: 1, chainSeq: 1 }, { name: 'envelopes_by_document' });
envelopeSchema.index({ refersToDocumentId: 1, chainSeq: 1 }, { name: 'envelopes_by_refers_to' });
envelopeSchema.index({ fromOrganId: 1, documentId: 1, kind: 1, chainSeq: 1 }, { name: 'envelopes_by_sender_document' });
envelopeSchema.index({ fromOrganId: 1, kind: 1, chainSeq: -1 }, { name: 'envelopes_by_sender' });
// The archive's reads (archive-queries.ts): envelopes in acceptance order, all kinds or one.
envelopeSchema.index({ acceptedAt: -1, _id: -1 }, { name: 'envelopes_by_accepted' });
envelopeSchema.index({ kind: 1, acceptedAt: -1, _id: -1 }, { name: 'envelopes_by_kind_accepted' });

const deliverySchema = new Schema<DeliveryDoc>({
  _id: text,
  envelopeId: text,
  recipientOrganId: text,
  state: { type: String, required: true },
  attempts: { type: Number, required: true },
  nextAttemptAt: optionalText,
  lastError: optionalText,
  createdAt: text,
  updatedAt: text,
  deliveredAt: optionalText,
  fetchedAt: optionalText,
  acknowledgedAt: optionalText,
  seq: { type: Number, required: true },
  revision: { type: Number },
}, { ...options, collection: 'deliveries' });
deliverySchema.index({ seq: 1 }, { unique: true, name: 'deliveries_seq' });
deliverySchema.index({ recipientOrganId: 1, state: 1, seq: 1 }, { name: 'deliveries_inbox' });
deliverySchema.index({ recipientOrganId: 1, seq: 1 }, { name: 'deliveries_by_recipient' });
deliverySchema.index({ state: 1, seq: 1 }, { name: 'deliveries_by_state' });
deliverySchema.index({ envelopeId: 1, seq: 1 }, { name: 'deliveries_by_envelope' });

const statusSchema = new Schema<DocumentStatusDoc>({
  documentId: text,
  senderOrganId: text,
  recipientOrganId: text,
  code: text,
  envelopeId: text,
  updatedAt: text,
}, { ...options, collection: 'document_statuses' });
statusSchema.index({ documentId: 1, senderOrganId: 1, recipientOrganId: 1 }, { unique: true, name: 'statuses_key' });

const receiptSchema = new Schema<ReceiptDoc>({
  _id: text,
  type: text,
  envelopeId: optionalText,
  deliveryId: optionalText,
  documentId: optionalText,
  subjectSha256: text,
  parties: { type: [String], default: undefined, required: true },
  at: text,
  detail: { type: Schema.Types.Mixed },
  seq: { type: Number, required: true },
  prevHash: text,
  hash: text,
  signature: text,
  signerFingerprint: text,
}, { ...options, collection: 'receipts' });
receiptSchema.index({ seq: 1 }, { unique: true, name: 'receipts_seq' });
receiptSchema.index({ parties: 1, seq: 1 }, { name: 'receipts_by_party' });
receiptSchema.index({ documentId: 1, seq: 1 }, { name: 'receipts_by_document' });
receiptSchema.index({ envelopeId: 1, seq: 1 }, { name: 'receipts_by_envelope' });
receiptSchema.index({ type: 1, at: 1, seq: 1 }, { name: 'receipts_by_type_at' });

const counterSchema = new Schema<CounterDoc>({
  _id: text,
  seq: { type: Number, required: true },
  hash: optionalText,
  writes: { type: Number },
}, { ...options, collection: 'counters' });

export interface Models {
  agencies: Model<AgencyDoc>;
  systems: Model<SystemDoc>;
  envelopes: Model<EnvelopeDoc>;
  deliveries: Model<DeliveryDoc>;
  statuses: Model<DocumentStatusDoc>;
  receipts: Model<ReceiptDoc>;
  counters: Model<CounterDoc>;
}

export function modelsOn(connection: Connection): Models {
  return {
    agencies: connection.model<AgencyDoc>('Agency', agencySchema),
    systems: connection.model<SystemDoc>('ConnectedSystem', systemSchema),
    envelopes: connection.model<EnvelopeDoc>('Envelope', envelopeSchema),
    deliveries: connection.model<DeliveryDoc>('Delivery', deliverySchema),
    statuses: connection.model<DocumentStatusDoc>('DocumentStatus', statusSchema),
    receipts: connection.model<ReceiptDoc>('Receipt', receiptSchema),
    counters: connection.model<CounterDoc>('Counter', counterSchema),
  };
}

/** Creates the collections and their indexes (collections cannot be created inside a multi-document transaction on older servers). */
export async function ensureCollections(models: Models): Promise<void> {
  for (const model of Object.values(models) as Model<unknown>[]) {
    await model.createCollection().catch((error: unknown) => {
      if ((error as { codeName?: string }).codeName !== 'NamespaceExists') throw error;
    });
    await model.createIndexes();
  }
  for (const name of ['deliveries', 'receipt-chain']) {
    // Two processes opening at once may both try the upsert: the loser's duplicate key means the counter exists.
    await models.counters.updateOne({ _id: name }, { $setOnInsert: { seq: 0 } }, { upsert: true }).catch((error: unknown) => {
      if ((error as { code?: unknown }).code !== 11000) throw error;
    });
  }
}

/** A document as read (lean) back into the record the port speaks. */
export function recordOf<T>(doc: object | null | undefined, idField: string = 'id', drop: readonly string[] = []): T | undefined {
  if (!doc) return undefined;
  const { _id, ...rest } = doc as Record<string, unknown>;
  for (const key of drop) delete rest[key];
  return { [idField]: _id, ...rest } as T;
}
