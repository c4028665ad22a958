/**
 * What archivists and operators read (the REST dialect's archive routes, the web UI): document search, receipts across
 * agencies, exchange statistics and the Decree 30 time limits, over the store's archive reads and the working calendar.
 */
import type { WorkingCalendar } from '../../calendar/index.js';
import type { Clock, Store } from '../ports/index.js';
import { listDeadlines, type DeadlineList, type DeadlineState } from '../deadlines/delivery-deadlines.js';
import type { DeadlineRules } from '../deadlines/status-deadline.js';
import type { SignatureVerdictReader } from './document-signature-verdict.js';
import { searchDocuments, type DocumentSearchInput, type DocumentSearchResult } from './document-search.js';
import { packageSignatures, type PackageSignature } from './package-signatures.js';
import { searchReceipts, type ReceiptPage, type ReceiptSearchInput } from './receipt-search.js';
import { computeStatistics, type StatisticsInput, type StatisticsReport } from './statistics.js';

export interface ArchiveDeps {
  store: Store;
  calendar: WorkingCalendar;
  rules: DeadlineRules;
  /** How many days back the deadlines look (DEADLINE_WATCH_DAYS). */
  watchDays: number;
  clock?: Clock;
  signatureVerdict?: SignatureVerdictReader;
}

export interface Archive {
  readonly calendar: WorkingCalendar;
  searchDocuments(input: DocumentSearchInput): Promise<DocumentSearchResult>;
  searchReceipts(input: ReceiptSearchInput): Promise<ReceiptPage>;
  statistics(input: Omit<StatisticsInput, 'now'>): Promise<StatisticsReport>;
  /** Who signed each package about a document (the XMLDSig verdicts kept at acceptance). */
  signatures(documentId: string): Promise<PackageSignature[]>;
  /** Deliveries still without the recipient's first status; `agency`: those awaiting that agency's status. */
  deadlines(input: { state?: DeadlineState; agency?: string; limit?: number }): Promise<DeadlineList>;
}

export function createArchive(deps: ArchiveDeps): Archive {
  const now = deps.clock ?? (() => new Date());
  const watch = { store: deps.store, calendar: deps.calendar, rules: deps.rules };
  return {
    calendar: deps.calendar,
    searchDocuments: (input) => searchDocuments(deps.store, input),
    searchReceipts: (input) => searchReceipts(deps.store, input),
    statistics: (input) => computeStatistics({ ...watch, ...(deps.signatureVerdict ? { signatureVerdict: deps.signatureVerdict } : {}) }, { ...input, now: now() }),
    signatures: (documentId) => packageSignatures(deps.store, documentId),
    deadlines: (input) => listDeadlines(watch, { ...input, now: now(), watchDays: deps.watchDays }),
  };
}
