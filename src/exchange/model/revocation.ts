/**
 * What a revocation (business type 1) changes, declared once for every store: the original is marked revoked (once:
 * the first revocation's time and package stay), and its deliveries take the withhold step.
 */
import { DELIVERY_STEPS } from './delivery-steps.js';
import type { EnvelopeRecord } from './envelope.js';

export const WITHHOLD_ON_REVOCATION = DELIVERY_STEPS.withholdOnRevocation;

/** The members a revocation sets on the original, or undefined when it was revoked before (nothing to change). */
export function revokedMarks(original: EnvelopeRecord, revocation: Pick<EnvelopeRecord, 'id' | 'acceptedAt'>): Pick<EnvelopeRecord, 'revokedAt' | 'revokedByEnvelopeId'> | undefined {
  if (original.revokedAt) return undefined;
  return { revokedAt: revocation.acceptedAt, revokedByEnvelopeId: revocation.id };
}
