/**
 * The store's read queries for archivists, operators and reports (document search, receipts across agencies,
 * statistics, the Decree 30 time limits): reads over what accept and the delivery steps wrote, never a write. Every
 * store offers them as `store.archive`; test/store/archive-contract.ts holds each adapter to the same answers.
 */
import type { DeliveryRecord, DocumentStatusRecord, EnvelopeKind, EnvelopeRecord, ReceiptRecord, ReceiptType } from '../model/index.js';

export interface AcceptedEnvelopeQuery {
  kind?: EnvelopeKind;
  /** acceptedAt >= this instant (ISO 8601, as records carry it). */
  acceptedFrom?: string;
  /** acceptedAt < this instant. */
  acceptedTo?: string;
  /** Sent by this agency or addressed to it. */
  agency?: string;
  /** The previous page's `next`: continue with the envelopes accepted before this one. */
  before?: EnvelopePosition;
  limit: number;
}

/** Where an envelope stands in acceptance order (acceptedAt, then id). */
export interface EnvelopePosition {
  acceptedAt: string;
  id: string;
}

export interface EnvelopePage {
  /** Newest first: by acceptedAt, then by id. */
  items: EnvelopeRecord[];
  /** The last item's position when the page was full: pass it as `before` for the next page. */
  next?: EnvelopePosition;
}

export interface ReceiptSearch {
  /** Receipts this agency is party to. */
  organId?: string;
  documentId?: string;
  type?: ReceiptType;
  /** The receipt's `at` >= this instant (ISO 8601). */
  atFrom?: string;
  /** The receipt's `at` < this instant. */
  atTo?: string;
  /** Chain position to continue after. */
  after?: number;
  limit: number;
}

export interface ArchiveQueries {
  /** Envelopes accepted in a period, newest first, a page at a time. */
  listAcceptedEnvelopes(query: AcceptedEnvelopeQuery): Promise<EnvelopePage>;
  /** The deliveries of these envelopes, in delivery order (seq). */
  listDeliveriesOfEnvelopes(envelopeIds: readonly string[]): Promise<DeliveryRecord[]>;
  /** Status packages about these documents (their refersToDocumentId), in the order they were accepted. */
  listStatusEnvelopesAbout(documentIds: readonly string[]): Promise<EnvelopeRecord[]>;
  /** The current business status of these documents at each recipient. */
  listDocumentStatusesOf(documentIds: readonly string[]): Promise<DocumentStatusRecord[]>;
  /** Receipts in chain order (seq), by party, document, type and time; after a chain position. */
  searchReceipts(query: ReceiptSearch): Promise<ReceiptRecord[]>;
}
