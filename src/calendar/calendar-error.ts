import { AxisError } from '../errors/axis-error.js';

export type CalendarCode = 'CALENDAR_FILE_INVALID' | 'CALENDAR_FILE_TOO_LARGE' | 'CALENDAR_DATE_INVALID';

/** A working calendar that cannot be used: the operator's holidays file, or a date given to it. */
export class CalendarError extends AxisError {
  declare readonly code: CalendarCode;
  constructor(code: CalendarCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}
