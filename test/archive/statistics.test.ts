/**
 * Exchange statistics against a fixture computed by hand: two months of documents, deliveries, statuses and refusals
 * between three agencies, at chosen instants, in a real embedded store.
 *
 *   D1 G22 -> H41 (pull), K01 (push 2xx 10 s later)  Mon 02/03 09:00  H41: 01 at 10:00, 03 Tue 11:00; K01: 01 Wed 09:00
 *   D2 H41 -> G22 (pull), Priority 2                 Thu 05/03 16:30  G22: 03 Fri 09:00 (limit Fri 09:30)
 *   D3 G22 -> H41, dead letter                        Mon 30/03 10:00
 *   refusals: G22 EDXML_SCHEMA_INVALID 10/03, K01 SIG_CERT_UNTRUSTED 11/03
 *   D4 G22 -> K01 (push 2xx), no status              Thu 02/04 15:00  (limit Fri 03/04 17:00: late)
 *   D5 K01 -> G22 (pull), no status                  Thu 16/04 10:00  (limit Fri 17/04 17:00: not yet due)
 *   now: Thu 16/04/2026 12:00
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArchive, type Archive } from '../../src/exchange/archive/create-archive.js';
import { DECREE_30_RULES } from '../../src/exchange/deadlines/status-deadline.js';
import type { Store } from '../../src/exchange/ports/index.js';
import type { EnvelopeRecord } from '../../src/exchange/model/index.js';
import { statisticsCsv } from '../../src/http/archive-csv.js';
import { shippedCalendar } from '../calendar/shipped-calendar.js';
import { G22, H41, K01 } from '../store/records.js';
import { documentAt, openArchiveStore, refusalAt, statusAt, vnIso } from './archive-records.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'edx-statistics-'));
let store: Store;
let archive: Archive;
const docs: Record<string, EnvelopeRecord> = {};
const range = { from: new Date(vnIso('2026-03-01 00:00')), to: new Date(vnIso('2026-05-01 00:00')) };
const UNKNOWN = { state: 'unknown' };
const none = { count: 0, medianSeconds: null, p95Seconds: null };

beforeAll(async () => {
  store = await openArchiveStore(dataDir);
  const d1 = await documentAt(store, { at: vnIso('2026-03-02 09:00'), from: G22, to: [H41, K01], priority: 0, deliveries: { [K01]: { state: 'delivered', attempts: 1, deliveredAt: vnIso('2026-03-02 09:00').replace('00.000Z', '10.000Z') } } });
  await statusAt(store, vnIso('2026-03-02 10:00'), H41, d1, '01', undefined);
  await statusAt(store, vnIso('2026-03-03 11:00'), H41, d1, '03', '01');
  await statusAt(store, vnIso('2026-03-04 09:00'), K01, d1, '01', undefined);
  const d2 = await documentAt(store, { at: vnIso('2026-03-05 16:30'), from: H41, to: [G22], priority: 2 });
  await statusAt(store, vnIso('2026-03-06 09:00'), G22, d2, '03', undefined);
  const d3 = await documentAt(store, { at: vnIso('2026-03-30 10:00'), from: G22, to: [H41], deliveries: { [H41]: { state: 'dead', attempts: 5 } } });
  await refusalAt(store, vnIso('2026-03-10 11:00'), G22, 'EDXML_SCHEMA_INVALID');
  await refusalAt(store, vnIso('2026-03-11 11:00'), K01, 'SIG_CERT_UNTRUSTED');
  const d4 = await documentAt(store, { at: vnIso('2026-04-02 15:00'), from: G22, to: [K01], deliveries: { [K01]: { state: 'delivered', attempts: 1, deliveredAt: vnIso('2026-04-02 15:00') } } });
  const d5 = await documentAt(store, { at: vnIso('2026-04-16 10:00'), from: K01, to: [G22] });
  // Outside the range: counted nowhere.
  await documentAt(store, { at: vnIso('2026-05-01 00:00'), from: G22, to: [K01] });
  Object.assign(docs, { d1, d2, d3, d4, d5 });
  archive = createArchive({ store, calendar: shippedCalendar(), rules: DECREE_30_RULES, watchDays: 60, clock: () => new Date(vnIso('2026-04-16 12:00')) });
});
afterAll(async () => {
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const march = { period: '2026-03', periodStart: vnIso('2026-03-01 00:00'), periodEnd: vnIso('2026-04-01 00:00') };
const april = { period: '2026-04', periodStart: vnIso('2026-04-01 00:00'), periodEnd: vnIso('2026-05-01 00:00') };

describe('statistics by month, computed by hand', () => {
  it('counts every agency in every month with something to count', async () => {
    const report = await archive.statistics({ ...range, groupBy: 'month' });
    expect(report).toMatchObject({ from: range.from.toISOString(), to: range.to.toISOString(), groupBy: 'month', timeZone: 'Asia/Ho_Chi_Minh', generatedAt: vnIso('2026-04-16 12:00') });
    expect(report.rows).toEqual([
      {
        agency: G22, ...march, documentsSent: 2, documentsReceived: 1, statuses: { '03': 1 },
        officialSignatures: UNKNOWN, agencySeals: UNKNOWN,
        timeLimits: { onTime: 1, late: 0, open: 0, onTimeShare: 1 },
        deliveryTo01: none, deliveryTo03: { count: 1, medianSeconds: 59_400, p95Seconds: 59_400 },
        deadLetters: 0, refusals: { EDXML_SCHEMA_INVALID: 1 },
      },
      {
        agency: G22, ...april, documentsSent: 1, documentsReceived: 1, statuses: {},
        officialSignatures: UNKNOWN, agencySeals: UNKNOWN,
        timeLimits: { onTime: 0, late: 0, open: 1, onTimeShare: null },
        deliveryTo01: none, deliveryTo03: none, deadLetters: 0, refusals: {},
      },
      {
        agency: H41, ...march, documentsSent: 1, documentsReceived: 2, statuses: { '01': 1, '03': 1 },
        officialSignatures: UNKNOWN, agencySeals: UNKNOWN,
        timeLimits: { onTime: 1, late: 0, open: 0, onTimeShare: 1 },
        deliveryTo01: { count: 1, medianSeconds: 3600, p95Seconds: 3600 }, deliveryTo03: { count: 1, medianSeconds: 93_600, p95Seconds: 93_600 },
        deadLetters: 1, refusals: {},
      },
      {
        agency: K01, ...march, documentsSent: 0, documentsReceived: 1, statuses: { '01': 1 },
        officialSignatures: UNKNOWN, agencySeals: UNKNOWN,
        timeLimits: { onTime: 0, late: 1, open: 0, onTimeShare: 0 },
        deliveryTo01: { count: 1, medianSeconds: 172_790, p95Seconds: 172_790 }, deliveryTo03: none,
        deadLetters: 0, refusals: { SIG_CERT_UNTRUSTED: 1 },
      },
      {
        agency: K01, ...april, documentsSent: 1, documentsReceived: 1, statuses: {},
        officialSignatures: UNKNOWN, agencySeals: UNKNOWN,
        timeLimits: { onTime: 0, late: 1, open: 0, onTimeShare: 0 },
        deliveryTo01: none, deliveryTo03: none, deadLetters: 0, refusals: {},
      },
    ]);
  });

  it('totals each month over all agencies, percentiles over all their deliveries', async () => {
    const { totals } = await archive.statistics({ ...range, groupBy: 'month' });
    expect(totals).toEqual([
      {
        agency: '*', ...march, documentsSent: 3, documentsReceived: 4, statuses: { '01': 2, '03': 2 },
        officialSignatures: UNKNOWN, agencySeals: UNKNOWN,
        timeLimits: { onTime: 2, late: 1, open: 0, onTimeShare: 0.6667 },
        // 3600 and 172790: the median is their mean, the 95th percentile (nearest rank) the larger
        deliveryTo01: { count: 2, medianSeconds: 88_195, p95Seconds: 172_790 },
        deliveryTo03: { count: 2, medianSeconds: 76_500, p95Seconds: 93_600 },
        deadLetters: 1, refusals: { EDXML_SCHEMA_INVALID: 1, SIG_CERT_UNTRUSTED: 1 },
      },
      {
        agency: '*', ...april, documentsSent: 2, documentsReceived: 2, statuses: {},
        officialSignatures: UNKNOWN, agencySeals: UNKNOWN,
        timeLimits: { onTime: 0, late: 1, open: 1, onTimeShare: 0 },
        deliveryTo01: none, deliveryTo03: none, deadLetters: 0, refusals: {},
      },
    ]);
  });

  it('for one agency: only its figures, in every month of the range (zero when nothing happened)', async () => {
    const report = await archive.statistics({ ...range, groupBy: 'month', agency: H41 });
    expect(report.rows.map((r) => [r.agency, r.period, r.documentsSent, r.documentsReceived, r.deadLetters])).toEqual([[H41, '2026-03', 1, 2, 1], [H41, '2026-04', 0, 0, 0]]);
    expect(report.totals.map((r) => [r.period, r.documentsSent, r.documentsReceived, r.refusals])).toEqual([['2026-03', 1, 2, {}], ['2026-04', 0, 0, {}]]);
  });

  it('by day and by quarter, the same events in other periods', async () => {
    const byDay = await archive.statistics({ from: new Date(vnIso('2026-03-02 00:00')), to: new Date(vnIso('2026-03-07 00:00')), groupBy: 'day' });
    expect(byDay.totals.map((t) => [t.period, t.documentsSent, t.statuses])).toEqual([
      ['2026-03-02', 1, { '01': 1 }], ['2026-03-03', 0, { '03': 1 }], ['2026-03-04', 0, { '01': 1 }], ['2026-03-05', 1, {}], ['2026-03-06', 0, { '03': 1 }],
    ]);
    const byQuarter = await archive.statistics({ ...range, groupBy: 'quarter' });
    expect(byQuarter.totals.map((t) => [t.period, t.documentsSent, t.documentsReceived, t.timeLimits])).toEqual([
      ['2026-Q1', 3, 4, { onTime: 2, late: 1, open: 0, onTimeShare: 0.6667 }],
      ['2026-Q2', 2, 2, { onTime: 0, late: 1, open: 1, onTimeShare: 0 }],
    ]);
  });

  it('counts the signature shares once documents carry a verdict', async () => {
    const verdicts = new Map([[docs['d1']!.id, { officialSignature: true, agencySeal: true }], [docs['d3']!.id, { officialSignature: true, agencySeal: false }]]);
    const withVerdicts = createArchive({ store, calendar: shippedCalendar(), rules: DECREE_30_RULES, watchDays: 60, signatureVerdict: (e) => verdicts.get(e.id) });
    const [g22March] = (await withVerdicts.statistics({ ...range, groupBy: 'month', agency: G22 })).rows;
    expect(g22March).toMatchObject({
      officialSignatures: { state: 'known', documents: 2, signed: 2, share: 1 },
      agencySeals: { state: 'known', documents: 2, signed: 1, share: 0.5 },
    });
  });

  it('refuses a range with too many periods', async () => {
    await expect(archive.statistics({ from: new Date('2000-01-01T00:00:00Z'), to: new Date('2026-01-01T00:00:00Z'), groupBy: 'day' })).rejects.toMatchObject({ code: 'ARCHIVE_PERIOD_TOO_LONG' });
  });

  it('writes the same figures as CSV, one line per row then the totals', async () => {
    const csv = statisticsCsv(await archive.statistics({ ...range, groupBy: 'month' }));
    expect(csv.startsWith('\uFEFFagency,period,')).toBe(true);
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + 5 + 2);
    const header = lines[0]!.split(',');
    const row = (agency: string, period: string) => {
      const cells = lines.find((l) => l.startsWith(`${agency},${period},`))!.split(',');
      return Object.fromEntries(header.map((h, i) => [h, cells[i]]));
    };
    expect(row(K01, '2026-03')).toMatchObject({ documents_received: '1', status_01: '1', on_time: '0', late: '1', on_time_share: '0', to_01_median_seconds: '172790', official_signature_share: 'unknown', refusals: 'SIG_CERT_UNTRUSTED=1' });
    expect(row('*', '2026-03')).toMatchObject({ documents_sent: '3', on_time_share: '0.6667', to_03_p95_seconds: '93600', dead_letters: '1' });
  });
});
