/** An operator's holidays file (HOLIDAYS_FILE): what it may say, and a stable code naming the fault when it is wrong. */
import { describe, expect, it } from 'vitest';
import { createWorkingCalendar, MAX_HOLIDAYS_FILE_BYTES, readHolidaysFile } from '../../src/calendar/index.js';
import { vn } from './shipped-calendar.js';

describe('an operator\'s holidays file', () => {
  it('gives its own week, hours, days off (single days and ranges) and worked Saturdays', () => {
    const definition = readHolidaysFile([
      'workWeek: [1, 2, 3, 4, 5, 6]',
      'officeHours: { opens: "07:30", closes: "16:30" }',
      'years: [2030]',
      'daysOff:',
      '  - { date: "2030-01-01", name: "Tết Dương lịch" }',
      '  - { from: "2030-02-01", to: "2030-02-07", name: "Tết Nguyên đán", provisional: true }',
      'workingDays:',
      '  - { date: "2030-02-10", name: "Làm bù" }',
    ].join('\n'), 'test.yaml');
    expect(definition).toMatchObject({ workWeek: [1, 2, 3, 4, 5, 6], opensAt: 450, closesAt: 990, years: [2030] });
    expect(definition.daysOff).toHaveLength(8);
    expect(definition.daysOff[3]).toEqual({ date: '2030-02-03', name: 'Tết Nguyên đán', provisional: true });
    const calendar = createWorkingCalendar(definition);
    expect(calendar.isWorkingDay('2030-01-05')).toBe(true);
    expect(calendar.isWorkingDay('2030-02-10')).toBe(true);
    expect(calendar.addWorkingMinutes(vn('2030-01-04 16:00'), 60)).toEqual(vn('2030-01-05 08:00'));
  });

  it('defaults to Monday to Friday, 08:00 to 17:00, when it lists only days off', () => {
    expect(readHolidaysFile('daysOff: []')).toMatchObject({ workWeek: [1, 2, 3, 4, 5], opensAt: 480, closesAt: 1020, years: [] });
    expect(readHolidaysFile('')).toMatchObject({ daysOff: [], workingDays: [] });
  });

  it.each([
    ['not YAML', 'daysOff: [', /not valid YAML/],
    ['a date that does not exist', 'daysOff:\n  - { date: "2026-02-30", name: "x" }', /daysOff\.0\.date|daysOff\.0/],
    ['a range that ends before it starts', 'daysOff:\n  - { from: "2026-02-10", to: "2026-02-01", name: "x" }', /ends \(2026-02-01\) before it starts/],
    ['a range of months', 'daysOff:\n  - { from: "2026-01-01", to: "2026-12-31", name: "x" }', /more than 31 days/],
    ['an unknown key', 'holidays: []', /unrecognized|holidays/i],
    ['office hours that close before they open', 'officeHours: { opens: "17:00", closes: "08:00" }', /must open before they close/],
    ['a weekday 8', 'workWeek: [1, 8]', /workWeek\.1/],
    ['a day both off and worked', 'daysOff:\n  - { date: "2026-03-14", name: "x" }\nworkingDays:\n  - { date: "2026-03-14", name: "y" }', /both as a day off and as a working day/],
    ['YAML aliases', 'daysOff:\n  - &a { date: "2026-03-16", name: "x" }\n  - *a', /not valid YAML|alias/i],
  ])('refuses %s with CALENDAR_FILE_INVALID', (_what, text, message) => {
    let caught: unknown;
    try {
      readHolidaysFile(text, 'holidays.yaml');
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'CALENDAR_FILE_INVALID' });
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).toMatch(/holidays\.yaml/);
  });

  it('refuses a file too large to be a holidays file before parsing it', () => {
    expect(() => readHolidaysFile(`# ${'x'.repeat(MAX_HOLIDAYS_FILE_BYTES)}`)).toThrow(expect.objectContaining({ code: 'CALENDAR_FILE_TOO_LARGE' }));
  });

  it('refuses a calendar with no working week, rather than search forever for a working day', () => {
    expect(() => createWorkingCalendar({ workWeek: [], opensAt: 480, closesAt: 1020, daysOff: [], workingDays: [], years: [] })).toThrow(expect.objectContaining({ code: 'CALENDAR_FILE_INVALID' }));
    const weekendsOnly = createWorkingCalendar({ workWeek: [6], opensAt: 480, closesAt: 1020, daysOff: [], workingDays: [], years: [] });
    expect(weekendsOnly.closeOfWorkingDayAfter(vn('2026-03-16 09:00'), 1)).toEqual(vn('2026-03-21 17:00'));
  });
});
