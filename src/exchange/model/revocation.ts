/**
 * What a revocation (business type 1) changes, declared once for every store. It takes the document back: the
 * original, and every update (2) or replacement (3) of it that its sender sent, since either carries the revoked
 * content on. Each is marked revoked (once: the first revocation's time and package stay), and each delivery of
 * them takes the withhold step, which holds back only what a recipient has not received yet (Decree 30/2020:
 * received copies stay).
 */
import { DELIVERY_STEPS } from './delivery-steps.js';
import type { EnvelopeRecord } from './envelope.js';

export const WITHHOLD_ON_REVOCATION = DELIVERY_STEPS.withholdOnRevocation;

/** The members a revocation sets on a package it takes back, or undefined when it was revoked before (nothing to change). */
export function revokedMarks(original: EnvelopeRecord, revocation: Pick<EnvelopeRecord, 'id' | 'acceptedAt'>): Pick<EnvelopeRecord, 'revokedAt' | 'revokedByEnvelopeId'> | undefined {
  if (original.revokedAt) return undefined;
  return { revokedAt: revocation.acceptedAt, revokedByEnvelopeId: revocation.id };
}

/**
 * Whether revoking `original` takes `candidate` back with it: an update or replacement of that document by the same
 * sender. A store lists the envelopes about the document (`refersToDocumentId`) in the revocation's transaction and
 * keeps those this answers true for, so an update accepted a moment before the revocation is not missed.
 */
export function isTakenBackWith(original: Pick<EnvelopeRecord, 'id' | 'fromOrganId' | 'documentId'>, candidate: EnvelopeRecord): boolean {
  return candidate.id !== original.id
    && candidate.kind === 'edoc'
    && (candidate.businessType === 2 || candidate.businessType === 3)
    && candidate.fromOrganId === original.fromOrganId
    && candidate.refersToDocumentId === original.documentId;
}
