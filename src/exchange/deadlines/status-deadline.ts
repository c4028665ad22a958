/**
 * Decree 30/2020/NĐ-CP, Article 20: an incoming document is registered and passed on the day it arrives, at the
 * latest the next working day; urgent ones (Priority 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ) at once.
 * The axis sees the registration as the recipient's first status package about the document (01 Đã đến, or a later
 * code sent straight away). These rules turn a delivery time and a priority into the instant that status is due, and
 * the instant the operators are told it is still missing (escalation). Counted in the working calendar's time.
 */
import type { WorkingCalendar } from '../../calendar/index.js';

export interface DeadlineRules {
  /** Priority 0 (thường): the status by the end of the n-th working day after the delivery day (1: the next one). */
  normalWorkingDays: number;
  /** Priority 1-4: the status within this much office time after delivery. */
  urgentWorkingMinutes: number;
  /** After a deadline passes with no status: this much more office time, then the operators are told. */
  escalationWorkingMinutes: number;
}

/** The Decree's defaults: the next working day; two working hours for urgent documents; escalation a working day later. */
export const DECREE_30_RULES: DeadlineRules = { normalWorkingDays: 1, urgentWorkingMinutes: 120, escalationWorkingMinutes: 9 * 60 };

/** OtherInfo/Priority: 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ. */
export type Priority = 0 | 1 | 2 | 3 | 4;

export function isUrgent(priority: number | undefined): boolean {
  return priority !== undefined && priority >= 1 && priority <= 4;
}

export interface StatusDeadline {
  /** When the recipient's first status is due. */
  dueAt: Date;
  /** When a still missing status is escalated to the operators. */
  escalateAt: Date;
  urgent: boolean;
}

export function statusDeadline(calendar: WorkingCalendar, rules: DeadlineRules, deliveredAt: Date, priority: number | undefined): StatusDeadline {
  const urgent = isUrgent(priority);
  const dueAt = urgent
    ? calendar.addWorkingMinutes(deliveredAt, rules.urgentWorkingMinutes)
    : calendar.closeOfWorkingDayAfter(deliveredAt, rules.normalWorkingDays);
  return { dueAt, escalateAt: calendar.addWorkingMinutes(dueAt, rules.escalationWorkingMinutes), urgent };
}
