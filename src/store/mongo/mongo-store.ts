/**
 * The MongoDB store (production), through mongoose. Every change to more than one document runs in a multi-document
 * transaction (snapshot read concern, majority write concern), which needs a replica set or a sharded cluster:
 * opening refuses a standalone server with STORE_MONGO_NOT_REPLICA_SET rather than run without atomicity.
 * Transactions that collide (two writers on the chain head, on one status, on one delivery) get a WriteConflict and
 * are retried from the start by the driver, so every callback below re-reads what it decides on.
 */
import mongoose, { type ClientSession, type Connection } from 'mongoose';
import { AxisError } from '../../errors/axis-error.js';
import type { AcceptBundle, AcceptOutcome, DeliveryChange, DeliveryQuery, ReceiptQuery, SentEnvelopeQuery, Store } from '../../exchange/ports/index.js';
import {
  DELIVERY_STATES,
  WITHHOLD_ON_REVOCATION,
  documentIdClash,
  isNewDocument,
  isTakenBackWith,
  revokedMarks,
  type AgencyRecord,
  type ConnectedSystemRecord,
  type DeliveryRecord,
  type DeliveryState,
  type DocumentStatusRecord,
  type EnvelopeRecord,
  type ReceiptDraft,
  type ReceiptRecord,
  type ReceiptSealer,
  type StatusCode,
} from '../../exchange/model/index.js';
import { MongoArchiveQueries } from './archive-queries.js';
import { duplicateKeyIndex, translate } from './mongo-errors.js';
import { GridFsBlobStore } from './gridfs-blob-store.js';
import { ensureCollections, modelsOn, recordOf, type EnvelopeDoc, type Models } from './models.js';
import { MongoReceiptChain } from './receipt-chain.js';
import { MongoLedgerStore } from './mongo-ledger-store.js';

export interface MongoStoreOptions {
  url: string;
  sealer: ReceiptSealer;
  /** A local directory for upload spool files (BlobStore.tempDir). */
  tempDir: string;
  /** How long to look for a reachable server at open (default 10 s). */
  serverSelectionTimeoutMS?: number;
}

const TRANSACTION = { readConcern: { level: 'snapshot' }, writeConcern: { w: 'majority' } } as const;

type Lean = object | null | undefined;
const envelopeOf = (doc: Lean) => recordOf<EnvelopeRecord>(doc, 'id', ['chainSeq']);
const deliveryOf = (doc: Lean) => recordOf<DeliveryRecord>(doc);
const receiptOf = (doc: Lean) => recordOf<ReceiptRecord>(doc);
const agencyOf = (doc: Lean) => recordOf<AgencyRecord>(doc, 'organId');
const systemOf = (doc: Lean) => recordOf<ConnectedSystemRecord>(doc, 'systemId');
const statusOf = (doc: Lean): DocumentStatusRecord | undefined => {
  if (!doc) return undefined;
  const { _id, ...record } = doc as Record<string, unknown>;
  return record as unknown as DocumentStatusRecord;
};
const defined = <T>(items: (T | undefined)[]): T[] => items.filter((item): item is T => item !== undefined);

/** Thrown inside a transaction to abort it and answer status-conflict (after the writes before it are undone). */
class StatusMoved extends Error {
  constructor(readonly current: StatusCode | undefined) {
    super('the document status moved');
  }
}

export class MongoStore implements Store {
  private readonly models: Models;
  private readonly chain: MongoReceiptChain;
  readonly ledger: MongoLedgerStore;
  readonly archive: MongoArchiveQueries;

  private constructor(private readonly connection: Connection, readonly blobs: GridFsBlobStore, sealer: ReceiptSealer) {
    this.models = modelsOn(connection);
    this.chain = new MongoReceiptChain(this.models, sealer);
    this.ledger = new MongoLedgerStore(connection, this.models);
    this.archive = new MongoArchiveQueries(this.models);
  }

  static async open(options: MongoStoreOptions): Promise<MongoStore> {
    const connection = mongoose.createConnection(options.url, {
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000,
      autoIndex: false,
      autoCreate: false,
      bufferCommands: false,
    });
    try {
      await connection.asPromise();
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw new AxisError('STORE_MONGO_UNREACHABLE', `MongoDB at ${redact(options.url)} cannot be reached: check MONGODB_URL and that the server runs.`, {}, { cause: error });
    }
    try {
      const db = connection.db;
      if (!db) throw new AxisError('STORE_MONGO_UNREACHABLE', 'The MongoDB connection has no database: give one in MONGODB_URL (mongodb://host/edx?replicaSet=rs0).');
      const hello = await db.admin().command({ hello: 1 });
      if (!hello.setName && hello.msg !== 'isdbgrid') {
        throw new AxisError('STORE_MONGO_NOT_REPLICA_SET', 'MongoDB is a standalone server, but the axis writes each package and its receipts in one transaction, which needs a replica set: start mongod with --replSet rs0 and run rs.initiate() (a one-node replica set is enough), or unset MONGODB_URL to use the embedded store.');
      }
      const store = new MongoStore(connection, await GridFsBlobStore.open(db, options.tempDir), options.sealer);
      await ensureCollections(store.models);
      await store.ledger.ensureCollections();
      return store;
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw translate(error);
    }
  }

  private async transaction<T>(work: (session: ClientSession) => Promise<T>): Promise<T> {
    return this.connection.transaction(work, TRANSACTION);
  }

  async createAgency(agency: AgencyRecord): Promise<void> {
    const { organId, ...rest } = agency;
    await this.models.agencies.insertMany([{ _id: organId, ...rest }]).catch((error: unknown) => { throw translate(error); });
  }

  async getAgency(organId: string): Promise<AgencyRecord | undefined> {
    return agencyOf(await this.models.agencies.findById(organId).lean());
  }

  async listAgencies(): Promise<AgencyRecord[]> {
    return defined((await this.models.agencies.find().sort({ _id: 1 }).lean()).map(agencyOf));
  }

  async updateAgency(agency: AgencyRecord): Promise<void> {
    const { organId, ...rest } = agency;
    const result = await this.models.agencies.replaceOne({ _id: organId }, { _id: organId, ...rest });
    if (result.matchedCount === 0) throw new AxisError('STORE_NOT_FOUND', `Agency ${organId} is not registered.`, { organId });
  }

  async createSystem(system: ConnectedSystemRecord): Promise<void> {
    const { systemId, ...rest } = system;
    await this.models.systems.insertMany([{ _id: systemId, ...rest }]).catch((error: unknown) => { throw translate(error); });
  }

  async getSystem(systemId: string): Promise<ConnectedSystemRecord | undefined> {
    return systemOf(await this.models.systems.findById(systemId).lean());
  }

  async listSystems(): Promise<ConnectedSystemRecord[]> {
    return defined((await this.models.systems.find().sort({ _id: 1 }).lean()).map(systemOf));
  }

  async updateSystem(system: ConnectedSystemRecord): Promise<void> {
    const { systemId, ...rest } = system;
    const result = await this.models.systems.replaceOne({ _id: systemId }, { _id: systemId, ...rest });
    if (result.matchedCount === 0) throw new AxisError('STORE_NOT_FOUND', `Connected system ${systemId} is not registered.`, { systemId });
  }

  async accept(bundle: AcceptBundle): Promise<AcceptOutcome> {
    // GridFS writes cannot join the transaction: the bytes go first (an orphan after a crash is harmless, content-
    // addressed and removed by retention; a record without its bytes is not).
    if (bundle.packageBytes) await this.blobs.putBytes(bundle.packageBytes);
    try {
      return await this.transaction((session) => this.acceptIn(bundle, session));
    } catch (error) {
      if (error instanceof StatusMoved) return { outcome: 'status-conflict', current: error.current };
      const index = duplicateKeyIndex(error);
      // A concurrent transaction committed the same package, or moved the same status, after our snapshot began.
      if (index === 'envelopes_dedupe_key') {
        const original = await this.findEnvelopeByDedupeKey(bundle.envelope.dedupeKey);
        if (original) return { outcome: 'duplicate', envelope: original, receipt: await this.acceptedReceiptOf(original.id) };
      }
      if (index === 'statuses_key' && bundle.statusTransition) {
        const t = bundle.statusTransition;
        return { outcome: 'status-conflict', current: (await this.getDocumentStatus(t.documentId, t.senderOrganId, t.recipientOrganId))?.code };
      }
      throw translate(error);
    }
  }

  private async acceptIn(bundle: AcceptBundle, session: ClientSession): Promise<AcceptOutcome> {
    const { models } = this;
    const original = envelopeOf(await models.envelopes.findOne({ dedupeKey: bundle.envelope.dedupeKey }).session(session).lean());
    if (original) return { outcome: 'duplicate', envelope: original, receipt: await this.acceptedReceiptOf(original.id, session) };

    const envelope = JSON.parse(JSON.stringify(bundle.envelope)) as EnvelopeRecord;
    // The exchange's document rules again, in the transaction. Every accept also bumps the receipt chain's counter, so
    // two concurrent accepts conflict and one is retried: it sees the other's envelope here.
    const sameDocumentId = { fromOrganId: envelope.fromOrganId, documentId: envelope.documentId, kind: 'edoc' as const };
    const clash = isNewDocument(envelope)
      ? documentIdClash(defined((await models.envelopes.find(sameDocumentId).session(session).lean()).map(envelopeOf)), envelope.sha256)
      : undefined;
    if (clash) return { outcome: 'document-conflict', reason: 'document-id-used', envelope: clash };
    const revoked = bundle.revokes ? envelopeOf(await models.envelopes.findById(bundle.revokes.envelopeId).session(session).lean()) : undefined;
    if (revoked?.revokedAt) return { outcome: 'document-conflict', reason: 'original-revoked', envelope: revoked };

    const transition = bundle.statusTransition;
    if (transition) await this.moveStatus(transition, envelope, session);

    const receipt = await this.chain.append(bundle.receipt, session);
    const { id, ...rest } = envelope;
    const doc: EnvelopeDoc = { _id: id, ...rest, chainSeq: receipt.seq };
    await models.envelopes.insertMany([doc], { session });
    const deliveries = await this.insertDeliveries(bundle.deliveries, session);
    if (bundle.revokes) await this.revoke(bundle.revokes.envelopeId, envelope, bundle.revokes.revocationReceipt, session);
    return { outcome: 'created', envelope, deliveries, receipt };
  }

  /** Compare-and-set of the document status; the first status of a pair is an insert that the unique key guards. */
  private async moveStatus(t: NonNullable<AcceptBundle['statusTransition']>, envelope: EnvelopeRecord, session: ClientSession): Promise<void> {
    const key = { documentId: t.documentId, senderOrganId: t.senderOrganId, recipientOrganId: t.recipientOrganId };
    const values = { code: t.next, envelopeId: envelope.id, updatedAt: envelope.acceptedAt };
    if (t.expected === undefined) {
      const existing = await this.models.statuses.findOne(key).session(session).lean();
      if (existing) throw new StatusMoved(existing.code as StatusCode);
      await this.models.statuses.insertMany([{ ...key, ...values }], { session });
      return;
    }
    const moved = await this.models.statuses.updateOne({ ...key, code: t.expected }, { $set: values }, { session });
    if (moved.matchedCount === 0) {
      throw new StatusMoved((await this.models.statuses.findOne(key).session(session).lean())?.code as StatusCode | undefined);
    }
  }

  /** seq comes from one counter bumped inside the transaction, so cursors follow commit order. */
  private async insertDeliveries(drafts: Omit<DeliveryRecord, 'seq'>[], session: ClientSession): Promise<DeliveryRecord[]> {
    if (drafts.length === 0) return [];
    const counter = await this.models.counters
      .findOneAndUpdate({ _id: 'deliveries' }, { $inc: { seq: drafts.length } }, { session, returnDocument: 'after', upsert: true })
      .lean();
    const first = (counter?.seq ?? drafts.length) - drafts.length + 1;
    const records = drafts.map((draft, i) => JSON.parse(JSON.stringify({ ...draft, seq: first + i })) as DeliveryRecord);
    await this.models.deliveries.insertMany(records.map(({ id, ...rest }) => ({ _id: id, ...rest })), { session });
    return records;
  }

  /** Carries out model/revocation.ts: the original and its updates and replacements marked, their deliveries withheld. */
  private async revoke(originalId: string, revocation: EnvelopeRecord, receipt: ReceiptDraft, session: ClientSession): Promise<void> {
    const { models } = this;
    const original = envelopeOf(await models.envelopes.findById(originalId).session(session).lean());
    if (!original) throw new AxisError('STORE_NOT_FOUND', `The revoked package ${originalId} does not exist: nothing was written.`, { envelopeId: originalId });
    const about = defined((await models.envelopes.find({ refersToDocumentId: original.documentId }).session(session).lean()).map(envelopeOf));
    for (const taken of [original, ...about.filter((e) => isTakenBackWith(original, e))]) {
      const marks = revokedMarks(taken, revocation);
      if (marks) await models.envelopes.updateOne({ _id: taken.id }, { $set: marks }, { session });
      const { filter, update } = deliveryUpdate({ step: WITHHOLD_ON_REVOCATION, patch: { updatedAt: revocation.acceptedAt } });
      await models.deliveries.updateMany({ envelopeId: taken.id, ...filter }, update, { session });
    }
    await this.chain.append(receipt, session);
  }

  private async acceptedReceiptOf(envelopeId: string, session?: ClientSession): Promise<ReceiptRecord> {
    const query = this.models.receipts.findOne({ envelopeId, type: 'accepted' }).sort({ seq: 1 });
    const receipt = receiptOf(await (session ? query.session(session) : query).lean());
    if (!receipt) throw new AxisError('STORE_CORRUPT', `Package ${envelopeId} has no "accepted" receipt.`, { envelopeId });
    return receipt;
  }

  async getEnvelope(id: string): Promise<EnvelopeRecord | undefined> {
    return envelopeOf(await this.models.envelopes.findById(id).lean());
  }

  async findEnvelopeByDedupeKey(dedupeKey: string): Promise<EnvelopeRecord | undefined> {
    return envelopeOf(await this.models.envelopes.findOne({ dedupeKey }).lean());
  }

  async listEnvelopesForDocument(documentId: string): Promise<EnvelopeRecord[]> {
    const docs = await this.models.envelopes.find({ $or: [{ documentId }, { refersToDocumentId: documentId }] }).sort({ chainSeq: 1 }).lean();
    return defined(docs.map(envelopeOf));
  }

  async listSentEnvelopes(query: SentEnvelopeQuery): Promise<EnvelopeRecord[]> {
    // limit(0) means "no limit" to MongoDB: an empty page is answered here.
    const limit = Math.max(0, Math.floor(query.limit));
    if (limit === 0 || query.fromOrganIds.length === 0) return [];
    const filter: Record<string, unknown> = { fromOrganId: { $in: [...query.fromOrganIds] } };
    if (query.kind) filter['kind'] = query.kind;
    return defined((await this.models.envelopes.find(filter).sort({ chainSeq: -1 }).limit(limit).lean()).map(envelopeOf));
  }

  async findDocuments(fromOrganId: string, documentId: string): Promise<EnvelopeRecord[]> {
    const docs = await this.models.envelopes.find({ fromOrganId, documentId, kind: 'edoc' }).sort({ chainSeq: 1 }).lean();
    return defined(docs.map(envelopeOf));
  }

  async getDelivery(id: string): Promise<DeliveryRecord | undefined> {
    return deliveryOf(await this.models.deliveries.findById(id).lean());
  }

  async listDeliveries(query: DeliveryQuery): Promise<DeliveryRecord[]> {
    // limit(0) means "no limit" to MongoDB: an empty page is answered here.
    const limit = Math.max(0, Math.floor(query.limit));
    if (limit === 0 || query.states?.length === 0) return [];
    const filter: Record<string, unknown> = { seq: { $gt: query.after ?? 0 } };
    if (query.recipientOrganId !== undefined) filter.recipientOrganId = query.recipientOrganId;
    if (query.states) filter.state = { $in: query.states };
    return defined((await this.models.deliveries.find(filter).sort({ seq: 1 }).limit(limit).lean()).map(deliveryOf));
  }

  async listDeliveriesForEnvelope(envelopeId: string): Promise<DeliveryRecord[]> {
    return defined((await this.models.deliveries.find({ envelopeId }).sort({ seq: 1 }).lean()).map(deliveryOf));
  }

  async transitionDelivery(id: string, change: DeliveryChange): Promise<{ delivery: DeliveryRecord; receipt?: ReceiptRecord } | undefined> {
    const { filter: match, update } = deliveryUpdate(change);
    const filter = { _id: id, ...match };
    const move = async (session?: ClientSession) => {
      const options = session ? { session } : {};
      return deliveryOf(await this.models.deliveries.findOneAndUpdate(filter, update, { ...options, returnDocument: 'after' }).lean());
    };
    try {
      const receiptDraft = change.receipt;
      // One document: findOneAndUpdate is atomic on its own. With a receipt, both go in one transaction.
      if (!receiptDraft) {
        const delivery = await move();
        return delivery ? { delivery } : undefined;
      }
      return await this.transaction(async (session) => {
        const delivery = await move(session);
        if (!delivery) return undefined;
        return { delivery, receipt: await this.chain.append(receiptDraft, session) };
      });
    } catch (error) {
      throw translate(error);
    }
  }

  async countDeliveriesByState(): Promise<Record<DeliveryState, number>> {
    const counts = Object.fromEntries(DELIVERY_STATES.map((state) => [state, 0])) as Record<DeliveryState, number>;
    const groups = await this.models.deliveries.aggregate<{ _id: DeliveryState; count: number }>([{ $group: { _id: '$state', count: { $sum: 1 } } }]);
    for (const group of groups) counts[group._id] = group.count;
    return counts;
  }

  async getDocumentStatus(documentId: string, senderOrganId: string, recipientOrganId: string): Promise<DocumentStatusRecord | undefined> {
    return statusOf(await this.models.statuses.findOne({ documentId, senderOrganId, recipientOrganId }).lean());
  }

  async listDocumentStatuses(documentId: string): Promise<DocumentStatusRecord[]> {
    const docs = await this.models.statuses.find({ documentId }).sort({ senderOrganId: 1, recipientOrganId: 1 }).lean();
    return defined(docs.map(statusOf));
  }

  async appendReceipt(draft: ReceiptDraft): Promise<ReceiptRecord> {
    try {
      return await this.transaction((session) => this.chain.append(draft, session));
    } catch (error) {
      throw translate(error);
    }
  }

  async getReceipt(id: string): Promise<ReceiptRecord | undefined> {
    return receiptOf(await this.models.receipts.findById(id).lean());
  }

  async listReceipts(query: ReceiptQuery): Promise<ReceiptRecord[]> {
    const limit = Math.max(0, Math.floor(query.limit));
    if (limit === 0) return [];
    const filter: Record<string, unknown> = { seq: { $gt: query.after ?? 0 } };
    if (query.organId !== undefined) filter.parties = query.organId;
    if (query.documentId !== undefined) filter.documentId = query.documentId;
    if (query.envelopeId !== undefined) filter.envelopeId = query.envelopeId;
    return defined((await this.models.receipts.find(filter).sort({ seq: 1 }).limit(limit).lean()).map(receiptOf));
  }

  async chainHead(): Promise<ReceiptRecord | undefined> {
    return receiptOf(await this.models.receipts.findOne().sort({ seq: -1 }).lean());
  }

  async ping(): Promise<void> {
    const db = this.connection.db;
    if (!db) throw new AxisError('STORE_MONGO_UNREACHABLE', 'The MongoDB connection is closed.');
    await db.admin().command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}

/**
 * A delivery step as a MongoDB filter and update: only from the step's states (and the revision, when asked), to its
 * state, with the patch; every change bumps the revision.
 */
function deliveryUpdate(change: DeliveryChange): { filter: Record<string, unknown>; update: Record<string, unknown> } {
  const $set: Record<string, unknown> = change.step.to ? { state: change.step.to } : {};
  const $unset: Record<string, ''> = {};
  // A patch member set to undefined clears the field (e.g. nextAttemptAt once delivered).
  for (const [key, value] of Object.entries(change.patch)) {
    if (value === undefined) $unset[key] = '';
    else $set[key] = value;
  }
  const update = { ...(Object.keys($set).length ? { $set } : {}), ...(Object.keys($unset).length ? { $unset } : {}), $inc: { revision: 1 } };
  const filter: Record<string, unknown> = { state: { $in: [...change.step.from] } };
  // Revision 0 is also a record written before revisions existed: `null` in $in matches the missing field.
  if (change.ifRevision !== undefined) filter['revision'] = change.ifRevision === 0 ? { $in: [0, null] } : change.ifRevision;
  return { filter, update };
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
