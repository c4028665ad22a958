/**
 * Document search for archivists (GET /v1/documents, the UI): documents accepted in a period, by words (DocumentId,
 * number/notation, subject, sender or recipient codes), agency (sender or recipient) and current status. The store
 * narrows by period and agency; words and status are matched here, over at most `SCAN_BUDGET` envelopes per call: a
 * page may come back short with a cursor to go on from, so a search never reads the whole archive in one request.
 */
import type { DocumentStatusRecord, StatusCode } from '../model/index.js';
import type { EnvelopePosition, Store } from '../ports/index.js';
import { summaryOf, type PackageSummary } from '../package-views.js';
import { matchesWords, searchWords } from './search-text.js';

export interface DocumentSearchInput {
  text?: string;
  /** acceptedAt >= from (ISO 8601). */
  from?: string;
  /** acceptedAt < to. */
  to?: string;
  agency?: string;
  /** A current status some recipient has, or `none`: some recipient has not sent any yet. */
  status?: StatusCode | 'none';
  /** Continue after this envelope (the previous page's nextCursor). */
  cursor?: EnvelopePosition;
  limit?: number;
}

export interface DocumentHit extends PackageSummary {
  /** The current status at each recipient that sent one. */
  statuses: { recipient: string; code: StatusCode; at: string }[];
}

export interface DocumentSearchResult {
  items: DocumentHit[];
  /** Present when there may be more: pass it back as `cursor`. */
  nextCursor?: EnvelopePosition;
  /** How many documents this call looked at (the budget bounds it). */
  examined: number;
}

const SCAN_PAGE = 200;
export const SCAN_BUDGET = 2000;
export const SEARCH_PAGE_MAX = 200;

function statusMatches(hit: { to: string[] }, statuses: readonly DocumentStatusRecord[], wanted: DocumentSearchInput['status']): boolean {
  if (wanted === undefined) return true;
  if (wanted === 'none') return hit.to.some((recipient) => !statuses.some((s) => s.recipientOrganId === recipient));
  return statuses.some((s) => s.code === wanted);
}

export async function searchDocuments(store: Store, input: DocumentSearchInput): Promise<DocumentSearchResult> {
  const limit = Math.max(1, Math.min(input.limit ?? 50, SEARCH_PAGE_MAX));
  const words = searchWords(input.text);
  const items: DocumentHit[] = [];
  let before = input.cursor;
  let examined = 0;
  while (examined < SCAN_BUDGET) {
    const page = await store.archive.listAcceptedEnvelopes({
      kind: 'edoc',
      ...(input.from ? { acceptedFrom: input.from } : {}),
      ...(input.to ? { acceptedTo: input.to } : {}),
      ...(input.agency ? { agency: input.agency } : {}),
      ...(before ? { before } : {}),
      limit: Math.min(SCAN_PAGE, SCAN_BUDGET - examined),
    });
    const candidates = page.items.filter((e) => matchesWords(e, words));
    const statuses = await store.archive.listDocumentStatusesOf([...new Set(candidates.map((e) => e.documentId))]);
    for (const envelope of page.items) {
      examined += 1;
      before = { acceptedAt: envelope.acceptedAt, id: envelope.id };
      if (!candidates.includes(envelope)) continue;
      const own = statuses.filter((s) => s.documentId === envelope.documentId && s.senderOrganId === envelope.fromOrganId);
      const summary = summaryOf(envelope);
      if (!statusMatches(summary, own, input.status)) continue;
      items.push({ ...summary, statuses: own.map((s) => ({ recipient: s.recipientOrganId, code: s.code, at: s.updatedAt })) });
      if (items.length === limit) return { items, nextCursor: before, examined };
    }
    if (!page.next) return { items, examined };
  }
  return { items, ...(before ? { nextCursor: before } : {}), examined };
}
