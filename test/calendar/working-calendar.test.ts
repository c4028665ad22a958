/**
 * The working calendar of Vietnam's public offices: the shipped holidays file (checked against the lunar calendar),
 * working days and office time, and the Decree 30/2020 time limits counted in them.
 */
import { describe, expect, it } from 'vitest';
import { addDays, isoWeekdayOf, type WorkingCalendar } from '../../src/calendar/index.js';
import { DECREE_30_RULES, statusDeadline } from '../../src/exchange/deadlines/status-deadline.js';
import { solarDateOfLunar } from './lunar-reference.js';
import { shippedCalendar, vn } from './shipped-calendar.js';

const calendar: WorkingCalendar = shippedCalendar();
const due = (local: string, priority?: number) => statusDeadline(calendar, DECREE_30_RULES, vn(local), priority);

/** The first working-week day on or after a date (where a holiday on a weekend is taken). */
function takenOn(date: string): string {
  let day = date;
  while (isoWeekdayOf(day) > 5) day = addDays(day, 1);
  return day;
}

describe('the shipped holidays file', () => {
  it('lists the days off of 2025, 2026 and 2027, and no later year', () => {
    for (const year of [2025, 2026, 2027]) expect(calendar.covers(`${year}-06-01`)).toBe(true);
    expect(calendar.covers('2028-01-03')).toBe(false);
  });

  it.each([2025, 2026, 2027])('gives the first three days of Tết %i off, as the lunar calendar places them', (year) => {
    const tet = solarDateOfLunar(1, 1, year);
    for (const day of [tet, addDays(tet, 1), addDays(tet, 2)]) expect(calendar.isWorkingDay(day), day).toBe(false);
    // Five working-week days of Tết (Labour Code, Article 112): the week around it is not worked.
    const weekdaysOff = Array.from({ length: 21 }, (_, i) => addDays(tet, i - 10)).filter((d) => isoWeekdayOf(d) <= 5 && !calendar.isWorkingDay(d));
    expect(weekdaysOff.length).toBeGreaterThanOrEqual(5);
  });

  it.each([2025, 2026, 2027])('gives the Hùng Kings\' day of %i off (10/3 lunar, or the Monday after when it is a Sunday)', (year) => {
    const day = takenOn(solarDateOfLunar(10, 3, year));
    expect(calendar.isWorkingDay(day)).toBe(false);
    expect(calendar.dayOff(day)?.name).toMatch(/Hùng Vương/);
  });

  it.each([2025, 2026, 2027])('gives New Year, 30/4, 1/5 and 2/9 of %i off', (year) => {
    for (const date of ['01-01', '04-30', '05-01', '09-02']) expect(calendar.isWorkingDay(takenOn(`${year}-${date}`)), date).toBe(false);
  });

  it('knows the swapped days: Friday 02/05/2025 off, Saturday 26/04/2025 worked', () => {
    expect(calendar.isWorkingDay('2025-05-02')).toBe(false);
    expect(calendar.isWorkingDay('2025-04-26')).toBe(true);
    expect(calendar.dayOff('2025-05-02')?.name).toMatch(/hoán đổi/);
  });

  it('works Monday to Friday and not at weekends outside the holidays', () => {
    expect(['2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13'].map(calendar.isWorkingDay)).toEqual([true, true, true, true, true]);
    expect(calendar.isWorkingDay('2026-03-14')).toBe(false);
    expect(calendar.isWorkingDay('2026-03-15')).toBe(false);
    // A year the file does not list: only the working week counts.
    expect(calendar.isWorkingDay('2028-01-26')).toBe(true);
  });
});

describe('Decree 30/2020 time limits (priority 0: the next working day; 1-4: two working hours)', () => {
  it('a document delivered on a Friday afternoon is due on Monday at 17:00', () => {
    expect(due('2026-03-13 15:30', 0).dueAt).toEqual(vn('2026-03-16 17:00'));
  });

  it('on the Friday before the Hùng Kings\' day off it is due on Tuesday', () => {
    expect(due('2026-04-24 15:30', 0).dueAt).toEqual(vn('2026-04-28 17:00'));
  });

  it('before Tết it is due on the first working day after Tết', () => {
    expect(due('2026-02-13 10:00', 0).dueAt).toEqual(vn('2026-02-23 17:00'));
  });

  it('after office hours or at a weekend, the next working day is still the limit', () => {
    expect(due('2026-03-16 20:00', 0).dueAt).toEqual(vn('2026-03-17 17:00'));
    expect(due('2026-03-14 10:00', 0).dueAt).toEqual(vn('2026-03-16 17:00'));
    // A document without a priority is an ordinary one.
    expect(due('2026-03-14 10:00', undefined)).toMatchObject({ dueAt: vn('2026-03-16 17:00'), urgent: false });
  });

  it('a make-up Saturday is a working day: a document of Friday 25/04/2025 is due on Saturday 26/04', () => {
    expect(due('2025-04-25 16:00', 0).dueAt).toEqual(vn('2025-04-26 17:00'));
  });

  it('an urgent document is due two office hours after delivery, the night and the weekend not counted', () => {
    expect(due('2026-03-17 10:00', 1)).toMatchObject({ dueAt: vn('2026-03-17 12:00'), urgent: true });
    expect(due('2026-03-13 16:30', 2).dueAt).toEqual(vn('2026-03-16 09:30'));
    expect(due('2026-03-14 11:00', 3).dueAt).toEqual(vn('2026-03-16 10:00'));
    expect(due('2026-03-17 06:45', 4).dueAt).toEqual(vn('2026-03-17 10:00'));
    // Friday before Tết: one hour on 13/02, the second on the first morning after Tết.
    expect(due('2026-02-13 16:00', 4).dueAt).toEqual(vn('2026-02-23 09:00'));
  });

  it('escalates one working day after the limit', () => {
    expect(due('2026-03-16 10:00', 0).escalateAt).toEqual(vn('2026-03-18 17:00'));
    expect(due('2026-03-13 16:30', 1).escalateAt).toEqual(vn('2026-03-17 09:30'));
  });

  it('follows rules an operator configured', () => {
    const sameDay = { ...DECREE_30_RULES, normalWorkingDays: 0, urgentWorkingMinutes: 30 };
    expect(statusDeadline(calendar, sameDay, vn('2026-03-17 10:00'), 0).dueAt).toEqual(vn('2026-03-17 17:00'));
    expect(statusDeadline(calendar, sameDay, vn('2026-03-17 18:00'), 0).dueAt).toEqual(vn('2026-03-18 17:00'));
    expect(statusDeadline(calendar, sameDay, vn('2026-03-17 16:50'), 2).dueAt).toEqual(vn('2026-03-18 08:20'));
    expect(statusDeadline(calendar, { ...DECREE_30_RULES, normalWorkingDays: 3 }, vn('2026-04-24 09:00'), 0).dueAt).toEqual(vn('2026-05-04 17:00'));
  });

  it('counts office time between two instants', () => {
    expect(calendar.workingMinutesBetween(vn('2026-03-13 16:00'), vn('2026-03-16 09:00'))).toBe(120);
    expect(calendar.workingMinutesBetween(vn('2026-02-13 08:00'), vn('2026-02-23 08:00'))).toBe(540);
    expect(calendar.workingMinutesBetween(vn('2026-03-16 09:00'), vn('2026-03-13 16:00'))).toBe(0);
  });
});
