/**
 * Receipts across agencies for archivists (GET /v1/receipts with a bearer token, the UI, CSV export): by document,
 * agency (party), type and time, in chain order, a page at a time.
 */
import type { ReceiptRecord, ReceiptType } from '../model/index.js';
import type { Store } from '../ports/index.js';

export interface ReceiptSearchInput {
  /** Receipts this agency is party to. */
  agency?: string;
  documentId?: string;
  type?: ReceiptType;
  /** at >= from (ISO 8601). */
  from?: string;
  /** at < to. */
  to?: string;
  /** Chain position to continue after (the previous page's nextCursor). */
  after?: number;
  limit?: number;
}

export interface ReceiptPage {
  items: ReceiptRecord[];
  /** Present when the page was full: pass it as `after`. */
  nextCursor?: number;
}

export const RECEIPT_PAGE_MAX = 1000;

export async function searchReceipts(store: Store, input: ReceiptSearchInput): Promise<ReceiptPage> {
  const limit = Math.max(1, Math.min(input.limit ?? 100, RECEIPT_PAGE_MAX));
  const items = await store.archive.searchReceipts({
    ...(input.agency !== undefined ? { organId: input.agency } : {}),
    ...(input.documentId !== undefined ? { documentId: input.documentId } : {}),
    ...(input.type !== undefined ? { type: input.type } : {}),
    ...(input.from !== undefined ? { atFrom: input.from } : {}),
    ...(input.to !== undefined ? { atTo: input.to } : {}),
    ...(input.after !== undefined ? { after: input.after } : {}),
    limit,
  });
  const last = items.at(-1);
  return items.length === limit && last ? { items, nextCursor: last.seq } : { items };
}
