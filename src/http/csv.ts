/**
 * CSV as people open it (RFC 4180, CRLF), for Excel on a Vietnamese desktop: UTF-8 with a byte-order mark, or the
 * diacritics come out garbled. A text cell that a spreadsheet would run as a formula (=, +, -, @ first) is prefixed
 * with an apostrophe: the cells carry what agencies wrote (a subject, an error message), never code to execute.
 */
import type { Response } from 'express';

export type CsvCell = string | number | boolean | null | undefined;

const FORMULA = /^[=+\-@\t\r]/;

function cell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const safe = FORMULA.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(cells: readonly CsvCell[]): string {
  return `${cells.map(cell).join(',')}\r\n`;
}

export function csvDocument(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return `\uFEFF${csvLine(header)}${rows.map(csvLine).join('')}`;
}

/** Sends a CSV file as a download named `filename`. */
export function sendCsv(res: Response, filename: string, body: string): void {
  res.set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`, 'Cache-Control': 'no-store' }).send(body);
}
