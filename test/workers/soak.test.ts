/**
 * The CI soak: 1,000 packages, a receiver failing 30% of requests, two delivery worker processes each SIGKILLed
 * once mid-run and replaced. Nothing is lost, every delivery ends delivered, each exactly once in the receipts, and
 * the receipt chain verifies from the first receipt to the last. (bench/soak.ts runs the larger one.)
 */
import { describe, expect, it } from 'vitest';
import { acceptPackage, allReceipts, verifyReceiptChain, waitForDeliveries } from '../delivery/harness.js';
import { waitFor } from '../support/wait-for.js';
import { useKillableAxis } from './killable-axis.js';

const PACKAGES = 1000;
const RECIPIENT = '000.00.00.H41';

describe('soak: 1,000 packages, 30% failures, two worker kills', () => {
  const suite = useKillableAxis('soak', RECIPIENT);

  it('loses nothing: every delivery delivered once, receipts chain intact', async () => {
    const { axis, receiver, queue } = suite;
    // Deterministic 30%: 3 of every 10 requests fail (503, 500, a dropped connection), whatever the key.
    receiver.behave(({ index }) => {
      const r = (index * 7) % 10;
      if (r === 0) return { status: 503, delayMs: 2 };
      if (r === 1) return { status: 500, delayMs: 2 };
      if (r === 2) return 'drop';
      return { status: 200, delayMs: 2 };
    });
    const env = { DELIVERY_CONCURRENCY: '16', DELIVERY_RECIPIENT_CONCURRENCY: '32', DELIVERY_MAX_ATTEMPTS: '30', DELIVERY_BASE_DELAY_MS: '20', DELIVERY_MAX_DELAY_MS: '200' };
    const spawn = () => suite.spawnDeliveryWorker(env);
    const [a, b] = await Promise.all([spawn(), spawn()]);
    expect(receiver.requests).toHaveLength(0);

    // Accepted first and enqueued in one go, so that the kills land in the middle of the deliveries.
    const ids: string[] = [];
    for (let i = 0; i < PACKAGES; i += 1) ids.push(...(await acceptPackage(axis.store, { to: [RECIPIENT] })).deliveries.map((d) => d.id));
    await queue.enqueueDeliveries(ids);

    await waitFor(() => expect(receiver.processed.size).toBeGreaterThanOrEqual(PACKAGES * 0.3), { timeout: 60_000, interval: 10 });
    expect(await a!.kill('SIGKILL')).toBe('SIGKILL');
    expect(receiver.processed.size).toBeLessThan(PACKAGES);
    await spawn();
    await waitFor(() => expect(receiver.processed.size).toBeGreaterThanOrEqual(PACKAGES * 0.6), { timeout: 60_000, interval: 10 });
    expect(await b!.kill('SIGKILL')).toBe('SIGKILL');
    expect(receiver.processed.size).toBeLessThan(PACKAGES);
    await spawn();

    const done = await waitForDeliveries(axis.store, ids, ['delivered', 'dead'], 90_000);
    const counts = await axis.store.countDeliveriesByState();
    expect(counts).toMatchObject({ pending: 0, retrying: 0, delivered: PACKAGES, dead: 0 });
    expect(done.every((d) => d.state === 'delivered')).toBe(true);

    const failures = receiver.requests.filter((r) => r.answer === 'drop' || (typeof r.answer === 'object' && r.answer.status >= 500)).length;
    expect(failures / receiver.requests.length).toBeGreaterThan(0.2);
    expect(receiver.processed.size).toBe(PACKAGES);
    expect([...new Set(receiver.requests.map((r) => r.idempotencyKey))].sort()).toEqual([...ids].sort());

    const receipts = await allReceipts(axis.store);
    const delivered = receipts.filter((r) => r.type === 'delivered').map((r) => r.deliveryId);
    expect(delivered).toHaveLength(PACKAGES);
    expect(new Set(delivered).size).toBe(PACKAGES);
    expect(receipts.filter((r) => r.type === 'accepted')).toHaveLength(PACKAGES);
    expect(verifyReceiptChain(receipts, { certificates: [axis.identity.certificateDer] })).toMatchObject({ valid: true, checked: receipts.length });
  }, 180_000);
});
