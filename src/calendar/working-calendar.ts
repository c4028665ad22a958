/**
 * A working calendar of Vietnam's public offices: the working week, the office hours, and the days that differ from
 * the week (public holidays and compensatory days off, make-up working Saturdays). It answers what the time limits of
 * Decree 30/2020 count in: working days and working time. Pure: built from a definition, no clock, no files.
 */
import { CalendarError } from './calendar-error.js';
import { addDays, instantOf, isLocalDate, isoWeekdayOf, localPartsOf, type LocalDate } from './vietnam-clock.js';

export interface CalendarDay {
  date: LocalDate;
  /** What the day is, as people call it (Tết Nguyên đán, làm bù cho ngày 02/01/2026). */
  name: string;
  /** Not yet decided by the Government when the file was written: the statutory day, to be checked. */
  provisional: boolean;
}

export interface WorkingCalendarDefinition {
  /** ISO weekdays that are working days: 1 Monday ... 7 Sunday. */
  workWeek: readonly number[];
  /** Office hours, minutes after local midnight (08:00 = 480, 17:00 = 1020). */
  opensAt: number;
  closesAt: number;
  /** Days of the working week that are not worked: public holidays, Tết, compensatory and swapped days off. */
  daysOff: readonly CalendarDay[];
  /** Days outside the working week that are worked: the Saturdays that make up a swapped day. */
  workingDays: readonly CalendarDay[];
  /** The years whose days off are all listed; outside them only the working week counts. */
  years: readonly number[];
}

export interface WorkingCalendar {
  readonly definition: WorkingCalendarDefinition;
  isWorkingDay(date: LocalDate): boolean;
  /** The holiday or day off that makes a working-week day free, if any. */
  dayOff(date: LocalDate): CalendarDay | undefined;
  /** Whether the days off of this date's year are known (listed in the definition). */
  covers(date: LocalDate): boolean;
  /**
   * The closing time of the n-th working day after the local day of `instant` (that day itself never counts). n = 0:
   * the same day's closing time if it is a working day and the office is still open, else the next working day's.
   */
  closeOfWorkingDayAfter(instant: Date, n: number): Date;
  /** The instant `minutes` of office time after `instant` (time outside office hours and on days off does not run). */
  addWorkingMinutes(instant: Date, minutes: number): Date;
  /** Office time between two instants, in minutes (0 when `to` is not after `from`). */
  workingMinutesBetween(from: Date, to: Date): number;
}

/** No calendar lists ten years of days off in a row: a search that long means a definition without working days. */
const MAX_DAYS_SEARCHED = 3660;

export function createWorkingCalendar(definition: WorkingCalendarDefinition): WorkingCalendar {
  assertDefinition(definition);
  const workWeek = new Set(definition.workWeek);
  const daysOff = new Map(definition.daysOff.map((d) => [d.date, d]));
  const workingDays = new Map(definition.workingDays.map((d) => [d.date, d]));
  const years = new Set(definition.years);
  const { opensAt, closesAt } = definition;

  const isWorkingDay = (date: LocalDate): boolean => {
    if (workingDays.has(date)) return true;
    return workWeek.has(isoWeekdayOf(date)) && !daysOff.has(date);
  };

  const nextWorkingDay = (after: LocalDate): LocalDate => {
    let day = after;
    for (let i = 0; i < MAX_DAYS_SEARCHED; i += 1) {
      day = addDays(day, 1);
      if (isWorkingDay(day)) return day;
    }
    throw new CalendarError('CALENDAR_FILE_INVALID', `The working calendar has no working day in the ${MAX_DAYS_SEARCHED} days after ${after}.`);
  };

  return {
    definition,
    isWorkingDay,
    dayOff: (date) => (workingDays.has(date) || !workWeek.has(isoWeekdayOf(date)) ? undefined : daysOff.get(date)),
    covers: (date) => years.has(Number(date.slice(0, 4))),
    closeOfWorkingDayAfter(instant, n) {
      if (!Number.isInteger(n) || n < 0) throw new CalendarError('CALENDAR_DATE_INVALID', `A number of working days must be a whole number from 0 (got ${n}).`);
      const { date, minutes } = localPartsOf(instant);
      if (n === 0 && isWorkingDay(date) && minutes < closesAt) return instantOf(date, closesAt);
      let day = date;
      for (let counted = 0; counted < Math.max(1, n); counted += 1) day = nextWorkingDay(day);
      return instantOf(day, closesAt);
    },
    addWorkingMinutes(instant, minutes) {
      if (!(minutes >= 0)) throw new CalendarError('CALENDAR_DATE_INVALID', `Working time to add must be 0 or more minutes (got ${minutes}).`);
      let { date, minutes: at } = localPartsOf(instant);
      let remaining = minutes;
      for (let i = 0; i < MAX_DAYS_SEARCHED; i += 1) {
        const start = Math.max(at, opensAt);
        if (isWorkingDay(date) && start < closesAt) {
          if (remaining <= closesAt - start) return instantOf(date, start + remaining);
          remaining -= closesAt - start;
        }
        date = addDays(date, 1);
        at = 0;
      }
      throw new CalendarError('CALENDAR_FILE_INVALID', `The working calendar has too few working hours to count ${minutes} minutes after ${instant.toISOString()}.`);
    },
    workingMinutesBetween(from, to) {
      if (to.getTime() <= from.getTime()) return 0;
      const start = localPartsOf(from);
      const end = localPartsOf(to);
      let total = 0;
      for (let date = start.date, i = 0; date <= end.date && i < MAX_DAYS_SEARCHED * 10; date = addDays(date, 1), i += 1) {
        if (!isWorkingDay(date)) continue;
        const begin = Math.max(opensAt, date === start.date ? start.minutes : 0);
        const finish = Math.min(closesAt, date === end.date ? end.minutes : closesAt);
        if (finish > begin) total += finish - begin;
      }
      return total;
    },
  };
}

function assertDefinition(d: WorkingCalendarDefinition): void {
  const invalid = (why: string) => new CalendarError('CALENDAR_FILE_INVALID', `The working calendar is not usable: ${why}.`);
  if (d.workWeek.length === 0 || d.workWeek.some((day) => !Number.isInteger(day) || day < 1 || day > 7)) throw invalid('the working week must list weekdays 1 (Monday) to 7 (Sunday)');
  if (!(d.opensAt >= 0 && d.opensAt < d.closesAt && d.closesAt <= 24 * 60)) throw invalid('office hours must open before they close, within one day');
  for (const day of [...d.daysOff, ...d.workingDays]) if (!isLocalDate(day.date)) throw invalid(`"${day.date}" is not a date written YYYY-MM-DD`);
  const both = d.daysOff.find((off) => d.workingDays.some((w) => w.date === off.date));
  if (both) throw invalid(`${both.date} is listed both as a day off and as a working day`);
}
