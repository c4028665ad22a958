/**
 * Identifiers the exchange mints: time-ordered within a process (so envelopes of one document replay in the order
 * they were accepted even within one millisecond), unguessable, and safe in URLs and BullMQ job ids.
 */
import { randomUUID } from 'node:crypto';

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
  // 64 random bits from a v4 UUID (its first and last groups): Node draws UUIDs from a cached entropy pool, where
  // randomBytes calls into OpenSSL's generator (and makes a getpid system call) every time.
  const uuid = randomUUID();
  return `${prefix}_${lastMs.toString(36).padStart(9, '0')}${counter.toString(36).padStart(4, '0')}${uuid.slice(0, 8)}${uuid.slice(28)}`;
}
