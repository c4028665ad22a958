/**
 * The holidays file (calendars/vietnam-public-offices.yaml, or the operator's own named by HOLIDAYS_FILE): YAML, so
 * that each entry can say where it comes from in a comment. Read here from its text into a calendar definition, or
 * refused with CALENDAR_FILE_INVALID naming the entry at fault.
 *
 *   workWeek: [1, 2, 3, 4, 5]                       # ISO weekdays, 1 = Monday
 *   officeHours: { opens: "08:00", closes: "17:00" }
 *   years: [2025, 2026, 2027]                       # years whose days off below are complete
 *   daysOff:
 *     - { date: "2025-04-07", name: "Giỗ Tổ Hùng Vương" }
 *     - { from: "2025-01-25", to: "2025-02-02", name: "Tết Nguyên đán" }
 *     - { date: "2027-09-03", name: "Quốc khánh", provisional: true }
 *   workingDays:                                    # make-up Saturdays
 *     - { date: "2025-04-26", name: "Làm bù cho thứ Sáu 02/05/2025" }
 */
import { parse } from 'yaml';
import { z } from 'zod';
import { CalendarError } from './calendar-error.js';
import { addDays, isLocalDate } from './vietnam-clock.js';
import type { CalendarDay, WorkingCalendarDefinition } from './working-calendar.js';

/** Larger than any real calendar of a few decades; checked before the text is parsed. */
export const MAX_HOLIDAYS_FILE_BYTES = 256 * 1024;
const MAX_RANGE_DAYS = 31;

const date = z.string().refine(isLocalDate, 'must be a date written "YYYY-MM-DD"');
const clock = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'must be a time written "HH:mm"');
const name = z.string().trim().min(1).max(200);
const single = z.strictObject({ date, name, provisional: z.boolean().optional() });
const range = z.strictObject({ from: date, to: date, name, provisional: z.boolean().optional() });

const fileSchema = z.strictObject({
  workWeek: z.array(z.number().int().min(1).max(7)).min(1).max(7).default([1, 2, 3, 4, 5]),
  officeHours: z.strictObject({ opens: clock, closes: clock }).default({ opens: '08:00', closes: '17:00' }),
  years: z.array(z.number().int().min(1975).max(2200)).max(200).default([]),
  daysOff: z.array(z.union([single, range])).max(5000).default([]),
  workingDays: z.array(single).max(1000).default([]),
});

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The definition a holidays file describes. `source` names the file in messages. */
export function readHolidaysFile(text: string, source = 'the holidays file'): WorkingCalendarDefinition {
  if (Buffer.byteLength(text, 'utf8') > MAX_HOLIDAYS_FILE_BYTES) {
    throw new CalendarError('CALENDAR_FILE_TOO_LARGE', `${source} is larger than ${MAX_HOLIDAYS_FILE_BYTES / 1024} KiB: it is not a holidays file.`, { source });
  }
  let raw: unknown;
  try {
    // Aliases are of no use here; refusing them keeps a small file from expanding into a huge one.
    raw = parse(text, { maxAliasCount: 0, prettyErrors: true }) ?? {};
  } catch (error) {
    throw new CalendarError('CALENDAR_FILE_INVALID', `${source} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, { source });
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'the top level';
    throw new CalendarError('CALENDAR_FILE_INVALID', `${source}: ${where} ${issue?.message ?? 'is invalid'}.`, { source, path: where });
  }
  const file = parsed.data;
  const daysOff: CalendarDay[] = [];
  file.daysOff.forEach((entry, index) => {
    const provisional = entry.provisional ?? false;
    if ('date' in entry) {
      daysOff.push({ date: entry.date, name: entry.name, provisional });
      return;
    }
    if (entry.to < entry.from) throw new CalendarError('CALENDAR_FILE_INVALID', `${source}: daysOff.${index} ends (${entry.to}) before it starts (${entry.from}).`, { source });
    for (let day = entry.from, n = 0; day <= entry.to; day = addDays(day, 1), n += 1) {
      if (n >= MAX_RANGE_DAYS) throw new CalendarError('CALENDAR_FILE_INVALID', `${source}: daysOff.${index} spans more than ${MAX_RANGE_DAYS} days.`, { source });
      daysOff.push({ date: day, name: entry.name, provisional });
    }
  });
  const opensAt = minutesOf(file.officeHours.opens);
  const closesAt = minutesOf(file.officeHours.closes);
  if (!(opensAt < closesAt && closesAt <= 24 * 60)) {
    throw new CalendarError('CALENDAR_FILE_INVALID', `${source}: officeHours must open before they close (got ${file.officeHours.opens}-${file.officeHours.closes}).`, { source });
  }
  const clash = daysOff.find((off) => file.workingDays.some((w) => w.date === off.date));
  if (clash) throw new CalendarError('CALENDAR_FILE_INVALID', `${source}: ${clash.date} is listed both as a day off and as a working day.`, { source });
  return {
    workWeek: [...new Set(file.workWeek)].sort((a, b) => a - b),
    opensAt,
    closesAt,
    daysOff,
    workingDays: file.workingDays.map((d) => ({ date: d.date, name: d.name, provisional: d.provisional ?? false })),
    years: [...new Set(file.years)].sort((a, b) => a - b),
  };
}
