/**
 * Identifiers the exchange mints: time-ordered within a process (so envelopes of one document replay in the order
 * they were accepted even within one millisecond), unguessable, and safe in URLs and BullMQ job ids.
 */
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let counter = 0;

export function sortableId(prefix: string): string {
  const now = Date.now();
  if (now <= lastMs) {
    counter += 1;
  } else {
    lastMs = now;
    counter = 0;
  }
  return `${prefix}_${lastMs.toString(36).padStart(9, '0')}${counter.toString(36).padStart(4, '0')}${randomBytes(8).toString('hex')}`;
}
