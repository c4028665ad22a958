/**
 * When each recipient first answered each document, read from the status packages accepted about it: the first
 * status of any code (the registration the time limit waits for), the first 01 and the first 03 (what reports time).
 */
import type { EnvelopeRecord } from '../model/index.js';

export interface StatusTimes {
  /** The recipient's first status about the document, whatever its code. */
  firstAt: string;
  first01At?: string;
  first03At?: string;
}

/** One document at one recipient: the original's DocumentId, its sender, the recipient. */
export function statusKey(documentId: string, senderOrganId: string, recipientOrganId: string): string {
  return JSON.stringify([documentId, senderOrganId, recipientOrganId]);
}

/**
 * From status packages (kind status, refersToDocumentId the original): a recipient's status goes from it to the
 * original's sender. A take-back request (13) goes the other way and is keyed the other way round, so it never
 * counts as the recipient's answer.
 */
export function statusTimesOf(statusEnvelopes: readonly EnvelopeRecord[]): Map<string, StatusTimes> {
  const times = new Map<string, StatusTimes>();
  const sorted = [...statusEnvelopes].sort((a, b) => (a.acceptedAt < b.acceptedAt ? -1 : a.acceptedAt > b.acceptedAt ? 1 : 0));
  for (const e of sorted) {
    if (e.kind !== 'status' || !e.statusCode || e.statusCode === '13') continue;
    const documentId = e.refersToDocumentId ?? e.documentId;
    for (const sender of e.toOrganIds) {
      const key = statusKey(documentId, sender, e.fromOrganId);
      const known = times.get(key) ?? { firstAt: e.acceptedAt };
      if (e.statusCode === '01' && !known.first01At) known.first01At = e.acceptedAt;
      if (e.statusCode === '03' && !known.first03At) known.first03At = e.acceptedAt;
      times.set(key, known);
    }
  }
  return times;
}
