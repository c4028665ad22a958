/**
 * Whether the axis may take in new packages as far as evidence goes (EVIDENCE_FAIL_CLOSED, docs/evidence.md): like
 * X-Road's message log, it stops accepting what it could not later prove once its checkpoints cannot be time-stamped.
 * The exchange asks before it reads a package; both dialects then answer the same refusal, each in its own words.
 */
export interface EvidenceRefusal {
  /** For the agency's operator: why, and that it is temporary. */
  message: string;
  /** When to try again (Retry-After). */
  retryAfterSeconds: number;
}

export interface EvidenceGate {
  /** Undefined when new packages may be accepted. */
  refusal(): Promise<EvidenceRefusal | undefined>;
}

/** The stable code of that refusal: nothing was stored, not even a `rejected` receipt. */
export const EVIDENCE_UNAVAILABLE = 'EVIDENCE_UNAVAILABLE';
