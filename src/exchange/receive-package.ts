/** Flow 3 of ARCHITECTURE.md, the receive: a recipient lists its inbox, fetches the raw package, acknowledges. */
import { pipeline, Transform, type Readable } from 'node:stream';
import type { SignedReceipt } from '../ledger/signed-receipt.js';
import { DELIVERY_STEPS, INBOX_STATES, RECEIVED_STATES, type DeliveryRecord, type DeliveryState, type EnvelopeRecord, type ReceiptDraft } from './model/index.js';
import type { ExchangeContext } from './exchange-deps.js';
import { ExchangeError } from './exchange-error.js';
import { deliveryViewOf, summaryOf, type DeliveryView, type PackageSummary } from './package-views.js';
import { assertNotWithheld, viewAsParty, type PartyView } from './party-access.js';

const { fetch: FETCH, acknowledge: ACKNOWLEDGE } = DELIVERY_STEPS;

export interface InboxItem extends PackageSummary {
  deliveryId: string;
  deliveryState: DeliveryState;
  /** Pass as `after` to continue after this item. */
  cursor: number;
}

export async function listInbox(ctx: ExchangeContext, input: { organId: string; after?: number; limit?: number }): Promise<{ items: InboxItem[]; nextCursor?: string }> {
  const limit = Math.max(1, Math.min(input.limit ?? 50, ctx.limits.maxInboxPage));
  const deliveries = await ctx.store.listDeliveries({ recipientOrganId: input.organId, states: [...INBOX_STATES], ...(input.after !== undefined ? { after: input.after } : {}), limit });
  const items: InboxItem[] = [];
  for (const d of deliveries) {
    if (d.recipientOrganId !== input.organId) continue;
    const envelope = await ctx.store.getEnvelope(d.envelopeId);
    if (!envelope || (envelope.revokedAt && !RECEIVED_STATES.includes(d.state))) continue;
    items.push({ ...summaryOf(envelope), deliveryId: d.id, deliveryState: d.state, cursor: d.seq });
  }
  const last = deliveries.at(-1);
  return { items, ...(deliveries.length === limit && last ? { nextCursor: String(last.seq) } : {}) };
}

/** What a download of a package would send, without the bytes. */
export interface PackageHead {
  envelope: EnvelopeRecord;
  sha256: string;
  size: number;
}

export interface FetchedPackage extends PackageHead {
  /** The raw bytes exactly as the sender sent them. */
  stream: Readable;
}

function deliveryReceipt(type: ReceiptDraft['type'], envelope: EnvelopeRecord, delivery: DeliveryRecord, at: string): ReceiptDraft {
  return { type, envelopeId: envelope.id, deliveryId: delivery.id, documentId: envelope.documentId, subjectSha256: envelope.sha256, parties: [envelope.fromOrganId, delivery.recipientOrganId], at };
}

/**
 * The first complete download by a recipient moves its delivery to fetched with a receipt; later downloads change
 * nothing. Revoked while the download ran: EXCHANGE_GONE, and the download fails (the recipient never had it whole).
 */
async function recordFetch(ctx: ExchangeContext, view: Extract<PartyView, { role: 'recipient' }>): Promise<void> {
  if (!FETCH.from.includes(view.delivery.state)) return;
  const at = ctx.now().toISOString();
  const moved = await ctx.store.transitionDelivery(view.delivery.id, {
    step: FETCH,
    patch: { fetchedAt: at, updatedAt: at },
    receipt: deliveryReceipt('fetched', view.envelope, view.delivery, at),
  });
  if (moved) return;
  // The delivery moved under us (a push completed, or a revocation withheld it): judge again on what it is now.
  const again = await viewAsParty(ctx.store, view.delivery.recipientOrganId, view.envelope.id);
  assertNotWithheld(again);
  if (again.role === 'recipient' && FETCH.from.includes(again.delivery.state)) await recordFetch(ctx, again);
}

/** The checks of a download (a party, not withheld, the bytes still kept), and what it would send. */
async function downloadable(ctx: ExchangeContext, input: { organId: string; envelopeId: string }): Promise<{ view: PartyView; head: PackageHead }> {
  const view = await viewAsParty(ctx.store, input.organId, input.envelopeId);
  assertNotWithheld(view);
  const { envelope } = view;
  if (!(await ctx.store.blobs.has(envelope.sha256))) {
    throw new ExchangeError('EXCHANGE_PACKAGE_PURGED', `The raw package was removed by the retention policy; its metadata and receipts are kept (see the document timeline).`);
  }
  return { view, head: { envelope, sha256: envelope.sha256, size: envelope.size } };
}

/**
 * What a download would send, checked as a download is, without the bytes: for a HEAD request or a conditional GET
 * that matches. Not a download, so nothing is recorded: a `fetched` receipt says the recipient was sent the bytes.
 */
export async function describePackage(ctx: ExchangeContext, input: { organId: string; envelopeId: string }): Promise<PackageHead> {
  return (await downloadable(ctx, input)).head;
}

export async function fetchPackage(ctx: ExchangeContext, input: { organId: string; envelopeId: string }): Promise<FetchedPackage> {
  const { view, head } = await downloadable(ctx, input);
  const bytes = await ctx.store.blobs.openRead(head.sha256);
  if (view.role !== 'recipient' || !FETCH.from.includes(view.delivery.state)) return { ...head, stream: bytes };
  return { ...head, stream: recordedAtEnd(bytes, () => recordFetch(ctx, view)) };
}

/**
 * The bytes with their last chunk held back until `record` has committed. A client that has the whole package has
 * its `fetched` receipt, so it can acknowledge at once; a download that fails or is given up before the end (a
 * large package on a bad line, a disk error) records nothing and leaves the package in the inbox. If the record
 * fails, the stream fails: the client never gets a complete package without its receipt.
 */
function recordedAtEnd(source: Readable, record: () => Promise<void>): Readable {
  let held: Buffer | undefined;
  const gate = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const previous = held;
      held = chunk;
      done(null, previous);
    },
    flush(done) {
      record().then(() => done(null, held), (error: unknown) => done(error as Error));
    },
  });
  // Either side failing or being destroyed (the client went away) ends both.
  return pipeline(source, gate, () => undefined);
}

export interface PackageReport extends PackageSummary {
  verification: unknown;
  /** The sender sees every delivery; a recipient its own. */
  deliveries: DeliveryView[];
}

export async function getReport(ctx: ExchangeContext, input: { organId: string; envelopeId: string }): Promise<PackageReport> {
  const view = await viewAsParty(ctx.store, input.organId, input.envelopeId);
  const deliveries = view.role === 'sender' ? await ctx.store.listDeliveriesForEnvelope(view.envelope.id) : [view.delivery];
  return { ...summaryOf(view.envelope), verification: view.envelope.verification, deliveries: deliveries.map((d) => deliveryViewOf(d, input.organId)) };
}

export interface AcknowledgeResult {
  packageId: string;
  delivery: DeliveryView;
  /** The acknowledgement receipt; absent when the package had been acknowledged before (nothing new happened). */
  receipt?: SignedReceipt;
}

export async function acknowledge(ctx: ExchangeContext, input: { organId: string; envelopeId: string }): Promise<AcknowledgeResult> {
  const view = await viewAsParty(ctx.store, input.organId, input.envelopeId);
  if (view.role !== 'recipient') throw new ExchangeError('EXCHANGE_NOT_RECIPIENT', 'Only a recipient acknowledges a package; the sender follows it in the report and the timeline.');
  assertNotWithheld(view);
  const { envelope, delivery } = view;
  if (delivery.state === 'acknowledged') return { packageId: envelope.id, delivery: deliveryViewOf(delivery) };
  if (!ACKNOWLEDGE.from.includes(delivery.state)) {
    throw new ExchangeError('EXCHANGE_NOT_FETCHED', 'The package has not reached this agency yet: fetch it before acknowledging it.', { deliveryState: delivery.state });
  }
  const at = ctx.now().toISOString();
  const moved = await ctx.store.transitionDelivery(delivery.id, {
    step: ACKNOWLEDGE,
    patch: { acknowledgedAt: at, updatedAt: at },
    receipt: deliveryReceipt('acknowledged', envelope, delivery, at),
  });
  if (!moved) return acknowledge(ctx, input);
  return { packageId: envelope.id, delivery: deliveryViewOf(moved.delivery), ...(moved.receipt ? { receipt: ctx.exportReceipt(moved.receipt) } : {}) };
}
