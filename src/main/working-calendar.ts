/**
 * The working calendar the deadlines are counted in: the operator's HOLIDAYS_FILE, or the file shipped in calendars/
 * (found by walking up from this file, so it works from src/ and dist/src/). A file that cannot be used stops
 * start-up with one line naming HOLIDAYS_FILE, as any other configuration error does.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWorkingCalendar, localPartsOf, MAX_HOLIDAYS_FILE_BYTES, readHolidaysFile, type WorkingCalendar } from '../calendar/index.js';
import { ConfigError } from '../config/config.js';
import { isAxisError } from '../errors/axis-error.js';

const SHIPPED = path.join('calendars', 'vietnam-public-offices.yaml');

export function shippedHolidaysFile(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i += 1) {
    const candidate = path.join(dir, SHIPPED);
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new ConfigError('HOLIDAYS_FILE', `is not set and the shipped ${SHIPPED} was not found next to the program: set HOLIDAYS_FILE to a holidays file`);
}

export interface LoadedCalendar {
  calendar: WorkingCalendar;
  /** The file it was read from. */
  source: string;
  /** What an operator should hear at start-up: the current year not listed, provisional days in it. */
  warnings: string[];
}

export function loadWorkingCalendar(holidaysFile: string | undefined, now: Date = new Date()): LoadedCalendar {
  const source = holidaysFile ?? shippedHolidaysFile();
  let text: string;
  try {
    // The size first: the file is read whole, so a wrong path (a log, a device) must not be.
    if (statSync(source).size > MAX_HOLIDAYS_FILE_BYTES) throw new ConfigError('HOLIDAYS_FILE', `(${source}) is larger than ${MAX_HOLIDAYS_FILE_BYTES / 1024} KiB: it is not a holidays file`);
    text = readFileSync(source, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError('HOLIDAYS_FILE', `(${source}) cannot be read: ${(error as Error).message.split('\n')[0]}`);
  }
  let calendar: WorkingCalendar;
  try {
    calendar = createWorkingCalendar(readHolidaysFile(text, source));
  } catch (error) {
    if (isAxisError(error)) throw new ConfigError('HOLIDAYS_FILE', `is not usable: ${error.message}`);
    throw error;
  }
  const today = localPartsOf(now).date;
  const year = today.slice(0, 4);
  const warnings: string[] = [];
  if (!calendar.covers(today)) warnings.push(`the holidays file ${source} lists no days off for ${year}: deadlines count only weekends as days off until it does (HOLIDAYS_FILE)`);
  const { daysOff, workingDays } = calendar.definition;
  const provisional = [...daysOff, ...workingDays].filter((d) => d.provisional && d.date.startsWith(year)).map((d) => d.date).sort();
  if (provisional.length > 0) warnings.push(`the holidays file ${source} has provisional days in ${year} (${provisional.join(', ')}): check them against the Government's announcement`);
  return { calendar, source, warnings };
}
