/**
 * The deliver use-case: what one delivery job does. Pure rules over the Store port and an injected PushClient; the
 * worker only turns the outcome into a BullMQ move (done, or delayed until `delayMs`).
 *
 * - pull agency (or no endpoint): pending -> available, no receipt: being in the inbox is not evidence that the
 *   recipient has it; its `fetched` and `acknowledged` receipts (written by the exchange) are.
 * - push agency that is suspended: held, not attempted. No push, no attempt counted, no dead letter: the delivery
 *   stays pending/retrying with lastError `DELIVERY_RECIPIENT_SUSPENDED: ...` (written once, so an operator listing
 *   pending deliveries sees why it waits) and is looked at again every `suspendedRecheckMs` until the agency is
 *   resumed, when it goes out as usual. A suspension is an operator's decision about the agency, not a failure of
 *   the delivery, so it must not spend the retries that are meant for an unreachable endpoint.
 * - push agency: POST the raw package, signed, with the delivery id as Idempotency-Key. 2xx -> delivered with a
 *   `delivered` receipt; 4xx other than 408/429 -> dead with a `failed` receipt and an alert; anything else ->
 *   retrying with backoff, until the attempts are spent -> dead, `failed` receipt, alert. A dead delivery stays in
 *   the recipient's inbox (dead is listed there) and can be replayed.
 * Every state change is a compare-and-set on the store, so two workers racing on one delivery write one outcome. A
 * failed attempt is recorded only on the revision it was decided from: a stalled worker's late answer must not undo
 * what happened meanwhile (another worker's outcome, an operator's replay with fresh attempts). A 2xx is recorded
 * whatever the revision (below).
 */
import type { Clock, PushClient, PushResult, RecipientGate, Store } from '../ports/index.js';
import { DELIVERY_STEPS, OPEN_STATES, revisionOf, type AgencyRecord, type DeliveryRecord, type EnvelopeRecord, type ReceiptDraft } from '../model/index.js';
import type { DeadLetterAlerter } from './dead-letter-alert.js';
import { nextDelayMs, parseRetryAfterMs, suspendedRecheckDelayMs, verdictForStatus, type DeliveryPolicy } from './delivery-policy.js';
import type { DeliveryObserver } from './delivery-observer.js';
import { buildPushRequest } from './push-request.js';
import type { PushSigningIdentity } from './push-signature.js';

export interface DeliverDeps {
  store: Store;
  push: PushClient;
  identity: PushSigningIdentity;
  policy: DeliveryPolicy;
  gate?: RecipientGate;
  observer: DeliveryObserver;
  alert: DeadLetterAlerter;
  now?: Clock;
  random?: () => number;
}

export type DeliverOutcome =
  | { kind: 'delivered'; attempts: number; status: number }
  | { kind: 'available' }
  /** Attempt failed, another is scheduled in delayMs. */
  | { kind: 'retry'; attempts: number; delayMs: number; error: string }
  | { kind: 'dead'; attempts: number; reason: string; error: string }
  /** Nothing to do: already terminal, withheld, or another worker got there first. */
  | { kind: 'skipped'; state: string }
  /**
   * Not an attempt: not due yet, the recipient is at its concurrency/rate limit, or the push was cut short by the axis
   * itself (shutting down). Look again in delayMs.
   */
  | { kind: 'deferred'; delayMs: number; reason: 'not-due' | 'recipient-busy' | 'interrupted' }
  /**
   * Not an attempt: the recipient agency is suspended, the delivery is held. Look again in delayMs. `recorded`: this
   * look wrote the hold into the store (the first look since the hold began), so the worker logs it once per hold.
   */
  | { kind: 'deferred'; delayMs: number; reason: 'recipient-suspended'; recorded: boolean };

/** The stable code that marks a held delivery's lastError (the text after it is for the operator). */
export const RECIPIENT_SUSPENDED = 'DELIVERY_RECIPIENT_SUSPENDED';

const { scheduleRetry, note, deadLetter, pushDelivered } = DELIVERY_STEPS;

export async function deliver(deps: DeliverDeps, deliveryId: string): Promise<DeliverOutcome> {
  const now = deps.now ?? (() => new Date());
  const delivery = await deps.store.getDelivery(deliveryId);
  if (!delivery) return { kind: 'skipped', state: 'missing' };
  if (!OPEN_STATES.includes(delivery.state)) return delivery.state === 'dead' ? alertAgain(deps, delivery) : skipped(deps, delivery.state);
  const due = dueInMs(delivery, now());
  if (delivery.state === 'retrying' && due > 20) return deferred(deps, due, 'not-due');

  const envelope = await deps.store.getEnvelope(delivery.envelopeId);
  if (!envelope) return toDead(deps, delivery, undefined, 'package-missing', 'the accepted package record is missing from the store', false);
  const agency = await deps.store.getAgency(delivery.recipientOrganId);
  if (!agency) return toDead(deps, delivery, envelope, 'recipient-unknown', `recipient agency ${delivery.recipientOrganId} is not registered`, false);

  // Pull: the inbox is left as it is (a suspended agency cannot authenticate to read it anyway).
  if (agency.deliveryMode === 'pull' || !agency.endpointUrl) return makeAvailable(deps, delivery, envelope);
  // Before the endpoint check: while suspended nothing is decided about the agency's endpoint either (an operator
  // may well be correcting it during the suspension).
  if (agency.state === 'suspended') return hold(deps, delivery, agency);
  if (!isHttpUrl(agency.endpointUrl)) {
    // No attempt can succeed until an operator corrects the agency: a dead letter says so, retrying would not.
    return toDead(deps, delivery, envelope, 'endpoint-invalid', `the endpoint URL of ${agency.organId} is not an http(s) URL`, false);
  }
  return pushOnce(deps, delivery, envelope, { ...agency, endpointUrl: agency.endpointUrl });
}

async function makeAvailable(deps: DeliverDeps, delivery: DeliveryRecord, envelope: EnvelopeRecord): Promise<DeliverOutcome> {
  const at = (deps.now ?? (() => new Date()))();
  // A hold marker from a suspension (the agency has since switched to pull) is cleared: it no longer says anything.
  const patch = { updatedAt: at.toISOString(), ...(isHeld(delivery) ? { lastError: undefined } : {}) };
  const moved = await deps.store.transitionDelivery(delivery.id, { step: DELIVERY_STEPS.makeAvailable, ifRevision: revisionOf(delivery), patch });
  if (!moved) return raced(deps, delivery.id);
  deps.observer.outcome('available', 'pull');
  deps.observer.acceptToDelivered(secondsSince(envelope.acceptedAt, at), 'pull');
  return { kind: 'available' };
}

async function pushOnce(deps: DeliverDeps, delivery: DeliveryRecord, envelope: EnvelopeRecord, agency: AgencyRecord & { endpointUrl: string }): Promise<DeliverOutcome> {
  const now = deps.now ?? (() => new Date());
  const leaseMs = deps.policy.connectTimeoutMs + deps.policy.responseTimeoutMs + 5000;
  const slot = deps.gate ? await deps.gate.acquire(agency.organId, deps.policy.recipient, leaseMs) : undefined;
  if (slot && !slot.granted) return deferred(deps, slot.retryInMs, 'recipient-busy');
  let result: PushResult;
  try {
    result = await buildPushRequest({ delivery, envelope, agency, blobs: deps.store.blobs, identity: deps.identity, policy: deps.policy, now: now() })
      .then((request) => deps.push.push(request), (error: unknown): PushResult => ({ kind: 'body-failed', error: error as Error }));
  } finally {
    // Not awaited: the outcome is recorded first even while Redis is away (the slot's lease ends by itself). Commands
    // on one connection run in order, so the next acquire of this worker still finds the slot released.
    if (slot?.granted) void slot.release().catch(() => undefined);
  }
  // The axis's own side, not the recipient's: no attempt is counted.
  if (result.kind === 'interrupted') return deferred(deps, 0, 'interrupted');
  if (result.kind === 'body-failed') {
    if (result.error.code === 'STORE_BLOB_NOT_FOUND') {
      return toDead(deps, delivery, envelope, 'package-missing', 'the raw package is no longer in the blob store (retention?)', false);
    }
    // Any other failure to read the package is the axis's: the worker looks again with its error backoff.
    throw result.error;
  }
  const at = now();
  const verdict = result.kind === 'response' ? verdictForStatus(result.status) : 'retry';
  if (verdict === 'delivered' && result.kind === 'response') return recordDelivered(deps, delivery, envelope, at, result.status);
  const attempts = delivery.attempts + 1;
  const error = describe(result);
  const spent = attempts >= deps.policy.maxAttempts;
  if (verdict === 'permanent' || spent) {
    return toDead(deps, { ...delivery, attempts: attempts - 1 }, envelope, verdict === 'permanent' ? 'permanent-failure' : 'retries-exhausted', error, true);
  }
  const retryAfterMs = result.kind === 'response' ? parseRetryAfterMs(result.retryAfter, at) : undefined;
  const delayMs = nextDelayMs(deps.policy, attempts, retryAfterMs, deps.random);
  const moved = await deps.store.transitionDelivery(delivery.id, {
    step: scheduleRetry,
    ifRevision: revisionOf(delivery),
    patch: { attempts, lastError: error, nextAttemptAt: new Date(at.getTime() + delayMs).toISOString(), updatedAt: at.toISOString() },
  });
  if (!moved) return raced(deps, delivery.id);
  deps.observer.retry(result.kind === 'response' ? String(result.status) : result.failure);
  deps.observer.outcome('retry', 'push');
  return { kind: 'retry', attempts, delayMs, error };
}

/**
 * Records a 2xx: proof that the recipient has the package, so it is recorded whatever happened to the delivery while
 * the push was in flight. The attempt is counted on the record as it is now, not as this job read it: a replay may
 * have started a fresh count, another worker may have counted its own attempt.
 */
async function recordDelivered(deps: DeliverDeps, read: DeliveryRecord, envelope: EnvelopeRecord, at: Date, status: number): Promise<DeliverOutcome> {
  let current = read;
  for (let tries = 1; ; tries += 1) {
    const attempts = current.attempts + 1;
    const moved = await deps.store.transitionDelivery(current.id, {
      step: pushDelivered,
      // Bounded: writers that keep changing the delivery under this one must not keep the 2xx from being recorded.
      ...(tries < 5 ? { ifRevision: revisionOf(current) } : {}),
      patch: { attempts, deliveredAt: at.toISOString(), updatedAt: at.toISOString(), nextAttemptAt: undefined, lastError: undefined },
      receipt: receiptFor('delivered', current, envelope, at, { mode: 'push', httpStatus: status, attempts }),
    });
    if (moved) {
      deps.observer.outcome('delivered', 'push');
      deps.observer.acceptToDelivered(secondsSince(envelope.acceptedAt, at), 'push');
      return { kind: 'delivered', attempts, status };
    }
    const now = await deps.store.getDelivery(current.id);
    if (!now || !pushDelivered.from.includes(now.state)) return skipped(deps, 'raced');
    current = now;
  }
}

/**
 * Holds a push delivery to a suspended agency: no attempt, attempts and state unchanged. The hold is written once
 * (lastError with the code, updatedAt = held since); later looks only read, so a suspended agency with a large
 * backlog costs one read per delivery per recheck, not a write.
 */
async function hold(deps: DeliverDeps, delivery: DeliveryRecord, agency: AgencyRecord): Promise<DeliverOutcome> {
  let recorded = false;
  if (!isHeld(delivery)) {
    const at = (deps.now ?? (() => new Date()))();
    const previous = delivery.lastError ? ` (error of the last attempt: ${delivery.lastError})` : '';
    const lastError = `${RECIPIENT_SUSPENDED}: recipient agency ${agency.organId} is suspended on the axis; the delivery is held (no attempt made) and goes out once the agency is resumed${previous}`;
    const moved = await deps.store.transitionDelivery(delivery.id, { step: note, ifRevision: revisionOf(delivery), patch: { lastError, updatedAt: at.toISOString() } });
    if (!moved) return raced(deps, delivery.id);
    recorded = true;
  }
  deps.observer.outcome('held', 'push');
  return { kind: 'deferred', delayMs: suspendedRecheckDelayMs(deps.policy, deps.random), reason: 'recipient-suspended', recorded };
}

/** The stable code that marks a delivery the axis itself keeps failing on (deliver() throwing: a bug, a store away). */
export const AXIS_ERROR = 'DELIVERY_AXIS_ERROR';
/** After this many unexpected errors in a row the delivery says so in the store, where operators list deliveries. */
export const AXIS_ERRORS_NOTED_AFTER = 3;

/**
 * Called by the worker when deliver() threw. Such errors are not attempts and never dead-letter (the fault is the
 * axis's, not the recipient's), so without this the delivery would look merely pending while it fails again and
 * again: once a run of errors reaches AXIS_ERRORS_NOTED_AFTER, its lastError says why. Best effort: when the store is
 * the part that fails, the write fails too and the logs are what is left.
 */
export async function noteUnexpectedError(deps: Pick<DeliverDeps, 'store' | 'now'>, deliveryId: string, errorsInARow: number, message: string): Promise<void> {
  if (errorsInARow !== AXIS_ERRORS_NOTED_AFTER) return;
  const at = (deps.now ?? (() => new Date()))();
  const lastError = `${AXIS_ERROR}: the axis failed ${errorsInARow} times in a row to handle this delivery (not counted as attempts; it keeps trying with a growing delay): ${message}`;
  await deps.store.transitionDelivery(deliveryId, { step: note, patch: { lastError, updatedAt: at.toISOString() } }).catch(() => undefined);
}

/** Whether the delivery is held for a suspended recipient (its lastError carries the hold's code). */
export function isHeld(delivery: DeliveryRecord): boolean {
  return delivery.lastError?.startsWith(`${RECIPIENT_SUSPENDED}:`) ?? false;
}

/** Dead-letters a delivery: `failed` receipt, alert. `attempted` counts the attempt that just ended. */
async function toDead(deps: DeliverDeps, delivery: DeliveryRecord, envelope: EnvelopeRecord | undefined, reason: string, error: string, attempted: boolean): Promise<DeliverOutcome> {
  const at = (deps.now ?? (() => new Date()))();
  const attempts = delivery.attempts + (attempted ? 1 : 0);
  const moved = await deps.store.transitionDelivery(delivery.id, {
    step: deadLetter,
    ifRevision: revisionOf(delivery),
    patch: { attempts, lastError: error, nextAttemptAt: undefined, updatedAt: at.toISOString() },
    ...(envelope ? { receipt: receiptFor('failed', delivery, envelope, at, { reason, error, attempts }) } : {}),
  });
  if (!moved) return raced(deps, delivery.id);
  deps.observer.outcome('dead', 'push');
  deps.alert({ deliveryId: delivery.id, envelopeId: delivery.envelopeId, recipientOrganId: delivery.recipientOrganId, reason, attempts, lastError: error, at: at.toISOString() });
  return { kind: 'dead', attempts, reason, error };
}

/**
 * A job that finds its delivery dead: an earlier run of this job recorded the dead letter and did not finish (its
 * worker killed between the commit and the alert, a commit reported failed after it had landed), so the alert may
 * never have gone out. It goes out now: each dead letter raises its alert at least once. Nothing else runs a job for
 * a dead delivery (a replay makes it pending first); the reason is the one its `failed` receipt recorded.
 */
async function alertAgain(deps: DeliverDeps, delivery: DeliveryRecord): Promise<DeliverOutcome> {
  const receipts = await deps.store.listReceipts({ envelopeId: delivery.envelopeId, limit: 1000 });
  const failed = receipts.filter((r) => r.type === 'failed' && r.deliveryId === delivery.id).at(-1);
  const reason = failed?.detail?.['reason'];
  deps.alert({
    deliveryId: delivery.id,
    envelopeId: delivery.envelopeId,
    recipientOrganId: delivery.recipientOrganId,
    reason: typeof reason === 'string' ? reason : 'unknown',
    attempts: delivery.attempts,
    lastError: delivery.lastError ?? '',
    at: delivery.updatedAt,
  });
  return skipped(deps, 'dead');
}

function receiptFor(type: 'delivered' | 'failed', delivery: DeliveryRecord, envelope: EnvelopeRecord, at: Date, detail: Record<string, unknown>): ReceiptDraft {
  return {
    type,
    envelopeId: envelope.id,
    deliveryId: delivery.id,
    documentId: envelope.documentId,
    subjectSha256: envelope.sha256,
    parties: [envelope.fromOrganId, delivery.recipientOrganId],
    at: at.toISOString(),
    detail,
  };
}

function describe(result: Extract<PushResult, { kind: 'response' | 'network' }>): string {
  if (result.kind === 'network') return `${result.failure}: ${result.message}`;
  const excerpt = result.bodyExcerpt.replace(/\s+/g, ' ').trim().slice(0, 300);
  return `HTTP ${result.status}${excerpt ? `: ${excerpt}` : ''}`;
}

function skipped(deps: DeliverDeps, state: string): DeliverOutcome {
  deps.observer.outcome('skipped', 'none');
  return { kind: 'skipped', state };
}

/**
 * Another writer changed the delivery between this job's read and its write (a stalled worker's late outcome, an
 * operator's replay), so this job's outcome was not recorded. If the delivery is still to be worked on, the job looks
 * again when it is due instead of ending: the other writer's job may be gone, and the sweeper is the last resort, not
 * the plan.
 */
async function raced(deps: DeliverDeps, deliveryId: string): Promise<DeliverOutcome> {
  const now = await deps.store.getDelivery(deliveryId);
  if (!now || !OPEN_STATES.includes(now.state)) return skipped(deps, 'raced');
  return deferred(deps, Math.max(0, dueInMs(now, (deps.now ?? (() => new Date()))())), 'not-due');
}

/** How long until the delivery's next attempt is due (0 or less: due now). */
function dueInMs(delivery: DeliveryRecord, at: Date): number {
  return delivery.nextAttemptAt ? Date.parse(delivery.nextAttemptAt) - at.getTime() : 0;
}

function deferred(deps: DeliverDeps, delayMs: number, reason: 'not-due' | 'recipient-busy' | 'interrupted'): DeliverOutcome {
  deps.observer.outcome('deferred', 'none');
  return { kind: 'deferred', delayMs: Math.max(1, Math.round(delayMs)), reason };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function secondsSince(iso: string, at: Date): number {
  const start = Date.parse(iso);
  return Number.isNaN(start) ? 0 : Math.max(0, (at.getTime() - start) / 1000);
}
