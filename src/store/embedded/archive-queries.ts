/**
 * The embedded store's archive reads (src/exchange/ports/archive-queries.ts). Lists of ids go in as one JSON array
 * (`json_each`), so each query is one prepared statement whatever the list's length. Indexes: schema.ts, migration 5.
 */
import type Database from 'better-sqlite3';
import type { AcceptedEnvelopeQuery, ArchiveQueries, EnvelopePage, ReceiptSearch } from '../../exchange/ports/index.js';
import type { DeliveryRecord, DocumentStatusRecord, EnvelopeRecord, ReceiptRecord, StatusCode } from '../../exchange/model/index.js';
import { statusOf, type StatusRow } from './statements.js';

type Body = { body: string };
type Read = <T>(work: () => T) => Promise<T>;

const bodies = <T>(rows: Body[]): T[] => rows.map((row) => JSON.parse(row.body) as T);
const limitOf = (limit: number): number => Math.max(0, Math.floor(limit));

/** A WHERE clause built from the filters a query was given, with its parameters in order. */
function conditions(): { where: string[]; params: unknown[]; add(clause: string, ...values: unknown[]): void } {
  const where: string[] = [];
  const params: unknown[] = [];
  return { where, params, add: (clause, ...values) => void (where.push(clause), params.push(...values)) };
}

export class EmbeddedArchiveQueries implements ArchiveQueries {
  private readonly statements = new Map<string, Database.Statement>();

  /** `read`: the store's durable read (waits for commits on their way to disk, shares the read transaction). */
  constructor(private readonly db: Database.Database, private readonly read: Read) {}

  private all<R>(sql: string, params: unknown[]): R[] {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement.all(...params) as R[];
  }

  async listAcceptedEnvelopes(query: AcceptedEnvelopeQuery): Promise<EnvelopePage> {
    const limit = limitOf(query.limit);
    if (limit === 0) return { items: [] };
    const { where, params, add } = conditions();
    if (query.kind !== undefined) add('kind = ?', query.kind);
    if (query.acceptedFrom !== undefined) add('accepted_at >= ?', query.acceptedFrom);
    if (query.acceptedTo !== undefined) add('accepted_at < ?', query.acceptedTo);
    if (query.agency !== undefined) add("(from_organ_id = ? OR EXISTS (SELECT 1 FROM json_each(body, '$.toOrganIds') WHERE value = ?))", query.agency, query.agency);
    // A row value, so the next page starts from the index position instead of scanning the pages before it.
    if (query.before !== undefined) add('(accepted_at, id) < (?, ?)', query.before.acceptedAt, query.before.id);
    const sql = `SELECT body FROM envelopes ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY accepted_at DESC, id DESC LIMIT ?`;
    const items = bodies<EnvelopeRecord>(await this.read(() => this.all<Body>(sql, [...params, limit])));
    const last = items.at(-1);
    return items.length === limit && last ? { items, next: { acceptedAt: last.acceptedAt, id: last.id } } : { items };
  }

  async listDeliveriesOfEnvelopes(envelopeIds: readonly string[]): Promise<DeliveryRecord[]> {
    if (envelopeIds.length === 0) return [];
    const sql = 'SELECT body FROM deliveries WHERE envelope_id IN (SELECT value FROM json_each(?)) ORDER BY seq';
    return bodies<DeliveryRecord>(await this.read(() => this.all<Body>(sql, [JSON.stringify(envelopeIds)])));
  }

  async listStatusEnvelopesAbout(documentIds: readonly string[]): Promise<EnvelopeRecord[]> {
    if (documentIds.length === 0) return [];
    // The index named: with few statistics the planner would otherwise walk every status package by kind.
    const sql = "SELECT body FROM envelopes INDEXED BY envelopes_by_refers_to WHERE refers_to_document_id IN (SELECT value FROM json_each(?)) AND kind = 'status' ORDER BY accepted_at, id";
    return bodies<EnvelopeRecord>(await this.read(() => this.all<Body>(sql, [JSON.stringify(documentIds)])));
  }

  async listDocumentStatusesOf(documentIds: readonly string[]): Promise<DocumentStatusRecord[]> {
    if (documentIds.length === 0) return [];
    const sql = 'SELECT * FROM document_statuses WHERE document_id IN (SELECT value FROM json_each(?)) ORDER BY document_id, sender_organ_id, recipient_organ_id';
    const rows = await this.read(() => this.all<StatusRow>(sql, [JSON.stringify(documentIds)]));
    return rows.map(statusOf);
  }

  async searchReceipts(query: ReceiptSearch): Promise<ReceiptRecord[]> {
    const limit = limitOf(query.limit);
    if (limit === 0) return [];
    // By party: walk receipt_parties (organ_id, seq) in order, as listReceipts does.
    const byParty = query.organId !== undefined;
    const seq = byParty ? 'p.seq' : 'r.seq';
    const { where, params, add } = conditions();
    add(`${seq} > ?`, query.after ?? 0);
    if (byParty) add('p.organ_id = ?', query.organId);
    if (query.documentId !== undefined) add('r.document_id = ?', query.documentId);
    if (query.type !== undefined) add('r.type = ?', query.type);
    if (query.atFrom !== undefined) add('r.at >= ?', query.atFrom);
    if (query.atTo !== undefined) add('r.at < ?', query.atTo);
    const from = byParty ? 'receipt_parties p JOIN receipts r ON r.seq = p.seq' : 'receipts r';
    const sql = `SELECT r.body AS body FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${seq} LIMIT ?`;
    return bodies<ReceiptRecord>(await this.read(() => this.all<Body>(sql, [...params, limit])));
  }
}
