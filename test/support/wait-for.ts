/**
 * The one way tests wait for something to happen: vitest's vi.waitFor, with a patience that suits a loaded 2-core
 * machine (vitest's default gives up after 1 s). The check throws (an expect that fails) until the thing happened;
 * its last error is what the test reports if it never does. A timeout here is a deadline for an event, never a
 * measure of speed: tests assert what happened and in what order, not how fast.
 */
import { vi } from 'vitest';

export interface Patience {
  /** How long to keep checking before failing, ms (default 30 s). */
  timeout?: number;
  /** Between checks, ms (default 20). */
  interval?: number;
}

export function waitFor<T>(check: () => T | Promise<T>, patience: Patience = {}): Promise<T> {
  return vi.waitFor(check, { timeout: patience.timeout ?? 30_000, interval: patience.interval ?? 20 });
}
