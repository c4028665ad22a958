import { describe, expect, it } from 'vitest';
import { EnqueueBatch } from '../../src/queue/bullmq/enqueue-batch.js';

function recorder(fail?: (ids: string[]) => boolean) {
  const calls: string[][] = [];
  const batch = new EnqueueBatch(async (ids) => {
    calls.push(ids);
    if (fail?.(ids)) throw new Error('Redis is away');
  }, 3);
  return { calls, batch };
}

describe('EnqueueBatch', () => {
  it('sends the enqueues of one turn as one call, in the order asked; the next turn makes its own call', async () => {
    const { calls, batch } = recorder();
    await Promise.all([batch.add(['a']), batch.add([]), batch.add(['b', 'c'])]);
    await batch.add(['d']);
    expect(calls).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('gathers callers that reach it a few awaits apart within the turn', async () => {
    const { calls, batch } = recorder();
    const later = async (ids: string[], hops: number) => { for (let i = 0; i < hops; i++) await Promise.resolve(); return batch.add(ids); };
    await Promise.all([later(['a'], 0), later(['b'], 5), later(['c'], 20)]);
    expect(calls).toEqual([['a', 'b', 'c']]);
  });

  it('splits a turn larger than its limit into several calls', async () => {
    const { calls, batch } = recorder();
    await Promise.all([batch.add(['a', 'b']), batch.add(['c', 'd', 'e', 'f', 'g'])]);
    expect(calls).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
  });

  it('a failed call fails every caller of its turn, and the next turn starts afresh', async () => {
    const { calls, batch } = recorder((ids) => ids.includes('bad'));
    const outcomes = await Promise.allSettled([batch.add(['ok']), batch.add(['bad'])]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect((outcomes[0] as PromiseRejectedResult).reason).toEqual(new Error('Redis is away'));
    await expect(batch.add(['fine'])).resolves.toBeUndefined();
    expect(calls).toEqual([['ok', 'bad'], ['fine']]);
  });

  it('sends nothing for an empty request', async () => {
    const { calls, batch } = recorder();
    await batch.add([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([]);
  });

  it('settled() waits for an enqueue not sent yet and for one Redis has not answered, failed or not', async () => {
    const answers: (() => void)[] = [];
    const sent: string[][] = [];
    const batch = new EnqueueBatch((ids) => {
      sent.push(ids);
      return new Promise<void>((resolve, reject) => answers.push(ids.includes('bad') ? () => reject(new Error('Redis is away')) : resolve));
    });
    const outcomes = [batch.add(['a']).then(() => 'a ok', () => 'failed'), batch.add(['bad']).catch(() => 'failed')];
    let settled = false;
    const settling = batch.settled().then(() => { settled = true; });
    // Not sent yet when settled() was asked: it waits for the turn's call, then for its answer.
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual([['a', 'bad']]);
    // A whole turn of the event loop later every continuation of the send has run: settled() is still waiting, on
    // the answer alone.
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    answers[0]!();
    await settling;
    expect(await Promise.all(outcomes)).toEqual(['failed', 'failed']);
    // Nothing in flight: at once.
    await expect(batch.settled()).resolves.toBeUndefined();
  });
});
