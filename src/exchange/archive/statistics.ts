/**
 * Exchange statistics (GET /v1/statistics, the UI): per agency and period, documents sent and received, statuses by
 * code, the shares of documents signed by an official and sealed by the agency, how many first statuses came within
 * the Decree 30 limit, the median and 95th percentile of the time from delivery to 01 and to 03, dead letters and
 * refusals by code. Counted here from the store's archive reads, a page at a time, so a long period never sits in
 * memory whole; every figure is attributed to the period its package was accepted in (a refusal: its receipt's time).
 */
import { AxisError } from '../../errors/axis-error.js';
import { periodOf, periodsBetween, type PeriodUnit, type WorkingCalendar } from '../../calendar/index.js';
import { isNewDocument, type EnvelopeRecord } from '../model/index.js';
import type { EnvelopePosition, Store } from '../ports/index.js';
import { statusDeadline, type DeadlineRules } from '../deadlines/status-deadline.js';
import { statusKey, statusTimesOf } from '../deadlines/status-times.js';
import { deliveredAtOf } from '../deadlines/watched-deliveries.js';
import { recordedSignatureVerdict, type SignatureVerdictReader } from './document-signature-verdict.js';
import { StatisticsAccumulator, type StatisticsRow } from './statistics-accumulator.js';

export interface StatisticsInput {
  from: Date;
  to: Date;
  groupBy: PeriodUnit;
  agency?: string;
  now: Date;
}

export interface StatisticsReport {
  from: string;
  to: string;
  groupBy: PeriodUnit;
  timeZone: 'Asia/Ho_Chi_Minh';
  agency?: string;
  /** One row per agency and period with something to count (every period for the agency asked about). */
  rows: StatisticsRow[];
  /** One row per period of the range, all agencies together (agency `*`). */
  totals: StatisticsRow[];
  generatedAt: string;
}

export interface StatisticsDeps {
  store: Store;
  calendar: WorkingCalendar;
  rules: DeadlineRules;
  signatureVerdict?: SignatureVerdictReader;
}

const SCAN_PAGE = 500;
/** More periods than any report shows: a range of decades by day is refused rather than computed. */
export const MAX_PERIODS = 1000;

export async function computeStatistics(deps: StatisticsDeps, input: StatisticsInput): Promise<StatisticsReport> {
  const verdictOf = deps.signatureVerdict ?? recordedSignatureVerdict;
  const periods = periodsBetween(input.from, input.to, input.groupBy, MAX_PERIODS + 1);
  if (periods.length > MAX_PERIODS) {
    throw new AxisError('ARCHIVE_PERIOD_TOO_LONG', `The statistics would have more than ${MAX_PERIODS} periods: group by a longer period (week, month, quarter, year) or ask for a shorter range.`, { max: MAX_PERIODS });
  }
  const totals = new Map(periods.map((p) => [p.key, new StatisticsAccumulator('*', p)]));
  const rows = new Map<string, StatisticsAccumulator>();
  const wanted = (agency: string) => input.agency === undefined || agency === input.agency;
  /** The accumulators an event of `agency` at `at` counts in: its own row and its period's total. */
  const counted = (agency: string, at: string | Date): StatisticsAccumulator[] => {
    if (!wanted(agency)) return [];
    const period = periodOf(new Date(at), input.groupBy);
    const total = totals.get(period.key);
    if (!total) return [];
    const key = JSON.stringify([agency, period.key]);
    let row = rows.get(key);
    if (!row) rows.set(key, (row = new StatisticsAccumulator(agency, period)));
    return [row, total];
  };
  if (input.agency !== undefined) for (const p of periods) counted(input.agency, p.start);

  const range = { acceptedFrom: input.from.toISOString(), acceptedTo: input.to.toISOString(), ...(input.agency ? { agency: input.agency } : {}) };
  let before: EnvelopePosition | undefined;
  for (;;) {
    const page = await deps.store.archive.listAcceptedEnvelopes({ ...range, ...(before ? { before } : {}), limit: SCAN_PAGE });
    await countPage(deps, input, page.items, counted, verdictOf);
    if (!page.next) break;
    before = page.next;
  }
  let after: number | undefined;
  for (;;) {
    const refusals = await deps.store.archive.searchReceipts({ type: 'rejected', atFrom: range.acceptedFrom, atTo: range.acceptedTo, ...(input.agency ? { organId: input.agency } : {}), ...(after !== undefined ? { after } : {}), limit: SCAN_PAGE });
    for (const receipt of refusals) {
      const code = typeof receipt.detail?.['code'] === 'string' ? receipt.detail['code'] : 'UNKNOWN';
      for (const acc of counted(receipt.parties[0] ?? '', receipt.at)) acc.refusals[code] = (acc.refusals[code] ?? 0) + 1;
    }
    if (refusals.length < SCAN_PAGE) break;
    after = refusals.at(-1)!.seq;
  }

  const byAgencyThenPeriod = (a: StatisticsRow, b: StatisticsRow) => (a.agency < b.agency ? -1 : a.agency > b.agency ? 1 : a.periodStart < b.periodStart ? -1 : 1);
  return {
    from: input.from.toISOString(),
    to: input.to.toISOString(),
    groupBy: input.groupBy,
    timeZone: 'Asia/Ho_Chi_Minh',
    ...(input.agency ? { agency: input.agency } : {}),
    rows: [...rows.values()].map((r) => r.row()).sort(byAgencyThenPeriod),
    totals: [...totals.values()].map((t) => t.row()),
    generatedAt: input.now.toISOString(),
  };
}

async function countPage(
  deps: StatisticsDeps,
  input: StatisticsInput,
  envelopes: readonly EnvelopeRecord[],
  counted: (agency: string, at: string | Date) => StatisticsAccumulator[],
  verdictOf: SignatureVerdictReader,
): Promise<void> {
  const documents = envelopes.filter(isNewDocument);
  for (const e of envelopes) {
    if (e.kind === 'status' && e.statusCode) for (const acc of counted(e.fromOrganId, e.acceptedAt)) acc.statuses[e.statusCode] = (acc.statuses[e.statusCode] ?? 0) + 1;
  }
  for (const e of documents) {
    const verdict = verdictOf(e);
    for (const acc of counted(e.fromOrganId, e.acceptedAt)) {
      acc.sent += 1;
      if (verdict) acc.verdicts.push(verdict);
    }
  }
  if (documents.length === 0) return;
  const byId = new Map(documents.map((e) => [e.id, e]));
  const [deliveries, statuses] = await Promise.all([
    deps.store.archive.listDeliveriesOfEnvelopes(documents.map((e) => e.id)),
    deps.store.archive.listStatusEnvelopesAbout([...new Set(documents.map((e) => e.documentId))]),
  ]);
  const times = statusTimesOf(statuses);
  for (const d of deliveries) {
    const e = byId.get(d.envelopeId);
    if (!e) continue;
    const accs = counted(d.recipientOrganId, e.acceptedAt);
    if (accs.length === 0) continue;
    const arrived = deliveredAtOf(d);
    const status = times.get(statusKey(e.documentId, e.fromOrganId, d.recipientOrganId));
    const dueAt = arrived && !e.revokedAt ? statusDeadline(deps.calendar, deps.rules, new Date(arrived), e.priority).dueAt : undefined;
    const secondsTo = (at: string | undefined) => (at && arrived ? Math.max(0, (Date.parse(at) - Date.parse(arrived)) / 1000) : undefined);
    for (const acc of accs) {
      acc.received += 1;
      if (d.state === 'dead') acc.deadLetters += 1;
      if (dueAt) {
        const answered = status ? Date.parse(status.firstAt) : undefined;
        if (answered !== undefined && answered <= dueAt.getTime()) acc.onTime += 1;
        else if (answered !== undefined || input.now.getTime() >= dueAt.getTime()) acc.late += 1;
        else acc.open += 1;
      }
      const to01 = secondsTo(status?.first01At);
      const to03 = secondsTo(status?.first03At);
      if (to01 !== undefined) acc.to01.push(to01);
      if (to03 !== undefined) acc.to03.push(to03);
    }
  }
}
