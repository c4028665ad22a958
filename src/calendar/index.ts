/** The working calendar of Vietnam's public offices: working days and office time, from a holidays file. */
export { CalendarError, type CalendarCode } from './calendar-error.js';
export { MAX_HOLIDAYS_FILE_BYTES, readHolidaysFile } from './holidays-file.js';
export { addDays, formatVietnamDate, formatVietnamTime, instantOf, isLocalDate, isoWeekdayOf, localPartsOf, VIETNAM_UTC_OFFSET_MINUTES, type LocalDate } from './vietnam-clock.js';
export { createWorkingCalendar, type CalendarDay, type WorkingCalendar, type WorkingCalendarDefinition } from './working-calendar.js';
export { PERIOD_UNITS, periodOf, periodsBetween, type PeriodUnit, type ReportPeriod } from './report-periods.js';
