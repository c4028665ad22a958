/**
 * The deliveries the Decree 30 time limit applies to, with their limit and the recipient's answer: new documents
 * (business type 0) not revoked, that arrived at the recipient. A revocation, an update or a replacement is answered
 * in the original's status chain (13, 15, 16), which Article 20 sets no limit for.
 */
import type { WorkingCalendar } from '../../calendar/index.js';
import { isNewDocument, type DeliveryRecord, type EnvelopeRecord } from '../model/index.js';
import type { Store } from '../ports/index.js';
import { statusDeadline, type DeadlineRules, type StatusDeadline } from './status-deadline.js';
import { statusKey, statusTimesOf, type StatusTimes } from './status-times.js';

export interface WatchedDelivery {
  envelope: EnvelopeRecord;
  delivery: DeliveryRecord;
  /** When the recipient could have it (deliveredAtOf). */
  deliveredAt: Date;
  deadline: StatusDeadline;
  /** The recipient's answers so far; undefined: none yet. */
  status: StatusTimes | undefined;
}

/**
 * When the recipient could have the document: the push answered 2xx (deliveredAt); a package that waited in a pull
 * agency's inbox from the start (never pushed: no attempts) from its acceptance; a package downloaded after failed
 * pushes, when it was downloaded. Undefined while it has not arrived (pending, retrying, dead, withheld).
 */
export function deliveredAtOf(d: DeliveryRecord): string | undefined {
  if (d.deliveredAt) return d.deliveredAt;
  if (d.state === 'pending' || d.state === 'retrying' || d.state === 'dead' || d.state === 'withheld') return d.fetchedAt;
  if (d.attempts === 0) return d.createdAt;
  return d.fetchedAt ?? d.updatedAt;
}

export interface WatchContext {
  store: Store;
  calendar: WorkingCalendar;
  rules: DeadlineRules;
}

/** The watched deliveries of a page of envelopes (any kinds; only new documents are kept), optionally of one recipient. */
export async function watchedDeliveriesOf(ctx: WatchContext, envelopes: readonly EnvelopeRecord[], recipientOrganId?: string): Promise<WatchedDelivery[]> {
  const documents = envelopes.filter((e) => isNewDocument(e) && !e.revokedAt);
  if (documents.length === 0) return [];
  const byId = new Map(documents.map((e) => [e.id, e]));
  const [deliveries, statuses] = await Promise.all([
    ctx.store.archive.listDeliveriesOfEnvelopes(documents.map((e) => e.id)),
    ctx.store.archive.listStatusEnvelopesAbout([...new Set(documents.map((e) => e.documentId))]),
  ]);
  const times = statusTimesOf(statuses);
  const watched: WatchedDelivery[] = [];
  for (const delivery of deliveries) {
    const envelope = byId.get(delivery.envelopeId);
    const arrived = deliveredAtOf(delivery);
    if (!envelope || !arrived || (recipientOrganId !== undefined && delivery.recipientOrganId !== recipientOrganId)) continue;
    const deliveredAt = new Date(arrived);
    watched.push({
      envelope,
      delivery,
      deliveredAt,
      deadline: statusDeadline(ctx.calendar, ctx.rules, deliveredAt, envelope.priority),
      status: times.get(statusKey(envelope.documentId, envelope.fromOrganId, delivery.recipientOrganId)),
    });
  }
  return watched;
}
