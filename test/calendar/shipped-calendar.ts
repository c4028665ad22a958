/** The holidays file that ships with the axis, read as the gateway reads it. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createWorkingCalendar, readHolidaysFile, type WorkingCalendar } from '../../src/calendar/index.js';

export const SHIPPED_HOLIDAYS_FILE = fileURLToPath(new URL('../../calendars/vietnam-public-offices.yaml', import.meta.url));

export function shippedCalendar(): WorkingCalendar {
  return createWorkingCalendar(readHolidaysFile(readFileSync(SHIPPED_HOLIDAYS_FILE, 'utf8'), SHIPPED_HOLIDAYS_FILE));
}

/** An instant written as Vietnam's clocks show it: `2026-03-13 15:30`. */
export function vn(local: string): Date {
  return new Date(`${local.replace(' ', 'T')}:00+07:00`);
}
