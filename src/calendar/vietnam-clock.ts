/**
 * Local dates and times of Asia/Ho_Chi_Minh. Vietnam keeps UTC+7 all year (no daylight saving since 1975), so a fixed
 * offset is the zone exactly: arithmetic on it never meets a missing or repeated hour, whatever the host's zone.
 */
import { CalendarError } from './calendar-error.js';

export const VIETNAM_UTC_OFFSET_MINUTES = 7 * 60;
const OFFSET_MS = VIETNAM_UTC_OFFSET_MINUTES * 60_000;
const DAY_MS = 24 * 60 * 60_000;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar day in Vietnam, `YYYY-MM-DD`. */
export type LocalDate = string;

/** The instant as Vietnam's clocks show it: the day, and minutes since local midnight. */
export function localPartsOf(instant: Date): { date: LocalDate; minutes: number } {
  const shifted = new Date(instant.getTime() + OFFSET_MS);
  return { date: shifted.toISOString().slice(0, 10), minutes: shifted.getUTCHours() * 60 + shifted.getUTCMinutes() + shifted.getUTCSeconds() / 60 + shifted.getUTCMilliseconds() / 60_000 };
}

/** The instant of `minutes` after local midnight on `date` in Vietnam. */
export function instantOf(date: LocalDate, minutes: number): Date {
  return new Date(utcMidnightOf(date) - OFFSET_MS + minutes * 60_000);
}

/** The day after (or `days` after) a local date. */
export function addDays(date: LocalDate, days: number): LocalDate {
  return new Date(utcMidnightOf(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday of a local date: 1 Monday ... 7 Sunday. */
export function isoWeekdayOf(date: LocalDate): number {
  const day = new Date(utcMidnightOf(date)).getUTCDay();
  return day === 0 ? 7 : day;
}

/** Whether a text is a real calendar date written YYYY-MM-DD (2026-02-30 is not). */
export function isLocalDate(text: string): boolean {
  const match = LOCAL_DATE.exec(text);
  if (!match) return false;
  const at = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return at.toISOString().slice(0, 10) === text;
}

function utcMidnightOf(date: LocalDate): number {
  if (!isLocalDate(date)) throw new CalendarError('CALENDAR_DATE_INVALID', `"${date.slice(0, 20)}" is not a date written YYYY-MM-DD.`);
  return Date.parse(`${date}T00:00:00Z`);
}

/** An instant as people in Vietnam write it: `dd/MM/yyyy HH:mm` (with `:ss` when asked). */
export function formatVietnamTime(instant: Date | string, options: { seconds?: boolean } = {}): string {
  const at = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(at.getTime())) return '';
  const shifted = new Date(at.getTime() + OFFSET_MS).toISOString();
  const time = options.seconds ? shifted.slice(11, 19) : shifted.slice(11, 16);
  return `${shifted.slice(8, 10)}/${shifted.slice(5, 7)}/${shifted.slice(0, 4)} ${time}`;
}

/** A local date as people in Vietnam write it: `dd/MM/yyyy`. */
export function formatVietnamDate(date: LocalDate): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}
