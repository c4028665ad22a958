/**
 * The embedded store (default when no MongoDB URL is configured): one SQLite database in WAL mode under the data
 * directory plus content-addressed blob files. Every write runs in a BEGIN IMMEDIATE transaction, which takes the
 * database's write lock up front: together with busy_timeout that makes the gateway and an `edx admin` process on the
 * same data directory queue behind each other instead of failing, and makes every compare-and-set exact.
 * Writes go through a group commit (group-commit.ts): the fsync runs off the event loop and covers many commits.
 */
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../../config/data-dir.js';
import { AxisError } from '../../errors/axis-error.js';
import type { AcceptBundle, AcceptOutcome, DeliveryChange, DeliveryQuery, ReceiptQuery, SentEnvelopeQuery, Store } from '../../exchange/ports/index.js';
import {
  DELIVERY_STATES,
  WITHHOLD_ON_REVOCATION,
  canTake,
  documentIdClash,
  isNewDocument,
  isTakenBackWith,
  revisionOf,
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
import { EmbeddedArchiveQueries } from './archive-queries.js';
import { configureConnection } from './connection.js';
import { EmbeddedBlobStore, INLINE_PACKAGE_MAX_BYTES } from './embedded-blob-store.js';
import { FileBlobStore } from './file-blob-store.js';
import { GroupCommit } from './group-commit.js';
import { EmbeddedLedgerStore } from './ledger-tables.js';
import { ReadBatch } from './read-batch.js';
import { ReceiptChain } from './receipt-chain.js';
import { migrate } from './schema.js';
import { WalSync } from './wal-sync.js';
import { prepareStatements, statusOf, type Statements } from './statements.js';

export interface EmbeddedStoreOptions {
  dataDir: string;
  sealer: ReceiptSealer;
  /** How long a writer waits for another process's transaction before giving up (default 10 s). */
  busyTimeoutMs?: number;
}

const parse = <T>(row: { body: string } | undefined): T | undefined => (row ? (JSON.parse(row.body) as T) : undefined);
const parseAll = <T>(rows: { body: string }[]): T[] => rows.map((row) => JSON.parse(row.body) as T);
const limitOf = (limit: number): number => Math.max(0, Math.floor(limit));

/** SQLite failures become the store's stable codes; everything else (a sealer's own error) passes through. */
function translate(error: unknown): unknown {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (!(error instanceof Database.SqliteError) || typeof code !== 'string') return error;
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    return new AxisError('STORE_CONFLICT', 'A record with the same identifier already exists: nothing was written.', { sqlite: code }, { cause: error });
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new AxisError('STORE_BUSY', 'The data directory is locked by another edx-axis process for too long: try again.', { sqlite: code }, { cause: error });
  }
  return new AxisError('STORE_FAILED', `The embedded store failed: ${error.message}`, { sqlite: code }, { cause: error });
}

export class EmbeddedStore implements Store {
  private readonly sql: Statements;
  private readonly chain: ReceiptChain;
  private readonly commits: GroupCommit;
  private readonly walSync: WalSync;
  private readonly reads: ReadBatch;
  readonly blobs: EmbeddedBlobStore;
  readonly ledger: EmbeddedLedgerStore;
  readonly archive: EmbeddedArchiveQueries;

  private constructor(private readonly db: Database.Database, files: FileBlobStore, sealer: ReceiptSealer, dataDir: string) {
    this.sql = prepareStatements(db);
    this.chain = new ReceiptChain(db, sealer);
    this.walSync = new WalSync(dataDir);
    this.reads = new ReadBatch(db, translate);
    this.commits = new GroupCommit(db, { translate, sync: () => this.walSync.sync() });
    this.blobs = new EmbeddedBlobStore(db, files, { write: (work) => this.write(work), read: (work) => this.read(work) });
    this.ledger = new EmbeddedLedgerStore(db, { write: (work) => this.write(work), read: (work) => this.read(work) });
    this.archive = new EmbeddedArchiveQueries(db, (work) => this.read(work));
  }

  static async open(options: EmbeddedStoreOptions): Promise<EmbeddedStore> {
    makePrivateDir(options.dataDir);
    const blobs = await FileBlobStore.open(path.join(options.dataDir, 'blobs'));
    const file = path.join(options.dataDir, 'axis.sqlite');
    // SQLite would create the database 0644 (less the umask), and its -wal and -shm files take the database's mode:
    // made here first, 0600, all three are private. An existing file is left as it is (start-up names it if loose).
    closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
    const db = new Database(file);
    try {
      configureConnection(db, options.busyTimeoutMs ?? 10_000);
      migrate(db);
      return new EmbeddedStore(db, blobs, options.sealer, options.dataDir);
    } catch (error) {
      db.close();
      throw translate(error);
    }
  }

  /** Runs `work` all-or-nothing in the next group commit; settles once that commit is on disk. */
  private write<T>(work: () => T): Promise<T> {
    return this.commits.write(work);
  }

  /** Reads see only durable commits: they wait for the fsync of any commit still on its way to disk. */
  private async read<T>(work: () => T): Promise<T> {
    await this.commits.durable();
    return this.reads.run(work);
  }

  async createAgency(agency: AgencyRecord): Promise<void> {
    await this.write(() => this.sql.insertAgency.run(agency.organId, JSON.stringify(agency)));
  }

  async getAgency(organId: string): Promise<AgencyRecord | undefined> {
    return this.read(() => parse<AgencyRecord>(this.sql.agency.get(organId)));
  }

  async listAgencies(): Promise<AgencyRecord[]> {
    return this.read(() => parseAll<AgencyRecord>(this.sql.agencies.all()));
  }

  async updateAgency(agency: AgencyRecord): Promise<void> {
    const changed = await this.write(() => this.sql.updateAgency.run(JSON.stringify(agency), agency.organId).changes);
    if (changed === 0) throw new AxisError('STORE_NOT_FOUND', `Agency ${agency.organId} is not registered.`, { organId: agency.organId });
  }

  async createSystem(system: ConnectedSystemRecord): Promise<void> {
    await this.write(() => this.sql.insertSystem.run(system.systemId, JSON.stringify(system)));
  }

  async getSystem(systemId: string): Promise<ConnectedSystemRecord | undefined> {
    return this.read(() => parse<ConnectedSystemRecord>(this.sql.system.get(systemId)));
  }

  async listSystems(): Promise<ConnectedSystemRecord[]> {
    return this.read(() => parseAll<ConnectedSystemRecord>(this.sql.systems.all()));
  }

  async updateSystem(system: ConnectedSystemRecord): Promise<void> {
    const changed = await this.write(() => this.sql.updateSystem.run(JSON.stringify(system), system.systemId).changes);
    if (changed === 0) throw new AxisError('STORE_NOT_FOUND', `Connected system ${system.systemId} is not registered.`, { systemId: system.systemId });
  }

  async accept(bundle: AcceptBundle): Promise<AcceptOutcome> {
    const bytes = bundle.packageBytes;
    // Too large for the database: the file goes first (an orphan file after a crash is harmless; a record without
    // its bytes is not).
    const inline = bytes !== undefined && bytes.byteLength <= INLINE_PACKAGE_MAX_BYTES;
    if (bytes && !inline) await this.blobs.putBytes(bytes);
    return this.write((): AcceptOutcome => {
      const original = parse<EnvelopeRecord>(this.sql.envelopeByDedupeKey.get(bundle.envelope.dedupeKey));
      if (original) return { outcome: 'duplicate', envelope: original, receipt: this.acceptedReceiptOf(original.id) };

      const transition = bundle.statusTransition;
      if (transition) {
        const current = this.sql.status.get(transition.documentId, transition.senderOrganId, transition.recipientOrganId)?.code as StatusCode | undefined;
        if (current !== transition.expected) return { outcome: 'status-conflict', current };
      }
      const conflict = this.documentConflict(bundle);
      if (conflict) return conflict;

      const envelope = bundle.envelope;
      const envelopeBody = JSON.stringify(envelope);
      if (bytes && inline) this.blobs.insertInTransaction(envelope.sha256, bytes);
      this.sql.insertEnvelope.run(envelope.id, envelope.dedupeKey, envelope.kind, envelope.fromOrganId, envelope.documentId, envelope.refersToDocumentId ?? null, envelope.acceptedAt, envelopeBody);
      const deliveries = bundle.deliveries.map((draft) => this.insertDelivery(draft));
      const receipt = this.chain.appendInTransaction(bundle.receipt);

      if (transition) {
        this.sql.upsertStatus.run(transition.documentId, transition.senderOrganId, transition.recipientOrganId, transition.next, envelope.id, envelope.acceptedAt);
      }
      if (bundle.revokes) this.revoke(bundle.revokes.envelopeId, envelope, bundle.revokes.revocationReceipt);
      return { outcome: 'created', envelope: JSON.parse(envelopeBody) as EnvelopeRecord, deliveries, receipt };
    });
  }

  /** The exchange's document rules again, inside the transaction: another send may have committed since it checked. */
  private documentConflict(bundle: AcceptBundle): AcceptOutcome | undefined {
    const { envelope } = bundle;
    const clash = isNewDocument(envelope) ? documentIdClash(parseAll<EnvelopeRecord>(this.sql.documents.all(envelope.fromOrganId, envelope.documentId)), envelope.sha256) : undefined;
    if (clash) return { outcome: 'document-conflict', reason: 'document-id-used', envelope: clash };
    const original = bundle.revokes ? parse<EnvelopeRecord>(this.sql.envelope.get(bundle.revokes.envelopeId)) : undefined;
    if (original?.revokedAt) return { outcome: 'document-conflict', reason: 'original-revoked', envelope: original };
    return undefined;
  }

  private insertDelivery(draft: Omit<DeliveryRecord, 'seq'>): DeliveryRecord {
    // The body carries seq: the next AUTOINCREMENT value is taken here (the transaction holds the write lock), so the
    // row is written once, not inserted and then updated.
    const seq = (this.sql.lastDeliverySeq.get()?.seq ?? 0) + 1;
    const body = JSON.stringify({ ...draft, seq });
    this.sql.insertDelivery.run(seq, draft.id, draft.envelopeId, draft.recipientOrganId, draft.state, body);
    return JSON.parse(body) as DeliveryRecord;
  }

  /** Carries out model/revocation.ts: the original and its updates and replacements marked, their deliveries withheld. */
  private revoke(originalId: string, revocation: EnvelopeRecord, receipt: ReceiptDraft): void {
    const original = parse<EnvelopeRecord>(this.sql.envelope.get(originalId));
    if (!original) throw new AxisError('STORE_NOT_FOUND', `The revoked package ${originalId} does not exist: nothing was written.`, { envelopeId: originalId });
    const about = parseAll<EnvelopeRecord>(this.sql.envelopesForDocument.all(original.documentId, original.documentId));
    for (const taken of [original, ...about.filter((e) => isTakenBackWith(original, e))]) {
      const marks = revokedMarks(taken, revocation);
      if (marks) this.sql.updateEnvelopeBody.run(JSON.stringify({ ...taken, ...marks }), taken.id);
      for (const row of this.sql.deliveriesOfEnvelope.all(taken.id)) {
        const delivery = JSON.parse(row.body) as DeliveryRecord;
        this.applyChange(delivery, { step: WITHHOLD_ON_REVOCATION, patch: { updatedAt: revocation.acceptedAt } });
      }
    }
    this.chain.appendInTransaction(receipt);
  }

  private acceptedReceiptOf(envelopeId: string): ReceiptRecord {
    const receipt = parse<ReceiptRecord>(this.sql.acceptedReceipt.get(envelopeId));
    if (!receipt) throw new AxisError('STORE_CORRUPT', `Package ${envelopeId} has no "accepted" receipt.`, { envelopeId });
    return receipt;
  }

  async getEnvelope(id: string): Promise<EnvelopeRecord | undefined> {
    return this.read(() => parse<EnvelopeRecord>(this.sql.envelope.get(id)));
  }

  async findEnvelopeByDedupeKey(dedupeKey: string): Promise<EnvelopeRecord | undefined> {
    return this.read(() => parse<EnvelopeRecord>(this.sql.envelopeByDedupeKey.get(dedupeKey)));
  }

  async listEnvelopesForDocument(documentId: string): Promise<EnvelopeRecord[]> {
    return this.read(() => parseAll<EnvelopeRecord>(this.sql.envelopesForDocument.all(documentId, documentId)));
  }

  async listSentEnvelopes(query: SentEnvelopeQuery): Promise<EnvelopeRecord[]> {
    const limit = limitOf(query.limit);
    if (limit === 0 || query.fromOrganIds.length === 0) return [];
    const kinds = query.kind ? [query.kind] : ['edoc', 'status'];
    // One index range per sender and kind, newest first, merged here in insertion (rowid) order.
    const rows = await this.read(() => this.db.transaction(() => [...new Set(query.fromOrganIds)].flatMap((from) => kinds.flatMap((kind) => this.sql.sentEnvelopes.all(from, kind, limit)))).deferred());
    return parseAll<EnvelopeRecord>(rows.sort((a, b) => b.rowid - a.rowid).slice(0, limit));
  }

  async findDocuments(fromOrganId: string, documentId: string): Promise<EnvelopeRecord[]> {
    return this.read(() => parseAll<EnvelopeRecord>(this.sql.documents.all(fromOrganId, documentId)));
  }

  async getDelivery(id: string): Promise<DeliveryRecord | undefined> {
    return this.read(() => parse<DeliveryRecord>(this.sql.delivery.get(id)));
  }

  async listDeliveries(query: DeliveryQuery): Promise<DeliveryRecord[]> {
    const limit = limitOf(query.limit);
    if (query.states?.length === 0 || limit === 0) return [];
    const states = query.states ? [...new Set(query.states)] : [undefined];
    // One index range per state, each already in seq order and cut at `limit`, merged here: SQLite would otherwise
    // read every row of every state (IN) and sort them all before applying the limit.
    // The ranges are read in one read transaction: one snapshot, even if another process writes meanwhile.
    const pages = await this.read(() => this.db.transaction(() => states.map((state) => this.deliveryRange(query.recipientOrganId, state, query.after ?? 0, limit))).deferred());
    return pages.length === 1 ? pages[0]! : pages.flat().sort((a, b) => a.seq - b.seq).slice(0, limit);
  }

  private deliveryRange(recipientOrganId: string | undefined, state: DeliveryState | undefined, after: number, limit: number): DeliveryRecord[] {
    const where = ['seq > ?'];
    const params: (string | number)[] = [after];
    if (recipientOrganId !== undefined) {
      where.push('recipient_organ_id = ?');
      params.push(recipientOrganId);
    }
    if (state !== undefined) {
      where.push('state = ?');
      params.push(state);
    }
    params.push(limit);
    const sql = `SELECT body FROM deliveries WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`;
    return parseAll<DeliveryRecord>(this.sql.cached<{ body: string }>(sql).all(...params));
  }

  async listDeliveriesForEnvelope(envelopeId: string): Promise<DeliveryRecord[]> {
    return this.read(() => parseAll<DeliveryRecord>(this.sql.deliveriesOfEnvelope.all(envelopeId)));
  }

  async transitionDelivery(id: string, change: DeliveryChange): Promise<{ delivery: DeliveryRecord; receipt?: ReceiptRecord } | undefined> {
    return this.write(() => {
      const current = parse<DeliveryRecord>(this.sql.delivery.get(id));
      const delivery = current ? this.applyChange(current, change) : undefined;
      if (!delivery) return undefined;
      if (!change.receipt) return { delivery };
      return { delivery, receipt: this.chain.appendInTransaction(change.receipt) };
    });
  }

  /** Takes a step on a delivery read in this transaction; undefined when its state or revision does not match. */
  private applyChange(current: DeliveryRecord, change: DeliveryChange): DeliveryRecord | undefined {
    if (!canTake(change.step, current.state)) return undefined;
    if (change.ifRevision !== undefined && revisionOf(current) !== change.ifRevision) return undefined;
    const next: Record<string, unknown> = { ...current, revision: revisionOf(current) + 1, ...(change.step.to ? { state: change.step.to } : {}) };
    // A patch member set to undefined clears the field (e.g. nextAttemptAt once delivered).
    for (const [key, value] of Object.entries(change.patch)) {
      if (value === undefined) delete next[key];
      else next[key] = value;
    }
    const body = JSON.stringify(next);
    this.sql.updateDelivery.run(String(next.state), body, current.seq);
    return JSON.parse(body) as DeliveryRecord;
  }

  async countDeliveriesByState(): Promise<Record<DeliveryState, number>> {
    const counts = Object.fromEntries(DELIVERY_STATES.map((state) => [state, 0])) as Record<DeliveryState, number>;
    for (const row of await this.read(() => this.sql.countByState.all())) counts[row.state as DeliveryState] = row.count;
    return counts;
  }

  async getDocumentStatus(documentId: string, senderOrganId: string, recipientOrganId: string): Promise<DocumentStatusRecord | undefined> {
    const row = await this.read(() => this.sql.status.get(documentId, senderOrganId, recipientOrganId));
    return row ? statusOf(row) : undefined;
  }

  async listDocumentStatuses(documentId: string): Promise<DocumentStatusRecord[]> {
    return (await this.read(() => this.sql.statusesOfDocument.all(documentId))).map(statusOf);
  }

  async appendReceipt(draft: ReceiptDraft): Promise<ReceiptRecord> {
    return this.write(() => this.chain.appendInTransaction(draft));
  }

  async getReceipt(id: string): Promise<ReceiptRecord | undefined> {
    return this.read(() => parse<ReceiptRecord>(this.sql.receipt.get(id)));
  }

  async listReceipts(query: ReceiptQuery): Promise<ReceiptRecord[]> {
    // By party: walk receipt_parties (organ_id, seq) in order, so the LIMIT stops the scan (no sort of the whole set).
    const from = query.organId !== undefined ? 'receipt_parties p JOIN receipts r ON r.seq = p.seq' : 'receipts r';
    const seq = query.organId !== undefined ? 'p.seq' : 'r.seq';
    const where = [`${seq} > ?`];
    const params: (string | number)[] = [query.after ?? 0];
    if (query.organId !== undefined) {
      where.push('p.organ_id = ?');
      params.push(query.organId);
    }
    if (query.documentId !== undefined) {
      where.push('r.document_id = ?');
      params.push(query.documentId);
    }
    if (query.envelopeId !== undefined) {
      where.push('r.envelope_id = ?');
      params.push(query.envelopeId);
    }
    params.push(limitOf(query.limit));
    const sql = `SELECT r.body AS body FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${seq} LIMIT ?`;
    return this.read(() => parseAll<ReceiptRecord>(this.sql.cached<{ body: string }>(sql).all(...params)));
  }

  async chainHead(): Promise<ReceiptRecord | undefined> {
    return this.read(() => parse<ReceiptRecord>(this.sql.chainHead.get()));
  }

  async ping(): Promise<void> {
    await this.read(() => this.sql.ping.get());
    await this.blobs.has('0'.repeat(64));
  }

  async close(): Promise<void> {
    // Writes already asked for are committed (or refused) before the database closes.
    await this.commits.drain();
    if (this.db.open) this.db.close();
    await this.walSync.close();
  }
}
