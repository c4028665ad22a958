/** The archive's CSV exports (receipts, statistics), the same from the REST API and from the web UI. */
import { formatVietnamTime } from '../calendar/index.js';
import type { SignatureShare, StatisticsRow } from '../exchange/archive/statistics-accumulator.js';
import type { StatisticsReport } from '../exchange/archive/statistics.js';
import type { ReceiptRecord, StatusCode } from '../exchange/model/index.js';
import { csvDocument, type CsvCell } from './csv.js';

const STATUS_CODES: readonly StatusCode[] = ['01', '02', '03', '04', '05', '06', '13', '15', '16'];

export function receiptsCsv(receipts: readonly ReceiptRecord[]): string {
  const header = ['seq', 'receipt_id', 'type', 'at', 'at_vietnam', 'document_id', 'package_id', 'delivery_id', 'parties', 'code', 'status_code', 'hash', 'prev_hash', 'signer_fingerprint'];
  return csvDocument(header, receipts.map((r) => [
    r.seq, r.id, r.type, r.at, formatVietnamTime(r.at, { seconds: true }), r.documentId, r.envelopeId, r.deliveryId, r.parties.join(' '),
    detailText(r, 'code'), detailText(r, 'statusCode'), r.hash, r.prevHash, r.signerFingerprint,
  ]));
}

function detailText(r: ReceiptRecord, key: string): string | undefined {
  const value = r.detail?.[key];
  return typeof value === 'string' ? value : undefined;
}

const share = (s: SignatureShare): CsvCell => (s.state === 'unknown' ? 'unknown' : s.share);

export function statisticsCsv(report: StatisticsReport): string {
  const header = [
    'agency', 'period', 'period_start', 'period_end', 'documents_sent', 'documents_received',
    ...STATUS_CODES.map((c) => `status_${c}`),
    'official_signature_share', 'agency_seal_share', 'on_time', 'late', 'not_yet_due', 'on_time_share',
    'to_01_count', 'to_01_median_seconds', 'to_01_p95_seconds', 'to_03_count', 'to_03_median_seconds', 'to_03_p95_seconds',
    'dead_letters', 'refusals',
  ];
  const line = (r: StatisticsRow): CsvCell[] => [
    r.agency, r.period, r.periodStart, r.periodEnd, r.documentsSent, r.documentsReceived,
    ...STATUS_CODES.map((c) => r.statuses[c] ?? 0),
    share(r.officialSignatures), share(r.agencySeals), r.timeLimits.onTime, r.timeLimits.late, r.timeLimits.open, r.timeLimits.onTimeShare,
    r.deliveryTo01.count, r.deliveryTo01.medianSeconds, r.deliveryTo01.p95Seconds, r.deliveryTo03.count, r.deliveryTo03.medianSeconds, r.deliveryTo03.p95Seconds,
    r.deadLetters, Object.entries(r.refusals).map(([code, n]) => `${code}=${n}`).join(' '),
  ];
  return csvDocument(header, [...report.rows, ...report.totals].map(line));
}
