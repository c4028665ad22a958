/** The embedded store's SQL, prepared once per connection. Queries built from optional filters go through `cached`. */
import type Database from 'better-sqlite3';
import type { DocumentStatusRecord, StatusCode } from '../../exchange/model/index.js';

type Body = { body: string };
export interface StatusRow {
  document_id: string;
  sender_organ_id: string;
  recipient_organ_id: string;
  code: string;
  envelope_id: string;
  updated_at: string;
}

/** A document_statuses row as the domain's record. */
export function statusOf(row: StatusRow): DocumentStatusRecord {
  return {
    documentId: row.document_id,
    senderOrganId: row.sender_organ_id,
    recipientOrganId: row.recipient_organ_id,
    code: row.code as StatusCode,
    envelopeId: row.envelope_id,
    updatedAt: row.updated_at,
  };
}

export function prepareStatements(db: Database.Database) {
  const cache = new Map<string, Database.Statement>();
  return {
    insertAgency: db.prepare<[string, string]>('INSERT INTO agencies (organ_id, body) VALUES (?, ?)'),
    updateAgency: db.prepare<[string, string]>('UPDATE agencies SET body = ? WHERE organ_id = ?'),
    agency: db.prepare<[string], Body>('SELECT body FROM agencies WHERE organ_id = ?'),
    agencies: db.prepare<[], Body>('SELECT body FROM agencies ORDER BY organ_id'),

    insertSystem: db.prepare<[string, string]>('INSERT INTO systems (system_id, body) VALUES (?, ?)'),
    updateSystem: db.prepare<[string, string]>('UPDATE systems SET body = ? WHERE system_id = ?'),
    system: db.prepare<[string], Body>('SELECT body FROM systems WHERE system_id = ?'),
    systems: db.prepare<[], Body>('SELECT body FROM systems ORDER BY system_id'),
    sentEnvelopes: db.prepare<[string, string, number], Body & { rowid: number }>('SELECT rowid, body FROM envelopes WHERE from_organ_id = ? AND kind = ? ORDER BY rowid DESC LIMIT ?'),

    insertEnvelope: db.prepare<[string, string, string, string, string, string | null, string, string]>(
      'INSERT INTO envelopes (id, dedupe_key, kind, from_organ_id, document_id, refers_to_document_id, accepted_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    updateEnvelopeBody: db.prepare<[string, string]>('UPDATE envelopes SET body = ? WHERE id = ?'),
    envelope: db.prepare<[string], Body>('SELECT body FROM envelopes WHERE id = ?'),
    envelopeByDedupeKey: db.prepare<[string], Body>('SELECT body FROM envelopes WHERE dedupe_key = ?'),
    envelopesForDocument: db.prepare<[string, string], Body>(
      'SELECT body FROM envelopes WHERE document_id = ? OR refers_to_document_id = ? ORDER BY rowid',
    ),
    documents: db.prepare<[string, string], Body>(
      "SELECT body FROM envelopes WHERE from_organ_id = ? AND document_id = ? AND kind = 'edoc' ORDER BY rowid",
    ),

    insertDelivery: db.prepare<[number, string, string, string, string, string]>(
      'INSERT INTO deliveries (seq, id, envelope_id, recipient_organ_id, state, body) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    // AUTOINCREMENT's high-water mark: never a value used before, even by a row since deleted.
    lastDeliverySeq: db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'deliveries'"),
    updateDelivery: db.prepare<[string, string, number]>('UPDATE deliveries SET state = ?, body = ? WHERE seq = ?'),
    delivery: db.prepare<[string], Body>('SELECT body FROM deliveries WHERE id = ?'),
    deliveriesOfEnvelope: db.prepare<[string], Body>('SELECT body FROM deliveries WHERE envelope_id = ? ORDER BY seq'),
    countByState: db.prepare<[], { state: string; count: number }>('SELECT state, COUNT(*) AS count FROM deliveries GROUP BY state'),

    status: db.prepare<[string, string, string], StatusRow>(
      'SELECT * FROM document_statuses WHERE document_id = ? AND sender_organ_id = ? AND recipient_organ_id = ?',
    ),
    statusesOfDocument: db.prepare<[string], StatusRow>(
      'SELECT * FROM document_statuses WHERE document_id = ? ORDER BY sender_organ_id, recipient_organ_id',
    ),
    upsertStatus: db.prepare<[string, string, string, string, string, string]>(
      `INSERT INTO document_statuses (document_id, sender_organ_id, recipient_organ_id, code, envelope_id, updated_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (document_id, sender_organ_id, recipient_organ_id)
       DO UPDATE SET code = excluded.code, envelope_id = excluded.envelope_id, updated_at = excluded.updated_at`,
    ),

    receipt: db.prepare<[string], Body>('SELECT body FROM receipts WHERE id = ?'),
    acceptedReceipt: db.prepare<[string], Body>("SELECT body FROM receipts WHERE envelope_id = ? AND type = 'accepted' ORDER BY seq LIMIT 1"),
    chainHead: db.prepare<[], Body>('SELECT body FROM receipts ORDER BY seq DESC LIMIT 1'),

    ping: db.prepare<[], { ok: number }>('SELECT 1 AS ok'),

    cached<R>(sql: string): Database.Statement<unknown[], R> {
      let statement = cache.get(sql);
      if (!statement) {
        statement = db.prepare(sql);
        cache.set(sql, statement);
      }
      return statement as Database.Statement<unknown[], R>;
    },
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
