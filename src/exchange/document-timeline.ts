/**
 * Everything the axis knows about one document: its envelopes (original, revoke/update/replace, statuses),
 * deliveries, business statuses and receipts, filtered to what the caller is a party to. Archivists see it all.
 */
import type { DeliveryRecord, DocumentStatusRecord, EnvelopeRecord, ReceiptRecord } from './model/index.js';
import type { ExchangeContext } from './exchange-deps.js';
import { notFound } from './exchange-error.js';
import { deliveryViewOf, summaryOf, type DeliveryView, type PackageSummary } from './package-views.js';

export interface TimelineInput {
  documentId: string;
  /** An agency: sees what it is party to. Absent: an archivist (the HTTP layer checked the role). */
  organId?: string;
  role?: 'archivist' | 'operator';
}

export interface DocumentTimeline {
  documentId: string;
  packages: PackageSummary[];
  deliveries: DeliveryView[];
  statuses: DocumentStatusRecord[];
  receipts: ReceiptRecord[];
}

const RECEIPT_PAGE = 1000;

async function allReceipts(ctx: ExchangeContext, query: { envelopeId?: string; documentId?: string; organId?: string }): Promise<ReceiptRecord[]> {
  const out: ReceiptRecord[] = [];
  let after: number | undefined;
  for (;;) {
    const page = await ctx.store.listReceipts({ ...query, ...(after !== undefined ? { after } : {}), limit: RECEIPT_PAGE });
    out.push(...page);
    if (page.length < RECEIPT_PAGE) return out;
    after = page.at(-1)!.seq;
  }
}

export async function timeline(ctx: ExchangeContext, input: TimelineInput): Promise<DocumentTimeline> {
  const viewer = input.organId;
  const isParty = (e: EnvelopeRecord) => viewer === undefined || e.fromOrganId === viewer || e.toOrganIds.includes(viewer);
  const envelopes = (await ctx.store.listEnvelopesForDocument(input.documentId)).filter(isParty);
  if (envelopes.length === 0) throw notFound('document');

  const deliveries: DeliveryRecord[] = [];
  const receipts = new Map<string, ReceiptRecord>();
  const scope = viewer !== undefined ? { organId: viewer } : {};
  for (const envelope of envelopes) {
    const own = await ctx.store.listDeliveriesForEnvelope(envelope.id);
    deliveries.push(...own.filter((d) => viewer === undefined || envelope.fromOrganId === viewer || d.recipientOrganId === viewer));
    for (const r of await allReceipts(ctx, { envelopeId: envelope.id, ...scope })) receipts.set(r.id, r);
  }
  for (const r of await allReceipts(ctx, { documentId: input.documentId, ...scope })) receipts.set(r.id, r);

  const statuses = (await ctx.store.listDocumentStatuses(input.documentId))
    .filter((s) => viewer === undefined || s.senderOrganId === viewer || s.recipientOrganId === viewer);
  return {
    documentId: input.documentId,
    packages: envelopes.map(summaryOf),
    deliveries: deliveries.map((d) => deliveryViewOf(d, viewer)),
    statuses,
    receipts: [...receipts.values()].filter((r) => viewer === undefined || r.parties.includes(viewer)).sort((a, b) => a.seq - b.seq),
  };
}
