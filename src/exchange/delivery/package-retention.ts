/**
 * Retention of raw packages: once a package is older than the policy and every recipient has it (delivered,
 * fetched, acknowledged, or withheld by a revocation), its raw bytes may be removed. The envelope metadata and every
 * receipt are always kept (receipts carry the package's SHA-256, so they still prove what was exchanged). Off by
 * default: an archive law, not this code, decides how long official documents are kept.
 */
import type { Store } from '../ports/index.js';
import type { DeliveryState } from '../model/index.js';

export interface RetentionPolicy {
  /** Raw packages older than this many days may be removed; undefined keeps them forever. */
  keepRawPackagesDays: number | undefined;
}

const RECEIVED: DeliveryState[] = ['delivered', 'fetched', 'acknowledged', 'withheld'];

export interface RetentionRun {
  removed: string[];
  /** Where the next run starts (0 again after the end is reached). */
  cursor: number;
}

export async function applyPackageRetention(
  store: Store,
  policy: RetentionPolicy,
  options: { now?: Date; cursor?: number; pageSize?: number; maxPages?: number } = {},
): Promise<RetentionRun> {
  if (policy.keepRawPackagesDays === undefined) return { removed: [], cursor: 0 };
  const cutoff = (options.now ?? new Date()).getTime() - policy.keepRawPackagesDays * 86_400_000;
  const pageSize = options.pageSize ?? 500;
  const removed: string[] = [];
  const seen = new Set<string>();
  let cursor = options.cursor ?? 0;
  for (let page = 0; page < (options.maxPages ?? 10); page += 1) {
    const deliveries = await store.listDeliveries({ states: RECEIVED, after: cursor, limit: pageSize });
    if (deliveries.length === 0) return { removed, cursor: 0 };
    for (const delivery of deliveries) {
      if (seen.has(delivery.envelopeId)) continue;
      seen.add(delivery.envelopeId);
      const envelope = await store.getEnvelope(delivery.envelopeId);
      if (!envelope) continue;
      // Deliveries are numbered in acceptance order: the first young one ends this run, to start here next time.
      if (Date.parse(envelope.acceptedAt) >= cutoff) return { removed, cursor };
      const all = await store.listDeliveriesForEnvelope(envelope.id);
      if (!all.every((d) => RECEIVED.includes(d.state))) continue;
      if (await store.blobs.has(envelope.sha256)) {
        await store.blobs.delete(envelope.sha256);
        removed.push(envelope.sha256);
      }
    }
    cursor = deliveries[deliveries.length - 1]?.seq ?? cursor;
  }
  return { removed, cursor };
}
