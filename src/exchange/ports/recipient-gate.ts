/**
 * The per-recipient gate port: how much one recipient agency's endpoint may be asked at once, across every delivery
 * worker (src/queue/bullmq/recipient-gate.ts keeps it in Redis).
 */
/** A recipient's limits (its DMS is often a small server). */
export interface RecipientLimits {
  /** Pushes in flight to this recipient, across every worker process. */
  concurrency: number;
  /** Pushes started per second to this recipient, across every worker process. */
  ratePerSecond: number;
}

export type GateDecision =
  | { granted: true; release(): Promise<void> }
  /** Busy or over its rate: come back in this many milliseconds (not a failed attempt). */
  | { granted: false; retryInMs: number };

/**
 * A per-recipient semaphore and rate limit shared by every delivery worker. A slot is leased for `leaseMs`, so a
 * worker killed while pushing gives its slot back by itself.
 */
export interface RecipientGate {
  acquire(recipientOrganId: string, limits: RecipientLimits, leaseMs: number): Promise<GateDecision>;
}
