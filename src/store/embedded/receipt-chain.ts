/**
 * Appends to the axis's single receipt chain inside the caller's SQLite transaction: the head is read, the draft
 * sealed at the next position and inserted before the transaction commits, so two writers (even two processes on one
 * data directory) can never take the same position or link to a stale head.
 */
import type Database from 'better-sqlite3';
import { AxisError } from '../../errors/axis-error.js';
import type { ReceiptDraft, ReceiptRecord, ReceiptSealer } from '../records.js';
import { receiptIdAt } from '../receipt-id.js';

const GENESIS_PREV_HASH = '0'.repeat(64);

export class ReceiptChain {
  private readonly head: Database.Statement<[], { seq: number; hash: string }>;
  private readonly insert: Database.Statement<[number, string, string, string | null, string | null, string, string]>;
  private readonly insertParty: Database.Statement<[string, number]>;

  constructor(db: Database.Database, private readonly sealer: ReceiptSealer) {
    this.head = db.prepare('SELECT seq, hash FROM receipts ORDER BY seq DESC LIMIT 1');
    this.insert = db.prepare('INSERT INTO receipts (seq, id, type, envelope_id, document_id, hash, body) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.insertParty = db.prepare('INSERT OR IGNORE INTO receipt_parties (organ_id, seq) VALUES (?, ?)');
  }

  /** Must run inside a write transaction (BEGIN IMMEDIATE): that lock is what makes the position unique. */
  appendInTransaction(draft: ReceiptDraft): ReceiptRecord {
    const head = this.head.get();
    const seq = (head?.seq ?? 0) + 1;
    const position = { seq, prevHash: head?.hash ?? GENESIS_PREV_HASH, id: receiptIdAt(seq) };
    const sealed = this.sealer(draft, position);
    if (sealed.seq !== position.seq || sealed.prevHash !== position.prevHash || sealed.id !== position.id) {
      throw new AxisError('STORE_SEAL_MISMATCH', 'The receipt sealer returned a receipt for another chain position: nothing was recorded.', { expected: position, got: { seq: sealed.seq, prevHash: sealed.prevHash, id: sealed.id } });
    }
    const body = JSON.stringify(sealed);
    this.insert.run(sealed.seq, sealed.id, sealed.type, sealed.envelopeId ?? null, sealed.documentId ?? null, sealed.hash, body);
    for (const party of new Set(sealed.parties)) this.insertParty.run(party, sealed.seq);
    // Hand back exactly what a later read returns (JSON round trip), so a receipt hashes the same either way.
    return JSON.parse(body) as ReceiptRecord;
  }
}
