/**
 * The exchange use-cases, independent of any HTTP dialect: the REST gateway (src/http) and the VDXP protocol call
 * the same functions. Built from ports (store, queue), an inspector and the receipt exporter.
 */
import { acknowledge, describePackage, fetchPackage, getReport, listInbox, type AcknowledgeResult, type FetchedPackage, type InboxItem, type PackageHead, type PackageReport } from './receive-package.js';
import { timeline, type DocumentTimeline, type TimelineInput } from './document-timeline.js';
import { contextOf, type ExchangeDeps } from './exchange-deps.js';
import { partyAmong } from './party-access.js';
import { listPartyReceipts, type PartyReceipts, type PartyReceiptsInput } from './party-receipts.js';
import { listSentPackages, type SentPackage, type SentPackagesInput } from './sent-packages.js';
import { submitPackage, type SubmitInput, type SubmitResult } from './submit-package.js';

export interface PartyRequest {
  organId: string;
  envelopeId: string;
}

export interface Exchange {
  /** Flow 1: check and accept a package (202 created / 200 duplicate with the original receipt), or throw a coded error. */
  submitPackage(input: SubmitInput): Promise<SubmitResult>;
  listInbox(input: { organId: string; after?: number; limit?: number }): Promise<{ items: InboxItem[]; nextCursor?: string }>;
  /** The raw bytes byte-exact; a recipient's first fetch records a receipt. Non-parties get EXCHANGE_NOT_FOUND. */
  fetchPackage(input: PartyRequest): Promise<FetchedPackage>;
  /** What fetchPackage would send, without the bytes and without recording a download. */
  describePackage(input: PartyRequest): Promise<PackageHead>;
  getReport(input: PartyRequest): Promise<PackageReport>;
  acknowledge(input: PartyRequest): Promise<AcknowledgeResult>;
  timeline(input: TimelineInput): Promise<DocumentTimeline>;
  /** The receipts the agency is party to (its `rejected` refusals included), signed, in chain order. */
  listReceipts(input: PartyReceiptsInput): Promise<PartyReceipts>;
  /** What the agencies sent lately (or one package they sent), with each recipient's delivery. */
  listSent(input: SentPackagesInput): Promise<SentPackage[]>;
  /** Which of the agencies (one connected system's) is party to a package: a recipient first, else the sender. */
  findParty(input: { envelopeId: string; organIds: readonly string[] }): Promise<{ organId: string; role: 'sender' | 'recipient' }>;
}

export function createExchangeUseCases(deps: ExchangeDeps): Exchange {
  const ctx = contextOf(deps);
  return {
    submitPackage: (input) => submitPackage(ctx, input),
    listInbox: (input) => listInbox(ctx, input),
    fetchPackage: (input) => fetchPackage(ctx, input),
    describePackage: (input) => describePackage(ctx, input),
    getReport: (input) => getReport(ctx, input),
    acknowledge: (input) => acknowledge(ctx, input),
    timeline: (input) => timeline(ctx, input),
    listReceipts: (input) => listPartyReceipts(ctx, input),
    listSent: (input) => listSentPackages(ctx, input),
    findParty: (input) => partyAmong(ctx.store, input.envelopeId, input.organIds),
  };
}
