/** Report periods in Vietnam's time: days, ISO weeks, months, quarters and years, whatever the host's zone. */
import { describe, expect, it } from 'vitest';
import { periodOf, periodsBetween } from '../../src/calendar/index.js';
import { vn } from './shipped-calendar.js';

describe('report periods', () => {
  it('puts an instant in the period of Vietnam\'s calendar, not of UTC', () => {
    // 23:30 UTC on 31/03 is already 06:30 on 01/04 in Vietnam: April, Q2.
    const at = new Date('2026-03-31T23:30:00Z');
    expect(periodOf(at, 'day')).toEqual({ key: '2026-04-01', start: vn('2026-04-01 00:00'), end: vn('2026-04-02 00:00') });
    expect(periodOf(at, 'month').key).toBe('2026-04');
    expect(periodOf(at, 'quarter')).toEqual({ key: '2026-Q2', start: vn('2026-04-01 00:00'), end: vn('2026-07-01 00:00') });
    expect(periodOf(at, 'year')).toEqual({ key: '2026', start: vn('2026-01-01 00:00'), end: vn('2027-01-01 00:00') });
  });

  it('numbers weeks as ISO 8601 does (Monday first, week 1 holds the year\'s first Thursday)', () => {
    expect(periodOf(vn('2026-03-18 10:00'), 'week')).toEqual({ key: '2026-W12', start: vn('2026-03-16 00:00'), end: vn('2026-03-23 00:00') });
    // 01/01/2027 is a Friday: it belongs to the last week of 2026.
    expect(periodOf(vn('2027-01-01 10:00'), 'week').key).toBe('2026-W53');
    expect(periodOf(vn('2025-12-29 10:00'), 'week').key).toBe('2026-W01');
  });

  it('lists every period meeting a range, in order', () => {
    expect(periodsBetween(vn('2025-11-15 00:00'), vn('2026-02-01 00:00'), 'month').map((p) => p.key)).toEqual(['2025-11', '2025-12', '2026-01']);
    expect(periodsBetween(vn('2025-12-30 00:00'), vn('2026-01-02 00:00'), 'day').map((p) => p.key)).toEqual(['2025-12-30', '2025-12-31', '2026-01-01']);
    expect(periodsBetween(vn('2025-01-01 00:00'), vn('2027-01-01 00:00'), 'quarter')).toHaveLength(8);
    expect(periodsBetween(vn('2000-01-01 00:00'), vn('2100-01-01 00:00'), 'day', 10)).toHaveLength(10);
  });
});
