/**
 * The set-up the crash tests share: a test axis on the embedded store, one push recipient served by a local receiver,
 * a producer queue under a prefix of its own, and the worker processes the test spawns (SIGKILLed if still alive at
 * the end). Registers its own beforeAll/afterAll; read the fields inside tests only.
 */
import { afterAll, beforeAll } from 'vitest';
import { createBullmqDeliveryQueue, type BullmqDeliveryQueue } from '../../src/queue/bullmq/delivery-queue.js';
import { addAgency, openTestAxis, SENDER, startReceiver, type TestAxis, type TestReceiver } from '../delivery/harness.js';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../delivery/redis-fixture.js';
import { spawnWorker, type WorkerProcess } from './worker-process.js';

export interface KillableAxis {
  axis: TestAxis;
  receiver: TestReceiver;
  queue: BullmqDeliveryQueue;
  prefix: string;
  /** Spawns a delivery worker process on this axis and prefix; it is killed after the suite if still running. */
  spawnDeliveryWorker(env?: Record<string, string>): Promise<WorkerProcess>;
}

export function useKillableAxis(name: string, recipient: string): KillableAxis {
  const prefix = uniquePrefix(name);
  const processes: WorkerProcess[] = [];
  const ctx = { prefix } as KillableAxis;
  ctx.spawnDeliveryWorker = async (env) => {
    const p = await spawnWorker('delivery', { dataDir: ctx.axis.dataDir, prefix, ...(env ? { env } : {}) });
    processes.push(p);
    return p;
  };
  beforeAll(async () => {
    ctx.axis = await openTestAxis();
    ctx.receiver = await startReceiver(ctx.axis.identity.certificateDer);
    await addAgency(ctx.axis.store, SENDER);
    await addAgency(ctx.axis.store, recipient, ctx.receiver.url);
    ctx.queue = createBullmqDeliveryQueue({ redisUrl: REDIS_URL, prefix });
  });
  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) await p.kill('SIGKILL');
    await ctx.queue.close();
    await ctx.receiver.close();
    await ctx.axis.close();
    await dropPrefix(prefix);
  });
  return ctx;
}
