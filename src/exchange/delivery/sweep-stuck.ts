/**
 * The stuck-delivery sweeper: the store is the source of truth, the queue only a reminder. Any delivery that should
 * be worked on (pending or retrying) but has no live job (a crash between commit and enqueue, a Redis that lost its
 * data, a job that failed out of BullMQ) is enqueued again. Enqueuing a delivery that does have a job is harmless.
 */
import type { DeliveryQueue } from '../../queue/ports.js';
import type { Store } from '../../store/ports.js';

export interface SweepResult {
  checked: number;
  enqueued: string[];
}

export async function sweepStuckDeliveries(
  store: Store,
  queue: DeliveryQueue,
  options: { pageSize?: number; maxChecked?: number; enqueue?: (ids: string[]) => Promise<void> } = {},
): Promise<SweepResult> {
  const pageSize = options.pageSize ?? 500;
  const maxChecked = options.maxChecked ?? 100_000;
  const enqueue = options.enqueue ?? ((ids: string[]) => queue.enqueueDeliveries(ids));
  const enqueued: string[] = [];
  let checked = 0;
  let after: number | undefined;
  while (checked < maxChecked) {
    const page = await store.listDeliveries({ states: ['pending', 'retrying'], limit: pageSize, ...(after !== undefined ? { after } : {}) });
    if (page.length === 0) break;
    const missing: string[] = [];
    for (const delivery of page) if (!(await queue.hasJob(delivery.id))) missing.push(delivery.id);
    if (missing.length > 0) {
      await enqueue(missing);
      enqueued.push(...missing);
    }
    checked += page.length;
    after = page[page.length - 1]?.seq;
    if (page.length < pageSize) break;
  }
  return { checked, enqueued };
}
