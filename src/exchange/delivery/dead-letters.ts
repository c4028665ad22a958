/**
 * Dead letters for operators: list them (API, `edx admin deliveries --state dead`; the web UI lists any state) and
 * replay one after the cause is fixed (`edx admin replay ID`): dead -> pending with a fresh set of attempts, a
 * `replayed` receipt, re-enqueued.
 */
import { AxisError } from '../../errors/axis-error.js';
import type { DeliveryQueue, Store } from '../ports/index.js';
import { DELIVERY_STEPS, revisionOf, type DeliveryRecord, type DeliveryState, type ReceiptRecord } from '../model/index.js';
import { wakeHeldDeliveries } from './held-deliveries.js';

export interface DeadLetter {
  deliveryId: string;
  /** The package, as the API names it everywhere else (the Delivery schema's `packageId`). */
  packageId: string;
  /** The recipient agency, as the Delivery schema names it. */
  recipient: string;
  /** The same as `packageId`, under the name this list used first (kept for existing clients). */
  envelopeId: string;
  /** The same as `recipient`, under the name this list used first (kept for existing clients). */
  recipientOrganId: string;
  fromOrganId?: string;
  documentId?: string;
  attempts: number;
  lastError?: string;
  deadSince: string;
  /** Paging cursor: pass the last one as `after`. */
  seq: number;
}

/** One delivery as operators read it in a list: where it stands, with the package's sender and DocumentId. */
export interface DeliveryListItem {
  deliveryId: string;
  packageId: string;
  recipient: string;
  state: DeliveryState;
  fromOrganId?: string;
  documentId?: string;
  attempts: number;
  lastError?: string;
  nextAttemptAt?: string;
  updatedAt: string;
  /** Paging cursor: pass the last one as `after`. */
  seq: number;
}

/** The largest page of a list (dead letters or any state); the HTTP route and the CLI refuse a larger limit rather than cut it short. */
export const DEAD_LETTER_PAGE_MAX = 1000;

/** A page of the deliveries in one state (to one recipient, if named), oldest first. */
export async function listDeliveriesInState(store: Store, query: { state: DeliveryState; recipient?: string; limit: number; after?: number }): Promise<{ items: DeliveryListItem[]; nextCursor?: number }> {
  const limit = Math.max(1, Math.min(DEAD_LETTER_PAGE_MAX, Math.floor(query.limit)));
  const deliveries = await store.listDeliveries({
    states: [query.state], limit,
    ...(query.recipient !== undefined ? { recipientOrganId: query.recipient } : {}),
    ...(query.after !== undefined ? { after: query.after } : {}),
  });
  const envelopes = new Map<string, Awaited<ReturnType<Store['getEnvelope']>>>();
  const items: DeliveryListItem[] = [];
  for (const d of deliveries) {
    if (!envelopes.has(d.envelopeId)) envelopes.set(d.envelopeId, await store.getEnvelope(d.envelopeId));
    const envelope = envelopes.get(d.envelopeId);
    items.push({
      deliveryId: d.id,
      packageId: d.envelopeId,
      recipient: d.recipientOrganId,
      state: d.state,
      ...(envelope ? { fromOrganId: envelope.fromOrganId, documentId: envelope.documentId } : {}),
      attempts: d.attempts,
      ...(d.lastError !== undefined ? { lastError: d.lastError } : {}),
      ...(d.nextAttemptAt !== undefined ? { nextAttemptAt: d.nextAttemptAt } : {}),
      updatedAt: d.updatedAt,
      seq: d.seq,
    });
  }
  const last = deliveries[deliveries.length - 1];
  return deliveries.length === limit && last ? { items, nextCursor: last.seq } : { items };
}

export async function listDeadLetters(store: Store, query: { limit: number; after?: number }): Promise<{ items: DeadLetter[]; nextCursor?: number }> {
  const page = await listDeliveriesInState(store, { state: 'dead', ...query });
  const items = page.items.map((d): DeadLetter => ({
    deliveryId: d.deliveryId,
    packageId: d.packageId,
    recipient: d.recipient,
    envelopeId: d.packageId,
    recipientOrganId: d.recipient,
    ...(d.fromOrganId !== undefined ? { fromOrganId: d.fromOrganId } : {}),
    ...(d.documentId !== undefined ? { documentId: d.documentId } : {}),
    attempts: d.attempts,
    ...(d.lastError !== undefined ? { lastError: d.lastError } : {}),
    deadSince: d.updatedAt,
    seq: d.seq,
  }));
  return page.nextCursor !== undefined ? { items, nextCursor: page.nextCursor } : { items };
}

export interface ReplayResult {
  deliveryId: string;
  state: DeliveryRecord['state'];
  receipt: ReceiptRecord | undefined;
}

export async function replayDelivery(store: Store, queue: DeliveryQueue, deliveryId: string, by: string): Promise<ReplayResult> {
  const current = await store.getDelivery(deliveryId);
  if (!current) throw new AxisError('DELIVERY_NOT_FOUND', `There is no delivery ${deliveryId}.`, { deliveryId });
  const envelope = await store.getEnvelope(current.envelopeId);
  const at = new Date().toISOString();
  // On the revision read above, so the receipt's previous attempts and error are the ones the replay undid.
  const moved = await store.transitionDelivery(deliveryId, {
    step: DELIVERY_STEPS.replay,
    ifRevision: revisionOf(current),
    patch: { attempts: 0, nextAttemptAt: undefined, updatedAt: at },
    receipt: {
      type: 'replayed',
      envelopeId: current.envelopeId,
      deliveryId,
      ...(envelope ? { documentId: envelope.documentId } : {}),
      subjectSha256: envelope?.sha256 ?? '0'.repeat(64),
      parties: envelope ? [envelope.fromOrganId, current.recipientOrganId] : [current.recipientOrganId],
      at,
      detail: { by, previousAttempts: current.attempts, previousError: current.lastError ?? null },
    },
  });
  if (!moved) {
    const now = await store.getDelivery(deliveryId);
    if (now?.state === 'dead') {
      throw new AxisError('DELIVERY_STATE_CONFLICT', `Delivery ${deliveryId} changed while it was being replayed (another replay?); look at it again before replaying it.`, { deliveryId, state: now.state });
    }
    throw new AxisError('DELIVERY_STATE_CONFLICT', `Delivery ${deliveryId} is ${now?.state ?? 'gone'}, not dead: only a dead-lettered delivery can be replayed.`, { deliveryId, state: now?.state });
  }
  // After the commit: if Redis is away now, the sweeper finds the pending delivery without a job and enqueues it.
  await queue.enqueueDeliveries([deliveryId]);
  return { deliveryId, state: moved.delivery.state, receipt: moved.receipt };
}

/** Delivery administration as operators use it (the operator API and `edx admin`). */
export interface DeliveryAdmin {
  /** A page of dead letters; `nextCursor` (pass as `after`) when there may be more. Reads the store only. */
  listDead(input: { after?: number; limit: number }): Promise<{ items: DeadLetter[]; nextCursor?: number }>;
  /** A page of the deliveries in one state, to one recipient if named (the web UI's deliveries page). */
  list(input: { state: DeliveryState; recipient?: string; after?: number; limit: number }): Promise<{ items: DeliveryListItem[]; nextCursor?: number }>;
  replay(deliveryId: string): Promise<ReplayResult>;
  /** After an agency is resumed: its held deliveries go out now rather than at their next recheck. */
  wakeHeld(recipientOrganId: string): Promise<number>;
}

export function createDeliveryAdmin(deps: { store: Store; queue: DeliveryQueue | undefined; by?: string }): DeliveryAdmin {
  return {
    listDead: (input) => listDeadLetters(deps.store, input),
    list: (input) => listDeliveriesInState(deps.store, input),
    async replay(deliveryId) {
      if (!deps.queue) throw new AxisError('SERVICE_UNAVAILABLE', 'The delivery queue is not configured on this node: a replay cannot be scheduled.');
      return replayDelivery(deps.store, deps.queue, deliveryId, deps.by ?? 'operator');
    },
    async wakeHeld(recipientOrganId) {
      // Without a queue the held deliveries still go out at their next recheck: nothing is lost, only time.
      return deps.queue ? wakeHeldDeliveries(deps.store, deps.queue, recipientOrganId) : 0;
    },
  };
}
