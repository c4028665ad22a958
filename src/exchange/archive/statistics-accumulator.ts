/**
 * One row of the exchange statistics while it is counted (an agency in a period, or all agencies in a period), and
 * the figures it ends as: counts, shares, and the median and 95th percentile of the time from delivery to a status.
 */
import type { StatusCode } from '../model/index.js';
import type { DocumentSignatureVerdict } from './document-signature-verdict.js';

/** The share of the documents whose recorded verdict says signed; `unknown` when none of them has a verdict recorded. */
export type SignatureShare = { state: 'unknown' } | { state: 'known'; documents: number; signed: number; share: number };

export interface TimeToStatus {
  /** Deliveries whose recipient sent this status. */
  count: number;
  /** Seconds from delivery to the status: the median (mean of the two middle values for an even count). */
  medianSeconds: number | null;
  /** ... and the 95th percentile, by nearest rank. */
  p95Seconds: number | null;
}

export interface StatisticsRow {
  /** An OrganId, or `*` for all agencies together. */
  agency: string;
  /** The period's key (2026-03-16, 2026-W12, 2026-03, 2026-Q1, 2026). */
  period: string;
  periodStart: string;
  periodEnd: string;
  /** New documents the agency sent in the period. */
  documentsSent: number;
  /** New documents addressed to the agency in the period (one per delivery). */
  documentsReceived: number;
  /** Status packages the agency sent in the period, by code. */
  statuses: Partial<Record<StatusCode, number>>;
  /** Of the documents the agency sent: the share whose PDFs carry a valid official's signature, and an agency seal. */
  officialSignatures: SignatureShare;
  agencySeals: SignatureShare;
  /** Of the documents delivered to the agency: first status within the Decree 30 limit, after it (or still missing past it), or not yet due. */
  timeLimits: { onTime: number; late: number; open: number; onTimeShare: number | null };
  deliveryTo01: TimeToStatus;
  deliveryTo03: TimeToStatus;
  /** Deliveries to the agency that are dead letters now. */
  deadLetters: number;
  /** Packages the axis refused from the agency in the period, by error code. */
  refusals: Record<string, number>;
}

export class StatisticsAccumulator {
  sent = 0;
  received = 0;
  statuses: Partial<Record<StatusCode, number>> = {};
  verdicts: DocumentSignatureVerdict[] = [];
  onTime = 0;
  late = 0;
  open = 0;
  to01: number[] = [];
  to03: number[] = [];
  deadLetters = 0;
  refusals: Record<string, number> = {};

  constructor(readonly agency: string, readonly period: { key: string; start: Date; end: Date }) {}

  row(): StatisticsRow {
    const judged = this.onTime + this.late;
    return {
      agency: this.agency,
      period: this.period.key,
      periodStart: this.period.start.toISOString(),
      periodEnd: this.period.end.toISOString(),
      documentsSent: this.sent,
      documentsReceived: this.received,
      statuses: sortedKeys(this.statuses),
      officialSignatures: shareOf(this.verdicts, (v) => v.officialSignature),
      agencySeals: shareOf(this.verdicts, (v) => v.agencySeal),
      timeLimits: { onTime: this.onTime, late: this.late, open: this.open, onTimeShare: judged === 0 ? null : round(this.onTime / judged) },
      deliveryTo01: timeTo(this.to01),
      deliveryTo03: timeTo(this.to03),
      deadLetters: this.deadLetters,
      refusals: sortedKeys(this.refusals),
    };
  }
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;

function sortedKeys<T extends Record<string, number | undefined>>(counts: T): T {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1))) as T;
}

function shareOf(verdicts: readonly DocumentSignatureVerdict[], signed: (v: DocumentSignatureVerdict) => boolean): SignatureShare {
  if (verdicts.length === 0) return { state: 'unknown' };
  const count = verdicts.filter(signed).length;
  return { state: 'known', documents: verdicts.length, signed: count, share: round(count / verdicts.length) };
}

export function timeTo(samples: readonly number[]): TimeToStatus {
  if (samples.length === 0) return { count: 0, medianSeconds: null, p95Seconds: null };
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  const p95 = sorted[Math.ceil(0.95 * sorted.length) - 1]!;
  return { count: sorted.length, medianSeconds: median, p95Seconds: p95 };
}
