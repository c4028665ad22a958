/**
 * The periods reports are grouped by, as people in Vietnam count them: a day, an ISO week (Monday to Sunday), a month,
 * a quarter or a year, in Vietnam's time. Each period has a key people read (`2026-03-16`, `2026-W12`, `2026-03`,
 * `2026-Q1`, `2026`) and its instants [start, end).
 */
import { addDays, instantOf, isoWeekdayOf, localPartsOf, type LocalDate } from './vietnam-clock.js';

export type PeriodUnit = 'day' | 'week' | 'month' | 'quarter' | 'year';
export const PERIOD_UNITS: readonly PeriodUnit[] = ['day', 'week', 'month', 'quarter', 'year'];

export interface ReportPeriod {
  key: string;
  start: Date;
  /** The start of the next period. */
  end: Date;
}

const pad = (n: number) => String(n).padStart(2, '0');

function firstDayOf(date: LocalDate, unit: PeriodUnit): LocalDate {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  switch (unit) {
    case 'day':
      return date;
    case 'week':
      return addDays(date, 1 - isoWeekdayOf(date));
    case 'month':
      return `${year}-${pad(month)}-01`;
    case 'quarter':
      return `${year}-${pad(Math.floor((month - 1) / 3) * 3 + 1)}-01`;
    case 'year':
      return `${year}-01-01`;
  }
}

function nextFirstDay(first: LocalDate, unit: PeriodUnit): LocalDate {
  const year = Number(first.slice(0, 4));
  const month = Number(first.slice(5, 7));
  const monthsLater = (n: number) => {
    const index = month - 1 + n;
    return `${year + Math.floor(index / 12)}-${pad((index % 12) + 1)}-01`;
  };
  switch (unit) {
    case 'day':
      return addDays(first, 1);
    case 'week':
      return addDays(first, 7);
    case 'month':
      return monthsLater(1);
    case 'quarter':
      return monthsLater(3);
    case 'year':
      return `${year + 1}-01-01`;
  }
}

/** ISO 8601 week key of the week starting on this Monday: the year of its Thursday, and the week number. */
function weekKey(monday: LocalDate): string {
  const thursday = addDays(monday, 3);
  const year = thursday.slice(0, 4);
  const days = (Date.parse(`${thursday}T00:00:00Z`) - Date.parse(`${year}-01-01T00:00:00Z`)) / 86_400_000;
  return `${year}-W${pad(Math.floor(days / 7) + 1)}`;
}

function keyOf(first: LocalDate, unit: PeriodUnit): string {
  switch (unit) {
    case 'day':
      return first;
    case 'week':
      return weekKey(first);
    case 'month':
      return first.slice(0, 7);
    case 'quarter':
      return `${first.slice(0, 4)}-Q${Math.floor((Number(first.slice(5, 7)) - 1) / 3) + 1}`;
    case 'year':
      return first.slice(0, 4);
  }
}

/** The period an instant falls in. */
export function periodOf(instant: Date, unit: PeriodUnit): ReportPeriod {
  const first = firstDayOf(localPartsOf(instant).date, unit);
  return { key: keyOf(first, unit), start: instantOf(first, 0), end: instantOf(nextFirstDay(first, unit), 0) };
}

/** Every period that meets [from, to), in order (at most `max`, so a typo of a year cannot make a million rows). */
export function periodsBetween(from: Date, to: Date, unit: PeriodUnit, max = 5000): ReportPeriod[] {
  const periods: ReportPeriod[] = [];
  for (let period = periodOf(from, unit); period.start < to && periods.length < max; period = periodOf(period.end, unit)) periods.push(period);
  return periods;
}
