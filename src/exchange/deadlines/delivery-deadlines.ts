/**
 * What is due and what is late (GET /v1/deadlines, the UI's deadlines page, the reminders): every watched delivery
 * of the last `watchDays` still without the recipient's first status, with its limit. `due`: the limit is still
 * ahead; `overdue`: it passed; among those, `escalated`: the escalation time passed too.
 */
import type { EnvelopePosition } from '../ports/index.js';
import { watchedDeliveriesOf, type WatchContext, type WatchedDelivery } from './watched-deliveries.js';

export type DeadlineState = 'due' | 'overdue';

export interface DeadlineItem {
  deliveryId: string;
  packageId: string;
  documentId: string;
  codeNumber?: string;
  codeNotation?: string;
  subject?: string;
  sender: string;
  recipient: string;
  priority: number;
  urgent: boolean;
  deliveredAt: string;
  dueAt: string;
  escalateAt: string;
  state: DeadlineState;
  /** The escalation time passed too: the operators have been told. */
  escalated: boolean;
}

export interface DeadlinesInput {
  /** Only due, or only overdue, ones; both when absent. */
  state?: DeadlineState;
  /** The recipient whose status is awaited. */
  agency?: string;
  now: Date;
  /** How far back to look, in days. */
  watchDays: number;
  /** At most this many items (the earliest limits first). */
  limit?: number;
}

export interface DeadlineList {
  items: DeadlineItem[];
  /** More awaited statuses than `limit` were found: the rest were left out. */
  truncated: boolean;
  /** The deliveries watched since this instant. */
  since: string;
}

const SCAN_PAGE = 500;
export const DEADLINES_MAX = 5000;

function itemOf(w: WatchedDelivery, now: Date): DeadlineItem {
  const e = w.envelope;
  const overdue = now.getTime() >= w.deadline.dueAt.getTime();
  return {
    deliveryId: w.delivery.id,
    packageId: e.id,
    documentId: e.documentId,
    ...(e.codeNumber ? { codeNumber: e.codeNumber } : {}),
    ...(e.codeNotation ? { codeNotation: e.codeNotation } : {}),
    ...(e.subject ? { subject: e.subject } : {}),
    sender: e.fromOrganId,
    recipient: w.delivery.recipientOrganId,
    priority: e.priority ?? 0,
    urgent: w.deadline.urgent,
    deliveredAt: w.deliveredAt.toISOString(),
    dueAt: w.deadline.dueAt.toISOString(),
    escalateAt: w.deadline.escalateAt.toISOString(),
    state: overdue ? 'overdue' : 'due',
    escalated: now.getTime() >= w.deadline.escalateAt.getTime(),
  };
}

export async function listDeadlines(ctx: WatchContext, input: DeadlinesInput): Promise<DeadlineList> {
  const limit = Math.max(1, Math.min(input.limit ?? DEADLINES_MAX, DEADLINES_MAX));
  const since = new Date(input.now.getTime() - input.watchDays * 86_400_000).toISOString();
  const items: DeadlineItem[] = [];
  let before: EnvelopePosition | undefined;
  for (;;) {
    const page = await ctx.store.archive.listAcceptedEnvelopes({ kind: 'edoc', acceptedFrom: since, ...(input.agency ? { agency: input.agency } : {}), ...(before ? { before } : {}), limit: SCAN_PAGE });
    for (const w of await watchedDeliveriesOf(ctx, page.items, input.agency)) {
      if (w.status) continue;
      const item = itemOf(w, input.now);
      if (!input.state || item.state === input.state) items.push(item);
    }
    if (!page.next) break;
    before = page.next;
  }
  items.sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : a.deliveryId < b.deliveryId ? -1 : 1));
  return { items: items.slice(0, limit), truncated: items.length > limit, since };
}
