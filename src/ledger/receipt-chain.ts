/**
 * The one chain-append step every store adapter runs inside its own transaction: from the chain head the adapter
 * read (under the transaction's lock), the next position; the draft sealed there; a sealer that answered for another
 * position refused. The adapter then inserts what this returns, exactly as returned.
 */
import { randomUUID } from 'node:crypto';
import { AxisError } from '../errors/axis-error.js';
import { GENESIS_PREV_HASH } from './receipt-hash.js';
import type { ChainPosition, ReceiptDraft, ReceiptRecord, ReceiptSealer } from './receipt.js';

/**
 * A receipt's id: its chain position in base 36, then 80 random bits. Ids in chain order land at the end of the
 * receipts' id index (a random id dirtied one index page per receipt: measured in docs/performance.md), and the random
 * part keeps ids unguessable.
 */
export function receiptIdAt(seq: number): string {
  // 80 random bits from a v4 UUID (its first and last groups): Node draws UUIDs from a cached entropy pool, where
  // randomBytes makes a call into OpenSSL's generator (and a getpid system call) each time.
  const uuid = randomUUID();
  return `rcp_${seq.toString(36).padStart(10, '0')}${uuid.slice(0, 8)}${uuid.slice(24)}`;
}

/** The last receipt's position as a store keeps it (MongoDB's counter has no hash before the first receipt). */
export interface ChainHead {
  seq: number;
  hash?: string | undefined;
}

/** The position after `head` (undefined: the chain is empty). */
export function nextChainPosition(head: ChainHead | undefined): ChainPosition {
  const seq = (head?.seq ?? 0) + 1;
  return { seq, prevHash: head?.hash ?? GENESIS_PREV_HASH, id: receiptIdAt(seq) };
}

/** A sealed receipt as a store keeps it: its JSON text, and the record parsed back from that text. */
export interface SealedReceipt {
  json: string;
  /** What a later read of `json` gives back (no undefined members), so a receipt hashes the same either way. */
  receipt: ReceiptRecord;
}

/** Seals `draft` at the position after `head`. */
export function sealNext(sealer: ReceiptSealer, draft: ReceiptDraft, head: ChainHead | undefined): SealedReceipt {
  const position = nextChainPosition(head);
  const sealed = sealer(draft, position);
  if (sealed.seq !== position.seq || sealed.prevHash !== position.prevHash || sealed.id !== position.id) {
    throw new AxisError('STORE_SEAL_MISMATCH', 'The receipt sealer returned a receipt for another chain position: nothing was recorded.', { expected: position, got: { seq: sealed.seq, prevHash: sealed.prevHash, id: sealed.id } });
  }
  const json = JSON.stringify(sealed);
  return { json, receipt: JSON.parse(json) as ReceiptRecord };
}
