/**
 * The delivery state machine: every way a delivery's state may change, declared once. A use-case asks the store to
 * take a step; the store applies it only from the step's states (compare-and-set) and moves to the step's state. The
 * state sets the use-cases read by (open, received, in the inbox) live here too, so each meaning is written once.
 *
 *   pending ──push 2xx──▶ delivered ─┐
 *      │ ╲──pull───────▶ available ─┼─fetch─▶ fetched ─ack─▶ acknowledged
 *      ▼   ╲                         │           ▲
 *   retrying ──spent or 4xx─▶ dead ──┴───────────┘   dead ──replay──▶ pending
 *   (pending, retrying, available, dead) ──revocation──▶ withheld
 */
import type { DeliveryState } from './delivery.js';

export interface DeliveryStep {
  /** For logs and errors. */
  readonly name: string;
  /** Applied only when the delivery is in one of these states; otherwise nothing changes. */
  readonly from: readonly DeliveryState[];
  /** The state it moves to; absent: the state stays (a note on an open delivery). */
  readonly to?: DeliveryState;
}

/** Still to be worked on by the delivery worker. */
export const OPEN_STATES: readonly DeliveryState[] = ['pending', 'retrying'];
/** The recipient has the package: pushed to it, or downloaded by it. */
export const RECEIVED_STATES: readonly DeliveryState[] = ['delivered', 'fetched', 'acknowledged'];
/**
 * What waits for a recipient: everything it has not acknowledged, dead letters included (never lost). Downloaded
 * packages too: a `fetched` receipt says the axis sent the bytes, but a connection cut after the last bytes left the
 * axis loses them on the way, and only the acknowledgement is the recipient's word that it has them.
 */
export const INBOX_STATES: readonly DeliveryState[] = ['pending', 'retrying', 'available', 'delivered', 'fetched', 'dead'];

const step = (name: string, from: readonly DeliveryState[], to?: DeliveryState): DeliveryStep => Object.freeze({ name, from, ...(to ? { to } : {}) });

export const DELIVERY_STEPS = Object.freeze({
  /** A pull recipient (or one without an endpoint): the package waits in its inbox. No receipt: being listed is not evidence. */
  makeAvailable: step('make-available', OPEN_STATES, 'available'),
  /** A push attempt failed and another is scheduled. */
  scheduleRetry: step('schedule-retry', OPEN_STATES, 'retrying'),
  /** A note on an open delivery that does not move it: a hold for a suspended recipient, the axis's own errors. */
  note: step('note', OPEN_STATES),
  /** Retries spent, a permanent refusal, or nothing left to deliver: a dead letter, replayable. */
  deadLetter: step('dead-letter', OPEN_STATES, 'dead'),
  /**
   * A 2xx is proof that the recipient has the package, whatever happened to the delivery while the push was in
   * flight: a revocation that withheld it ("received copies stay"), another worker's dead letter.
   */
  pushDelivered: step('push-delivered', [...OPEN_STATES, 'withheld', 'dead'], 'delivered'),
  /** The recipient's first complete download (later downloads change nothing). */
  fetch: step('fetch', ['pending', 'retrying', 'available', 'delivered', 'dead'], 'fetched'),
  /** The recipient confirms it has the package. */
  acknowledge: step('acknowledge', ['delivered', 'fetched'], 'acknowledged'),
  /** An operator replays a dead letter, with a fresh set of attempts. */
  replay: step('replay', ['dead'], 'pending'),
  /** Decree 30/2020: a revocation withholds what the recipient has not received yet; received copies stay. */
  withholdOnRevocation: step('withhold-on-revocation', ['pending', 'retrying', 'available', 'dead'], 'withheld'),
});

/** Whether the step may be taken from this state. */
export function canTake(step: DeliveryStep, state: DeliveryState): boolean {
  return step.from.includes(state);
}
