/** The MongoDB store's archive reads (src/exchange/ports/archive-queries.ts); their indexes are declared in models.ts. */
import type { AcceptedEnvelopeQuery, ArchiveQueries, EnvelopePage, ReceiptSearch } from '../../exchange/ports/index.js';
import type { DeliveryRecord, DocumentStatusRecord, EnvelopeRecord, ReceiptRecord } from '../../exchange/model/index.js';
import { recordOf, type Models } from './models.js';

const defined = <T>(items: (T | undefined)[]): T[] => items.filter((item): item is T => item !== undefined);
const envelopeOf = (doc: object) => recordOf<EnvelopeRecord>(doc, 'id', ['chainSeq']);
// limit(0) means "no limit" to MongoDB: an empty page is answered before asking.
const limitOf = (limit: number): number => Math.max(0, Math.floor(limit));

export class MongoArchiveQueries implements ArchiveQueries {
  constructor(private readonly models: Models) {}

  async listAcceptedEnvelopes(query: AcceptedEnvelopeQuery): Promise<EnvelopePage> {
    const limit = limitOf(query.limit);
    if (limit === 0) return { items: [] };
    const and: Record<string, unknown>[] = [];
    if (query.kind !== undefined) and.push({ kind: query.kind });
    if (query.acceptedFrom !== undefined) and.push({ acceptedAt: { $gte: query.acceptedFrom } });
    if (query.acceptedTo !== undefined) and.push({ acceptedAt: { $lt: query.acceptedTo } });
    if (query.agency !== undefined) and.push({ $or: [{ fromOrganId: query.agency }, { toOrganIds: query.agency }] });
    if (query.before !== undefined) {
      const { acceptedAt, id } = query.before;
      and.push({ $or: [{ acceptedAt: { $lt: acceptedAt } }, { acceptedAt, _id: { $lt: id } }] });
    }
    const docs = await this.models.envelopes.find(and.length ? { $and: and } : {}).sort({ acceptedAt: -1, _id: -1 }).limit(limit).lean();
    const items = defined(docs.map(envelopeOf));
    const last = items.at(-1);
    return items.length === limit && last ? { items, next: { acceptedAt: last.acceptedAt, id: last.id } } : { items };
  }

  async listDeliveriesOfEnvelopes(envelopeIds: readonly string[]): Promise<DeliveryRecord[]> {
    if (envelopeIds.length === 0) return [];
    const docs = await this.models.deliveries.find({ envelopeId: { $in: [...envelopeIds] } }).sort({ seq: 1 }).lean();
    return defined(docs.map((doc) => recordOf<DeliveryRecord>(doc)));
  }

  async listStatusEnvelopesAbout(documentIds: readonly string[]): Promise<EnvelopeRecord[]> {
    if (documentIds.length === 0) return [];
    const docs = await this.models.envelopes.find({ refersToDocumentId: { $in: [...documentIds] }, kind: 'status' }).sort({ acceptedAt: 1, _id: 1 }).lean();
    return defined(docs.map(envelopeOf));
  }

  async listDocumentStatusesOf(documentIds: readonly string[]): Promise<DocumentStatusRecord[]> {
    if (documentIds.length === 0) return [];
    const docs = await this.models.statuses.find({ documentId: { $in: [...documentIds] } }).sort({ documentId: 1, senderOrganId: 1, recipientOrganId: 1 }).lean();
    return docs.map((doc) => {
      const { _id, ...record } = doc as DocumentStatusRecord & { _id?: unknown };
      return record;
    });
  }

  async searchReceipts(query: ReceiptSearch): Promise<ReceiptRecord[]> {
    const limit = limitOf(query.limit);
    if (limit === 0) return [];
    const filter: Record<string, unknown> = { seq: { $gt: query.after ?? 0 } };
    if (query.organId !== undefined) filter['parties'] = query.organId;
    if (query.documentId !== undefined) filter['documentId'] = query.documentId;
    if (query.type !== undefined) filter['type'] = query.type;
    if (query.atFrom !== undefined || query.atTo !== undefined) {
      filter['at'] = { ...(query.atFrom !== undefined ? { $gte: query.atFrom } : {}), ...(query.atTo !== undefined ? { $lt: query.atTo } : {}) };
    }
    const docs = await this.models.receipts.find(filter).sort({ seq: 1 }).limit(limit).lean();
    return defined(docs.map((doc) => recordOf<ReceiptRecord>(doc)));
  }
}
