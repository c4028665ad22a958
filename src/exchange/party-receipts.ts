/**
 * The receipts an agency is party to, in chain order, each individually signed: how a caller finds and proves its
 * own facts, `rejected` refusals included (they name no document, so no timeline shows them).
 */
import type { SignedReceipt } from '../ledger/signed-receipt.js';
import type { ReceiptType } from './model/index.js';
import type { ExchangeContext } from './exchange-deps.js';

export interface PartyReceiptsInput {
  organId: string;
  /** Chain position (seq) to continue after: the previous page's nextCursor. */
  after?: number;
  limit?: number;
  type?: ReceiptType;
}

export interface PartyReceipts {
  items: SignedReceipt[];
  /** Present when the page was full: pass it as `after`. */
  nextCursor?: string;
}

export async function listPartyReceipts(ctx: ExchangeContext, input: PartyReceiptsInput): Promise<PartyReceipts> {
  const limit = Math.min(Math.max(input.limit ?? 50, 1), ctx.limits.maxInboxPage);
  const items: SignedReceipt[] = [];
  let after = input.after;
  let last: number | undefined;
  // A type filter is applied here, not by the store: read on until the page is full or the chain is exhausted.
  for (;;) {
    const page = await ctx.store.listReceipts({ organId: input.organId, ...(after !== undefined ? { after } : {}), limit });
    for (const receipt of page) {
      last = receipt.seq;
      if (input.type && receipt.type !== input.type) continue;
      items.push(ctx.exportReceipt(receipt));
      if (items.length === limit) return { items, nextCursor: String(receipt.seq) };
    }
    if (page.length < limit || last === undefined) return { items };
    after = last;
  }
}
