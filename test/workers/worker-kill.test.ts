/**
 * A delivery worker process SIGKILLed in the middle of pushing: its jobs stall and are taken over by another worker,
 * every delivery completes, and the receiving endpoint only ever sees each package under its one idempotency key.
 */
import { describe, expect, it } from 'vitest';
import { acceptPackage, allReceipts, verifyReceiptChain, waitForDeliveries } from '../delivery/harness.js';
import { waitFor } from '../support/wait-for.js';
import { useKillableAxis } from './killable-axis.js';

const RECIPIENT = '000.00.00.H41';

describe('a worker process killed mid-run', () => {
  const suite = useKillableAxis('kill', RECIPIENT);

  it('every delivery completes and no idempotency key is processed twice', async () => {
    const { axis, receiver, queue } = suite;
    // From the 13th push on, answers wait for the kill: pushes are in flight when it lands, whatever the machine's
    // speed (their packages processed by the receiver, their answers never reaching the killed worker).
    let killed!: () => void;
    const afterKill = new Promise<void>((resolve) => { killed = resolve; });
    receiver.behave(({ index }) => (index < 12 ? { status: 200 } : { status: 200, after: afterKill }));
    const ids: string[] = [];
    for (let i = 0; i < 60; i += 1) ids.push(...(await acceptPackage(axis.store, { to: [RECIPIENT] })).deliveries.map((d) => d.id));

    const first = await suite.spawnDeliveryWorker({ DELIVERY_CONCURRENCY: '8' });
    await queue.enqueueDeliveries(ids);
    await waitFor(() => expect(receiver.requests.length).toBeGreaterThanOrEqual(13), { interval: 10 });
    expect(await first.kill('SIGKILL')).toBe('SIGKILL');
    killed();
    const beforeSecond = receiver.processed.size;
    expect(beforeSecond).toBeLessThan(ids.length);

    await suite.spawnDeliveryWorker({ DELIVERY_CONCURRENCY: '8' });
    const done = await waitForDeliveries(axis.store, ids, ['delivered'], 40_000);

    expect(done).toHaveLength(ids.length);
    const keys = new Set(receiver.requests.map((r) => r.idempotencyKey));
    expect([...keys].sort()).toEqual([...ids].sort());
    expect([...receiver.processed.values()].every((n) => n === 1)).toBe(true);
    expect(receiver.processed.size).toBe(ids.length);
    // The pushes in flight at the kill were taken over after their lock expired and sent again, same key.
    const repeated = [...keys].filter((k) => receiver.requests.filter((r) => r.idempotencyKey === k).length > 1);
    expect(repeated.length).toBeGreaterThanOrEqual(1);
    // One package, one key: a package never arrives under a second key.
    const keysPerPackage = new Map<string, Set<string>>();
    for (const r of receiver.requests) keysPerPackage.set(r.packageId, (keysPerPackage.get(r.packageId) ?? new Set()).add(r.idempotencyKey));
    expect([...keysPerPackage.values()].every((s) => s.size === 1)).toBe(true);

    const receipts = await allReceipts(axis.store);
    const delivered = receipts.filter((r) => r.type === 'delivered').map((r) => r.deliveryId);
    expect(delivered.sort()).toEqual([...ids].sort());
    expect(verifyReceiptChain(receipts, { certificates: [axis.identity.certificateDer] })).toMatchObject({ valid: true });
  });
});
