/**
 * Appends to the axis's single receipt chain inside the caller's SQLite transaction: the head is read, the draft
 * sealed at the next position (src/ledger's one chain-append step) and inserted before the transaction commits, so
 * two writers (even two processes on one data directory) can never take the same position or link to a stale head.
 */
import type Database from 'better-sqlite3';
import type { ReceiptDraft, ReceiptRecord, ReceiptSealer } from '../../exchange/model/index.js';
import { sealNext } from '../../ledger/receipt-chain.js';

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
    const { json, receipt } = sealNext(this.sealer, draft, this.head.get());
    this.insert.run(receipt.seq, receipt.id, receipt.type, receipt.envelopeId ?? null, receipt.documentId ?? null, receipt.hash, json);
    for (const party of new Set(receipt.parties)) this.insertParty.run(party, receipt.seq);
    return receipt;
  }
}
