/**
 * Deliveries held because their recipient agency was suspended (deliver.ts writes lastError
 * `DELIVERY_RECIPIENT_SUSPENDED: ...` and looks again every suspendedRecheckMs). When an operator resumes the agency
 * they are woken at once instead of at their next recheck, up to a minute later.
 */
import type { DeliveryQueue, Store } from '../ports/index.js';
import type { DeliveryRecord } from '../model/index.js';
import { isHeld } from './deliver.js';

const PAGE = 500;

export async function heldDeliveryIds(store: Store, recipientOrganId: string): Promise<string[]> {
  const held: string[] = [];
  let after = 0;
  for (;;) {
    const page: DeliveryRecord[] = await store.listDeliveries({ recipientOrganId, states: ['pending', 'retrying'], after, limit: PAGE });
    for (const d of page) if (isHeld(d)) held.push(d.id);
    if (page.length < PAGE) return held;
    after = page[page.length - 1]!.seq;
  }
}

/** Wakes the held deliveries of a resumed agency; returns how many jobs were made due now. */
export async function wakeHeldDeliveries(store: Store, queue: DeliveryQueue, recipientOrganId: string): Promise<number> {
  const ids = await heldDeliveryIds(store, recipientOrganId);
  return ids.length === 0 ? 0 : queue.wakeDeliveries(ids);
}
