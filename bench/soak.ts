/**
 * The larger soak (the CI one is test/workers/soak.test.ts): SOAK_PACKAGES packages to SOAK_RECIPIENTS push
 * recipients, a receiver failing SOAK_FAILURE of requests (5xx and dropped connections), SOAK_WORKERS delivery
 * worker processes of which one is SIGKILLed and replaced every SOAK_KILL_EVERY_MS. At the end: nothing lost, every
 * delivery terminal and delivered once in the receipts, the receipt chain verified end to end.
 *
 *   node --import tsx bench/soak.ts                      (10,000 packages, 2 recipients, 30% failures, 3 workers)
 *   SOAK_PACKAGES=50000 SOAK_KILL_EVERY_MS=5000 node --import tsx bench/soak.ts
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { verifyReceiptChain } from '../src/ledger/index.js';
import { createBullmqDeliveryQueue } from '../src/queue/bullmq/delivery-queue.js';
import type { ReceiptRecord } from '../src/exchange/model/index.js';
import { accept, addAgency, dropPrefix, openBenchAxis, packageBytes, SENDER, spawnDeliveryWorker, startBenchReceiver, until } from './delivery-harness.js';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const PACKAGES = env('SOAK_PACKAGES', 10_000);
const RECIPIENTS = env('SOAK_RECIPIENTS', 2);
const FAILURE = env('SOAK_FAILURE', 0.3);
const WORKERS = env('SOAK_WORKERS', 3);
const KILL_EVERY_MS = env('SOAK_KILL_EVERY_MS', 4000);
const SIZE = env('SOAK_PACKAGE_BYTES', 4096);
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

function startWorker(dataDir: string, prefix: string): ChildProcess {
  return spawnDeliveryWorker({
    dataDir, prefix, redisUrl: REDIS_URL,
    env: {
      LOG_LEVEL: 'warn', DELIVERY_MAX_ATTEMPTS: '40', DELIVERY_BASE_DELAY_MS: '50', DELIVERY_MAX_DELAY_MS: '1000', DELIVERY_MIN_DELAY_MS: '10',
      DELIVERY_RESPONSE_TIMEOUT_MS: '5000', DELIVERY_CONCURRENCY: '16', DELIVERY_RECIPIENT_CONCURRENCY: '32',
      WORKER_LOCK_MS: '3000', WORKER_STALLED_INTERVAL_MS: '1500', SWEEP_EVERY_MS: '5000',
    },
  }).child;
}

async function main(): Promise<void> {
  const axis = await openBenchAxis();
  const receiver = await startBenchReceiver();
  // Deterministic share of failures, spread evenly: 5xx, 503 with Retry-After 0, dropped connections.
  const failEvery = FAILURE > 0 ? 1 / FAILURE : Number.POSITIVE_INFINITY;
  let failed = 0;
  receiver.answer = (index) => {
    if (Math.floor((index + 1) / failEvery) > Math.floor(index / failEvery)) {
      failed += 1;
      return failed % 3 === 0 ? 'drop' : failed % 3 === 1 ? 500 : 503;
    }
    return 200;
  };
  const prefix = `edxsoak-${randomUUID().slice(0, 8)}`;
  const to = Array.from({ length: RECIPIENTS }, (_, i) => `000.00.00.S${String(i + 1).padStart(2, '0')}`);
  await addAgency(axis.store, SENDER);
  for (const organId of to) await addAgency(axis.store, organId, `${receiver.url}/${organId}`);
  const queue = createBullmqDeliveryQueue({ redisUrl: REDIS_URL, prefix });
  const workers = Array.from({ length: WORKERS }, () => startWorker(axis.dataDir, prefix));
  let kills = 0;
  const killer = setInterval(() => {
    const victim = kills % workers.length;
    workers[victim]?.kill('SIGKILL');
    workers[victim] = startWorker(axis.dataDir, prefix);
    kills += 1;
  }, KILL_EVERY_MS);

  const started = Date.now();
  const ids: string[] = [];
  for (let i = 0; i < PACKAGES; i += 1) {
    ids.push(...(await accept(axis.store, queue, to, packageBytes(SIZE))).deliveryIds);
    if (i % 1000 === 999) console.log(`accepted ${i + 1} (${receiver.received.size} delivered so far)`);
  }
  await until(async () => {
    const counts = await axis.store.countDeliveriesByState();
    return counts.pending + counts.retrying === 0;
  }, 3_600_000, 'every delivery terminal');
  clearInterval(killer);
  const seconds = (Date.now() - started) / 1000;
  for (const w of workers) w.kill('SIGTERM');

  const counts = await axis.store.countDeliveriesByState();
  const receipts: ReceiptRecord[] = [];
  for (;;) {
    const page = await axis.store.listReceipts({ after: receipts.at(-1)?.seq ?? 0, limit: 5000 });
    receipts.push(...page);
    if (page.length < 5000) break;
  }
  const delivered = receipts.filter((r) => r.type === 'delivered').map((r) => r.deliveryId);
  const chain = verifyReceiptChain(receipts, { certificates: [axis.identity.certificateDer] });
  const lost = ids.filter((id) => !receiver.received.has(id)).length;
  const twice = [...receiver.received.values()].filter((n) => n > 1).length;
  console.log(JSON.stringify({
    packages: PACKAGES, deliveries: ids.length, seconds: Number(seconds.toFixed(1)), deliveriesPerSecond: Number((ids.length / seconds).toFixed(1)),
    requests: receiver.requests, failuresInjected: failed, workerKills: kills, states: counts,
    deliveredReceipts: delivered.length, distinctDeliveredReceipts: new Set(delivered).size,
    lostAtReceiver: lost, keysAnsweredTwice: twice, chain: { valid: chain.valid, checked: chain.checked, code: chain.code },
  }, null, 2));
  const ok = lost === 0 && counts.delivered === ids.length && new Set(delivered).size === ids.length && delivered.length === ids.length && chain.valid;
  console.log(ok ? 'SOAK OK: 0 lost, all delivered once, receipt chain intact' : 'SOAK FAILED');
  await queue.close();
  await receiver.close();
  await axis.store.close();
  await dropPrefix(REDIS_URL, prefix);
  process.exit(ok ? 0 : 1);
}

await main();
