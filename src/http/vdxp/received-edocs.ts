/**
 * What arrived for the agencies a system acts for: `getReceivedEdocList` (the packages not yet acknowledged with
 * `updateStatus done`, oldest first) and `countReceiveEdoc` / `countReceiveStatus`. `messagetype` (signed) picks
 * documents (`edoc`) or statuses (`status`); without it both are listed.
 */
import type { Exchange } from '../../exchange/create-exchange.js';
import type { InboxItem } from '../../exchange/receive-package.js';
import type { VdxpCaller } from './vdxp-auth.js';
import type { ReplyObject } from './vdxp-reply.js';
import { DELIVERY_STATE_WORDS, type EnvelopeKind } from '../../exchange/model/index.js';
import { vietnamTime } from './vdxp-words.js';

/** The most one list answers: the SDK has no paging; what is acknowledged leaves the list, and the rest follows. */
export const RECEIVED_LIST_MAX = 500;

export function kindOf(caller: VdxpCaller): EnvelopeKind | undefined {
  const type = caller.signed.get('messagetype')?.toLowerCase();
  return type === 'status' ? 'status' : type === 'edoc' ? 'edoc' : undefined;
}

export interface ReceivedItem {
  item: InboxItem;
  /** Which of the system's agencies it arrived for. */
  recipient: string;
}

export async function receivedItems(exchange: Exchange, caller: VdxpCaller, kind: EnvelopeKind | undefined, max = RECEIVED_LIST_MAX): Promise<ReceivedItem[]> {
  const received: ReceivedItem[] = [];
  for (const recipient of caller.system.agencies) {
    let after: number | undefined;
    let found = 0;
    do {
      const page = await exchange.listInbox({ organId: recipient, limit: max, ...(after !== undefined ? { after } : {}) });
      for (const item of page.items) {
        if (kind !== undefined && item.kind !== kind) continue;
        received.push({ item, recipient });
        found += 1;
      }
      after = page.nextCursor === undefined ? undefined : Number(page.nextCursor);
    } while (after !== undefined && found < max);
  }
  return received.sort((a, b) => (a.item.acceptedAt < b.item.acceptedAt ? -1 : a.item.acceptedAt > b.item.acceptedAt ? 1 : 0)).slice(0, max);
}

/** One list entry as the SDK's Knobstick reads it: strings only, a member without a value left out. */
export function knobstickOf({ item, recipient }: ReceivedItem): ReplyObject {
  return {
    docId: item.packageId,
    serviceType: 'eDoc',
    messageType: item.kind,
    created_time: vietnamTime(item.acceptedAt),
    updated_time: vietnamTime(item.acceptedAt),
    from: item.from,
    to: recipient,
    status: item.deliveryState,
    status_desc: DELIVERY_STATE_WORDS[item.deliveryState],
  };
}
