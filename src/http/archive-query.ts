/**
 * The query parameters of the archive's reads, read the same way by the REST dialect and the web UI: dates as people
 * give them (a day, `2026-03-16`, in Vietnam's time, or an instant with its zone), agency codes, status codes, receipt
 * types, periods, cursors. A value that cannot be one is HTTP_QUERY_INVALID, naming the parameter.
 */
import type { Request } from 'express';
import { addDays, instantOf, isLocalDate, PERIOD_UNITS, type PeriodUnit } from '../calendar/index.js';
import { isOrganId } from '../edxml/organ-id.js';
import { RECEIPT_TYPES, type ReceiptType, type StatusCode } from '../exchange/model/index.js';
import type { EnvelopePosition } from '../exchange/ports/index.js';
import { HttpError } from './problem.js';

const STATUS_CODES: readonly StatusCode[] = ['01', '02', '03', '04', '05', '06', '13', '15', '16'];
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const invalid = (name: string, what: string) => new HttpError(400, 'HTTP_QUERY_INVALID', `Query parameter "${name}" ${what}.`);

/** A single text parameter (a repeated one is refused), empty taken as absent. */
export function textParam(req: Request, name: string, maxLength = 200): string | undefined {
  const raw = req.query[name];
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') throw invalid(name, 'must be given once');
  if (raw.length > maxLength) throw invalid(name, `must be at most ${maxLength} characters`);
  return raw;
}

/**
 * `from`/`to` as an ISO instant. A day (YYYY-MM-DD) is a day in Vietnam: `from` its first instant, `to` the first
 * instant of the next day, so `from=2026-03-01&to=2026-03-31` is the whole of March.
 */
export function instantParam(req: Request, name: 'from' | 'to'): string | undefined {
  const raw = textParam(req, name, 40);
  if (raw === undefined) return undefined;
  if (isLocalDate(raw)) return instantOf(name === 'to' ? addDays(raw, 1) : raw, 0).toISOString();
  const at = INSTANT.test(raw) ? new Date(raw) : undefined;
  if (!at || Number.isNaN(at.getTime())) throw invalid(name, 'must be a day (2026-03-16) or an instant with its zone (2026-03-16T08:00:00+07:00)');
  return at.toISOString();
}

export function agencyParam(req: Request, name = 'agency'): string | undefined {
  const raw = textParam(req, name, 64);
  if (raw !== undefined && !isOrganId(raw, 'identifier')) throw invalid(name, 'must be an agency code (OrganId)');
  return raw;
}

export function statusParam(req: Request): StatusCode | 'none' | undefined {
  const raw = textParam(req, 'status', 4);
  if (raw === undefined) return undefined;
  if (raw !== 'none' && !(STATUS_CODES as readonly string[]).includes(raw)) throw invalid('status', `must be one of ${STATUS_CODES.join(', ')} or none`);
  return raw as StatusCode | 'none';
}

export function receiptTypeParam(req: Request): ReceiptType | undefined {
  const raw = textParam(req, 'type', 20);
  if (raw !== undefined && !(RECEIPT_TYPES as readonly string[]).includes(raw)) throw invalid('type', `must be one of ${RECEIPT_TYPES.join(', ')}`);
  return raw as ReceiptType | undefined;
}

export function periodParam(req: Request, fallback: PeriodUnit): PeriodUnit {
  const raw = textParam(req, 'groupBy', 10);
  if (raw === undefined) return fallback;
  if (!(PERIOD_UNITS as readonly string[]).includes(raw)) throw invalid('groupBy', `must be one of ${PERIOD_UNITS.join(', ')}`);
  return raw as PeriodUnit;
}

export function intParam(req: Request, name: string, min: number, max: number): number | undefined {
  const raw = textParam(req, name, 16);
  if (raw === undefined) return undefined;
  if (!/^\d{1,15}$/.test(raw) || Number(raw) < min || Number(raw) > max) throw invalid(name, `must be a whole number from ${min} to ${max}`);
  return Number(raw);
}

export function formatParam(req: Request): 'json' | 'csv' {
  const raw = textParam(req, 'format', 10);
  if (raw !== undefined && raw !== 'json' && raw !== 'csv') throw invalid('format', 'must be json or csv');
  return raw === 'csv' ? 'csv' : 'json';
}

/** A document search cursor as clients carry it: the position of the last document looked at, base64url JSON. */
export function encodeDocumentCursor(position: EnvelopePosition): string {
  return Buffer.from(JSON.stringify([position.acceptedAt, position.id]), 'utf8').toString('base64url');
}

export function documentCursorParam(req: Request): EnvelopePosition | undefined {
  const raw = textParam(req, 'cursor', 400);
  if (raw === undefined) return undefined;
  try {
    const [acceptedAt, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown[];
    if (typeof acceptedAt === 'string' && INSTANT.test(acceptedAt) && typeof id === 'string' && id.length > 0 && id.length <= 200) return { acceptedAt, id };
  } catch {
    // The same answer as any other cursor the axis did not hand out.
  }
  throw invalid('cursor', 'is not a cursor this search handed out');
}

/** `from` before `to` when both are given. */
export function assertRange(from: string | undefined, to: string | undefined): void {
  if (from !== undefined && to !== undefined && from >= to) throw invalid('to', 'must come after "from"');
}
