/**
 * A receipt's id: its chain position in base 36, then 80 random bits. Ids in chain order land at the end of the
 * receipts' id index (a random id dirtied one index page per receipt: measured in docs/performance.md), and the random
 * part keeps ids unguessable.
 */
import { randomUUID } from 'node:crypto';

export function receiptIdAt(seq: number): string {
  // 80 random bits from a v4 UUID (its first and last groups): Node draws UUIDs from a cached entropy pool, where
  // randomBytes makes a call into OpenSSL's generator (and a getpid system call) each time.
  const uuid = randomUUID();
  return `rcp_${seq.toString(36).padStart(10, '0')}${uuid.slice(0, 8)}${uuid.slice(24)}`;
}
