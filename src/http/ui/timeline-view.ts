/**
 * A document's timeline as people read it: one event per receipt (each is evidence of one fact), oldest first: sent;
 * delivered, fetched, acknowledged per recipient; each status; revoke, update, replace; failures and replays.
 */
import type { DocumentTimeline } from '../../exchange/document-timeline.js';
import type { ReceiptRecord } from '../../exchange/model/index.js';
import type { Labels } from './labels/labels.js';

export interface TimelineEvent {
  at: string;
  what: string;
  /** Who did it, or to whom it happened. */
  who: string;
  tone: 'good' | 'bad' | 'plain';
  seq: number;
}

const CHANGE: Record<number, 'revoke' | 'update' | 'replace'> = { 1: 'revoke', 2: 'update', 3: 'replace' };

export function timelineEvents(labels: Labels, timeline: DocumentTimeline): TimelineEvent[] {
  const packages = new Map(timeline.packages.map((p) => [p.packageId, p]));
  const recipients = new Map(timeline.deliveries.map((d) => [d.deliveryId, d.recipient]));
  const recipientOf = (r: ReceiptRecord) => (r.deliveryId ? recipients.get(r.deliveryId) : undefined) ?? r.parties.at(-1) ?? '';
  const event = (r: ReceiptRecord, what: string, who: string, tone: TimelineEvent['tone'] = 'plain'): TimelineEvent => ({ at: r.at, what, who, tone, seq: r.seq });
  const events: TimelineEvent[] = [];
  for (const r of timeline.receipts) {
    const pkg = r.envelopeId ? packages.get(r.envelopeId) : undefined;
    switch (r.type) {
      case 'accepted': {
        if (pkg?.kind === 'status' && pkg.statusCode) {
          events.push(event(r, labels.event.status(pkg.statusCode, labels.statusNames[pkg.statusCode] ?? ''), `${labels.event.by} ${pkg.from}`, pkg.statusCode === '02' ? 'bad' : 'good'));
        } else {
          const change = CHANGE[pkg?.businessType ?? 0];
          events.push(event(r, change ? labels.event[change] : labels.event.sent, pkg ? `${pkg.from} → ${pkg.to.join(', ')}` : r.parties.join(', ')));
        }
        break;
      }
      case 'delivered':
      case 'fetched':
      case 'acknowledged':
        events.push(event(r, labels.event[r.type], recipientOf(r), 'good'));
        break;
      case 'failed':
        events.push(event(r, labels.event.failed, recipientOf(r), 'bad'));
        break;
      case 'replayed':
        events.push(event(r, labels.event.replayed, recipientOf(r)));
        break;
      case 'revoked':
        events.push(event(r, labels.event.revoked, r.parties.join(', '), 'bad'));
        break;
      case 'rejected':
        events.push(event(r, labels.event.rejected, r.parties.join(', '), 'bad'));
        break;
    }
  }
  return events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq));
}
