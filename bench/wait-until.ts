/**
 * The one way the bench scripts wait for something to happen (they run outside vitest, so they cannot use
 * vi.waitFor as the tests do): check every `intervalMs` until `condition` holds, or fail after `timeoutMs` naming
 * `what` was awaited. The timeout is a deadline for an event, not a measure: what a bench measures it times itself.
 */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
