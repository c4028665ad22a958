/**
 * The embedded store's SQLite schema. Each table keeps the whole record as JSON in `body` (so a record that gains an
 * optional field needs no migration) and copies into columns only what a query filters or orders on. `user_version`
 * numbers the schema; `migrate` brings an older data directory up to date at open, inside one transaction.
 */
import type Database from 'better-sqlite3';
import { AxisError } from '../../errors/axis-error.js';

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE agencies (
    organ_id TEXT PRIMARY KEY,
    body     TEXT NOT NULL
  ) STRICT;

  CREATE TABLE envelopes (
    id                    TEXT PRIMARY KEY,
    dedupe_key            TEXT NOT NULL UNIQUE,
    kind                  TEXT NOT NULL,
    from_organ_id         TEXT NOT NULL,
    document_id           TEXT NOT NULL,
    refers_to_document_id TEXT,
    accepted_at           TEXT NOT NULL,
    body                  TEXT NOT NULL
  ) STRICT;
  CREATE INDEX envelopes_by_document ON envelopes (document_id);
  CREATE INDEX envelopes_by_refers_to ON envelopes (refers_to_document_id) WHERE refers_to_document_id IS NOT NULL;
  CREATE INDEX envelopes_by_sender_document ON envelopes (from_organ_id, document_id, kind);

  -- seq is the inbox cursor: INTEGER PRIMARY KEY AUTOINCREMENT never reuses a value, even after deletes.
  CREATE TABLE deliveries (
    seq                INTEGER PRIMARY KEY AUTOINCREMENT,
    id                 TEXT NOT NULL UNIQUE,
    envelope_id        TEXT NOT NULL REFERENCES envelopes (id),
    recipient_organ_id TEXT NOT NULL,
    state              TEXT NOT NULL,
    body               TEXT NOT NULL
  ) STRICT;
  CREATE INDEX deliveries_inbox ON deliveries (recipient_organ_id, state, seq);
  CREATE INDEX deliveries_by_recipient ON deliveries (recipient_organ_id, seq);
  CREATE INDEX deliveries_by_state ON deliveries (state, seq);
  CREATE INDEX deliveries_by_envelope ON deliveries (envelope_id);

  CREATE TABLE document_statuses (
    document_id        TEXT NOT NULL,
    sender_organ_id    TEXT NOT NULL,
    recipient_organ_id TEXT NOT NULL,
    code               TEXT NOT NULL,
    envelope_id        TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    PRIMARY KEY (document_id, sender_organ_id, recipient_organ_id)
  ) STRICT;

  -- One hash chain for the whole axis: seq is the chain position, assigned inside the writing transaction.
  CREATE TABLE receipts (
    seq         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    type        TEXT NOT NULL,
    envelope_id TEXT,
    document_id TEXT,
    hash        TEXT NOT NULL,
    body        TEXT NOT NULL
  ) STRICT;
  CREATE INDEX receipts_by_envelope ON receipts (envelope_id, type) WHERE envelope_id IS NOT NULL;
  CREATE INDEX receipts_by_document ON receipts (document_id, seq) WHERE document_id IS NOT NULL;

  -- Who may read a receipt: one row per party, so "receipts of agency X after seq N" is one index range.
  CREATE TABLE receipt_parties (
    organ_id TEXT NOT NULL,
    seq      INTEGER NOT NULL REFERENCES receipts (seq),
    PRIMARY KEY (organ_id, seq)
  ) STRICT, WITHOUT ROWID;
  `,
  // 2: receipts of one package in chain order straight from the index (listReceipts by envelope, the accepted receipt).
  `
  DROP INDEX receipts_by_envelope;
  CREATE INDEX receipts_by_envelope ON receipts (envelope_id, seq) WHERE envelope_id IS NOT NULL;
  `,
  // 3: small raw packages live in the database, written with their envelope (embedded-blob-store.ts).
  `
  CREATE TABLE inline_packages (
    key   TEXT PRIMARY KEY,
    bytes BLOB NOT NULL
  ) STRICT;
  `,
  // 4: connected systems (the government SDK's clients), and a sender's envelopes newest first (rowid order).
  `
  CREATE TABLE systems (
    system_id TEXT PRIMARY KEY,
    body      TEXT NOT NULL
  ) STRICT;
  CREATE INDEX envelopes_by_sender ON envelopes (from_organ_id, kind);
  `,
  // 5: the receipt log's checkpoints (with their RFC 3161 tokens and the tree's frontier) and its cached subtrees
  // (docs/evidence.md); the leaves are the receipts' hashes by seq, already here.
  `
  CREATE TABLE checkpoints (
    tree_size      INTEGER PRIMARY KEY,
    root           TEXT NOT NULL,
    note           TEXT NOT NULL,
    token          TEXT,
    timestamped_at TEXT,
    created_at     TEXT NOT NULL,
    frontier       TEXT NOT NULL
  ) STRICT;
  CREATE INDEX checkpoints_timestamped ON checkpoints (tree_size) WHERE token IS NOT NULL;

  CREATE TABLE ledger_nodes (
    level INTEGER NOT NULL,
    idx   INTEGER NOT NULL,
    hash  BLOB NOT NULL,
    PRIMARY KEY (level, idx)
  ) STRICT, WITHOUT ROWID;
  `,
  // 6: the archive's reads (archive-queries.ts): envelopes in acceptance order, receipts by type and time. `at` is
  // read from the body (a virtual column), so the writers and the receipts already written stay as they are.
  `
  CREATE INDEX envelopes_by_accepted ON envelopes (accepted_at, id);
  CREATE INDEX envelopes_by_kind_accepted ON envelopes (kind, accepted_at, id);
  ALTER TABLE receipts ADD COLUMN at TEXT GENERATED ALWAYS AS (json_extract(body, '$.at')) VIRTUAL;
  CREATE INDEX receipts_by_type_at ON receipts (type, at, seq);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Applies the migrations this data directory has not seen yet. Safe when two processes open it at once. */
export function migrate(db: Database.Database): void {
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > SCHEMA_VERSION) {
      throw new AxisError('STORE_SCHEMA_NEWER', `The data directory was written by a newer edx-axis (schema ${current}; this version knows up to ${SCHEMA_VERSION}): upgrade edx-axis before opening it.`, { found: current, known: SCHEMA_VERSION });
    }
    for (let version = current; version < SCHEMA_VERSION; version += 1) db.exec(MIGRATIONS[version]!);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
