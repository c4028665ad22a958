/**
 * The stuck-delivery sweeper: the store is the source of truth, the queue only a reminder. Any delivery that should
 * be worked on (pending or retrying) but has no live job (a crash between commit and enqueue, a Redis that lost its
 * data, a job that failed out of BullMQ) is enqueued again. Enqueuing a delivery that does have a job is harmless.
 *
 * A run looks at most `maxChecked` deliveries, starting where the last run stopped (`cursor`, a delivery seq; 0 = from
 * the first) and going round to the start: a backlog of old open deliveries (a recipient down for a day, an agency
 * suspended for weeks) larger than one run must not hide the newer ones from every run.
 */
import type { DeliveryQueue, Store } from '../ports/index.js';

export interface SweepResult {
  checked: number;
  enqueued: string[];
  /** Where the next run starts: the seq after which it goes on, 0 once a run has gone all the way round. */
  cursor: number;
}

export async function sweepStuckDeliveries(
  store: Store,
  queue: DeliveryQueue,
  options: { pageSize?: number; maxChecked?: number; cursor?: number; enqueue?: (ids: string[]) => Promise<void> } = {},
): Promise<SweepResult> {
  const pageSize = options.pageSize ?? 500;
  const maxChecked = options.maxChecked ?? 100_000;
  const enqueue = options.enqueue ?? ((ids: string[]) => queue.enqueueDeliveries(ids));
  const start = Number.isSafeInteger(options.cursor) && options.cursor! > 0 ? options.cursor! : 0;
  const enqueued: string[] = [];
  let checked = 0;
  let after = start;
  // Started part-way: past the end, the run goes on from the first delivery up to where it started.
  let wrapped = start === 0;
  while (checked < maxChecked) {
    const limit = Math.min(pageSize, maxChecked - checked);
    const listed = await store.listDeliveries({ states: ['pending', 'retrying'], limit, after });
    const page = wrapped && start > 0 ? listed.filter((d) => d.seq <= start) : listed;
    const hasJob = await Promise.all(page.map((d) => queue.hasJob(d.id)));
    const missing = page.filter((_, i) => !hasJob[i]).map((d) => d.id);
    if (missing.length > 0) {
      await enqueue(missing);
      enqueued.push(...missing);
    }
    checked += page.length;
    const atEnd = listed.length < limit || page.length < listed.length;
    if (!atEnd) {
      after = listed[listed.length - 1]!.seq;
      continue;
    }
    if (wrapped) return { checked, enqueued, cursor: 0 };
    wrapped = true;
    after = 0;
  }
  return { checked, enqueued, cursor: after };
}
