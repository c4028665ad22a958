/**
 * Gathers the enqueues asked for in one turn of the event loop into one call. A group commit releases the accepts
 * of several packages at once, and each then enqueues its own deliveries: gathered, they reach Redis as one
 * `addBulk` (one MULTI, one socket write, one timeout) instead of one each. Every caller gets the outcome of the
 * call that carried its ids: a failure reaches each of them, so each can leave its own deliveries to the sweeper
 * (when a turn held more than `maxIds` and only one of its calls failed, the others' callers hear of it too: their
 * deliveries are then counted as left to the sweeper, which finds their jobs already there).
 */
export class EnqueueBatch {
  private ids: string[] = [];
  private waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  /** `send` adds the given ids in one call; at most `maxIds` go in one (a larger request is split). */
  constructor(private readonly send: (ids: string[]) => Promise<void>, private readonly maxIds = 1000) {}

  add(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      for (const id of ids) this.ids.push(id); // not push(...ids): a sweeper's page may be longer than the stack allows
      this.waiters.push({ resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate, not a microtask: the accepts released together reach their enqueue a few awaits apart.
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Resolves once every enqueue asked for so far has had its answer from Redis (or its failure): before the
   * connection closes, so a caller that did not wait for its enqueue (the gateway answers first) is not cut off.
   */
  async settled(): Promise<void> {
    while (this.scheduled || this.inFlight.size > 0) {
      if (this.scheduled) await new Promise<void>((resolve) => setImmediate(resolve));
      else await Promise.allSettled([...this.inFlight]);
    }
  }

  private flush(): void {
    const ids = this.ids;
    const waiters = this.waiters;
    this.ids = [];
    this.waiters = [];
    this.scheduled = false;
    const calls: Promise<void>[] = [];
    for (let at = 0; at < ids.length; at += this.maxIds) calls.push(this.send(ids.slice(at, at + this.maxIds)));
    const done = Promise.all(calls).then(
      () => { for (const w of waiters) w.resolve(); },
      (error: unknown) => { for (const w of waiters) w.reject(error); },
    );
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }
}
