/**
 * Everything the axis knows about one document: its envelopes (original, revoke/update/replace, statuses),
 * deliveries, business statuses and receipts, filtered to what the caller is a party to. Archivists see it all.
 * A DocumentId is unique per sender only: a document is (sender, DocumentId), and two senders' documents that share
 * a DocumentId are two timelines, never one.
 */
import type { DeliveryRecord, DocumentStatusRecord, EnvelopeRecord, ReceiptRecord } from './model/index.js';
import type { ExchangeContext } from './exchange-deps.js';
import { ExchangeError, notFound } from './exchange-error.js';
import { deliveryViewOf, summaryOf, type DeliveryView, type PackageSummary } from './package-views.js';

export interface TimelineInput {
  documentId: string;
  /** The sender of the document. Absent: the one sender the caller can see, or EXCHANGE_REFERENCE_AMBIGUOUS. */
  from?: string;
  /** An agency: sees what it is party to. Absent: an archivist (the HTTP layer checked the role). */
  organId?: string;
  role?: 'archivist' | 'operator';
}

export interface DocumentTimeline {
  documentId: string;
  /** The agency that sent the document. */
  from: string;
  packages: PackageSummary[];
  deliveries: DeliveryView[];
  statuses: DocumentStatusRecord[];
  receipts: ReceiptRecord[];
}

const RECEIPT_PAGE = 1000;

async function allReceipts(ctx: ExchangeContext, query: { envelopeId: string; organId?: string }): Promise<ReceiptRecord[]> {
  const out: ReceiptRecord[] = [];
  let after: number | undefined;
  for (;;) {
    const page = await ctx.store.listReceipts({ ...query, ...(after !== undefined ? { after } : {}), limit: RECEIPT_PAGE });
    out.push(...page);
    if (page.length < RECEIPT_PAGE) return out;
    after = page.at(-1)!.seq;
  }
}

/**
 * The sender of the document an envelope belongs to: a document's or a change package's own sender; for a status,
 * the agency a take-back request (13) comes from, or the one a recipient's status is routed back to.
 */
export function documentSenderOf(envelope: EnvelopeRecord): string {
  if (envelope.kind === 'edoc' || envelope.statusCode === '13') return envelope.fromOrganId;
  return envelope.toOrganIds[0] ?? envelope.fromOrganId;
}

/**
 * The envelopes of one document the viewer may see (viewer undefined: an archivist): the document named by its sender,
 * or the one sender the viewer can see (EXCHANGE_REFERENCE_AMBIGUOUS naming them when there are several).
 */
export async function documentEnvelopes(store: Pick<ExchangeContext['store'], 'listEnvelopesForDocument'>, input: { documentId: string; from?: string | undefined; viewer?: string | undefined }): Promise<{ from: string; envelopes: EnvelopeRecord[] }> {
  const { viewer } = input;
  const isParty = (e: EnvelopeRecord) => viewer === undefined || e.fromOrganId === viewer || e.toOrganIds.includes(viewer);
  const visible = (await store.listEnvelopesForDocument(input.documentId)).filter(isParty);
  const senders = [...new Set(visible.map(documentSenderOf))].sort();
  if (input.from === undefined && senders.length > 1) {
    throw new ExchangeError('EXCHANGE_REFERENCE_AMBIGUOUS', `Several agencies sent a document ${input.documentId}: name its sender (from=ORGANID, one of ${senders.join(', ')}).`, { documentId: input.documentId, senders });
  }
  const from = input.from ?? senders[0];
  const envelopes = visible.filter((e) => documentSenderOf(e) === from);
  if (from === undefined || envelopes.length === 0) throw notFound('document');
  return { from, envelopes };
}

export async function timeline(ctx: ExchangeContext, input: TimelineInput): Promise<DocumentTimeline> {
  const viewer = input.organId;
  const { from, envelopes } = await documentEnvelopes(ctx.store, { documentId: input.documentId, from: input.from, viewer });

  const deliveries: DeliveryRecord[] = [];
  const receipts = new Map<string, ReceiptRecord>();
  const scope = viewer !== undefined ? { organId: viewer } : {};
  for (const envelope of envelopes) {
    const own = await ctx.store.listDeliveriesForEnvelope(envelope.id);
    deliveries.push(...own.filter((d) => viewer === undefined || envelope.fromOrganId === viewer || d.recipientOrganId === viewer));
    // Every receipt about the document names one of its envelopes (accepted, revoked, delivered, fetched, ...): a
    // query by DocumentId alone would bring in another sender's document of the same DocumentId.
    for (const r of await allReceipts(ctx, { envelopeId: envelope.id, ...scope })) receipts.set(r.id, r);
  }

  const statuses = (await ctx.store.listDocumentStatuses(input.documentId))
    .filter((s) => s.senderOrganId === from && (viewer === undefined || s.senderOrganId === viewer || s.recipientOrganId === viewer));
  return {
    documentId: input.documentId,
    from,
    packages: envelopes.map(summaryOf),
    deliveries: deliveries.map((d) => deliveryViewOf(d, viewer)),
    statuses,
    receipts: [...receipts.values()].filter((r) => viewer === undefined || r.parties.includes(viewer)).sort((a, b) => a.seq - b.seq),
  };
}
