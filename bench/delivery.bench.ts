/**
 * End-to-end delivery: packages of 20 KiB accepted into the real embedded store (blob, envelope, deliveries,
 * signed `accepted` receipt), enqueued on BullMQ, pushed by the delivery worker (signed request) to a local
 * endpoint, and recorded `delivered` with a signed receipt. Throughput and accept-to-delivered p50/p99, to 1 and to
 * 5 recipients, against a reference measured in the same run: plain keep-alive POSTs of the same bytes to the same
 * endpoint. Targets (issue 5): >= 500 packages/s delivered to one recipient; cost linear in recipients.
 * Then the same through the real gateway: signed packages POSTed by an agency client to the compiled gateway (ROLE=all,
 * as `npm start` runs it), checked, stored and pushed: send-to-delivered throughput and latency.
 *
 * Each case through the gateway starts measuring after BENCH_GATEWAY_WARMUP packages and prints where the machine's
 * CPU went (axis processes, this benchmark's client and receiver, Redis) and how busy the machine was.
 *
 *   npm run bench:delivery                      (BENCH_PACKAGES=1000 BENCH_PACKAGES_5=300 BENCH_PACKAGES_GATEWAY=2000 by default)
 *   BENCH_WORKER_CONCURRENCY=64 BENCH_PACKAGES=2000 npm run bench:delivery
 *   BENCH_WORKER_PROCESSES=1 (workers as a process), BENCH_SEND_CONCURRENCY=16, BENCH_DATA_DIR=/dev/shm (no disk fsync)
 *   BENCH_ONLY=gateway (only the cases through the gateway), BENCH_GATEWAY_CONNECTIONS=16,32, BENCH_GATEWAY_WARMUP=2000,
 *   BENCH_GATEWAY_ROLES=all,split (which deployments),
 *   INSPECT_THREADS=n (passed to the gateway), BENCH_GATEWAY_NODE_FLAGS="--cpu-prof ..." with BENCH_STDOUT=file (the
 *   gateway's stdout, marked where measuring starts and ends: for --trace-opt / --trace-deopt)
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { availableParallelism } from 'node:os';
import { Redis } from 'ioredis';
import { signRequest } from '../src/http/rest/request-signing.js';
import { createHttpPushClient } from '../src/push/http-push-client.js';
import { createPushEndpointPolicy } from '../src/exchange/agencies/push-endpoint-policy.js';
import { startWorkers } from '../src/main/start-workers.js';
import { createMetrics } from '../src/observability/metrics.js';
import { AGENCY_A, AGENCY_B, contextSwitchesOf, cpuSecondsOf, signedPackages, startBenchGateway, startProcess, stopProcess, type Credentials, type SignedPackage } from './gateway-harness.js';
import { accept, addAgency, dropPrefix, LOOPBACK_PUSH_ENV, LOOPBACK_PUSH_RULES, openBenchAxis, packageBytes, percentile, SENDER, spawnDeliveryWorker, startBenchReceiver, until, type BenchReceiver } from './delivery-harness.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const SIZE = 20 * 1024;
const PACKAGES_1 = Number(process.env['BENCH_PACKAGES'] ?? 1000);
const PACKAGES_5 = Number(process.env['BENCH_PACKAGES_5'] ?? 300);
/** Packages for the case through the real gateway (signed, verified, stored, pushed). */
const PACKAGES_GATEWAY = Number(process.env['BENCH_PACKAGES_GATEWAY'] ?? 2000);
const CONCURRENCY = Number(process.env['BENCH_WORKER_CONCURRENCY'] ?? 32);
/** Packages being accepted at once, as concurrent gateway requests would be (a store that groups commits gains). */
const SEND_CONCURRENCY = Number(process.env['BENCH_SEND_CONCURRENCY'] ?? 16);
/** Agency connections for the cases through the gateway: the default, and a second run with more senders at once. */
const GATEWAY_CONNECTIONS = (process.env['BENCH_GATEWAY_CONNECTIONS'] ?? '16,32').split(',').map(Number).filter((n) => n > 0);
/** BENCH_GATEWAY_ROLES=all,split: the deployments measured through the gateway. */
const GATEWAY_DEPLOYMENTS = ([['one process', 'ROLE=all, one process (npm start)'], ['split', 'ROLE=gateway + a delivery worker process']] as const)
  .filter(([roles]) => (process.env['BENCH_GATEWAY_ROLES'] ?? 'all,split').split(',').includes(roles === 'split' ? 'split' : 'all'));
/**
 * Packages sent through the gateway before measuring. A long-running gateway is past V8's tier-up: with 100 the
 * measured stretch still paid for background compilation (the V8 helper threads used 0.94 ms of CPU per package;
 * 0.54 after 2000, about the same after 6000), which a server that has been up for a minute no longer pays.
 */
const GATEWAY_WARMUP = Number(process.env['BENCH_GATEWAY_WARMUP'] ?? 2000);
/** 0: the workers run in this process (as `npm start` does); n: n delivery worker processes (scale-out). */
const WORKER_PROCESSES = Number(process.env['BENCH_WORKER_PROCESSES'] ?? 0);

interface CaseResult {
  recipients: number;
  packages: number;
  deliveries: number;
  sendSeconds: number;
  totalSeconds: number;
  deliveriesPerSecond: number;
  packagesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time of this process (user + system) per package: what bounds throughput on an idle machine (in-process workers only). */
  cpuMsPerPackage: number;
}

/** Reference: the same bytes POSTed straight to the endpoint, CONCURRENCY at a time, no store, no queue. */
async function rawPostRate(receiver: BenchReceiver, count: number): Promise<number> {
  const client = createHttpPushClient({ endpoints: createPushEndpointPolicy(LOOPBACK_PUSH_RULES) });
  const body = packageBytes(SIZE);
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < count) {
      next += 1;
      await client.push({ url: `${receiver.url}/raw`, headers: { 'idempotency-key': randomUUID() }, body, contentLength: body.length, connectTimeoutMs: 5000, responseTimeoutMs: 5000 });
    }
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  client.close();
  return count / seconds;
}

/**
 * live: packages are accepted one after the other and enqueued after each commit, as the gateway does, while the
 * workers deliver: throughput and accept-to-delivered latency of the whole path. backlog: the packages are accepted
 * first and enqueued in one go: how fast the delivery side alone drains a queue (latency not meaningful).
 */
async function runCase(recipients: number, packages: number, receiver: BenchReceiver, mode: 'live' | 'backlog' = 'live'): Promise<CaseResult> {
  const axis = await openBenchAxis();
  const prefix = `edxbench-${randomUUID().slice(0, 8)}`;
  const to = Array.from({ length: recipients }, (_, i) => `000.00.00.R${String(i + 1).padStart(2, '0')}`);
  await addAgency(axis.store, SENDER);
  for (const organId of to) await addAgency(axis.store, organId, `${receiver.url}/${organId}`);
  const workers = await startWorkers({
    store: axis.store,
    identity: axis.identity,
    redisUrl: REDIS_URL,
    prefix,
    metrics: createMetrics(),
    concurrency: CONCURRENCY,
    delivery: { recipient: { concurrency: CONCURRENCY * Math.max(1, WORKER_PROCESSES), ratePerSecond: 0 } },
    roles: { delivery: WORKER_PROCESSES === 0, maintenance: false },
    pushEndpoints: LOOPBACK_PUSH_RULES,
  });
  const processes = Array.from({ length: WORKER_PROCESSES }, () => spawnDeliveryWorker({
    dataDir: axis.dataDir, prefix, redisUrl: REDIS_URL,
    env: { LOG_LEVEL: 'info', DELIVERY_CONCURRENCY: String(CONCURRENCY), DELIVERY_RECIPIENT_CONCURRENCY: String(CONCURRENCY * WORKER_PROCESSES), DELIVERY_RECIPIENT_RATE: '0' },
  }));
  await Promise.all(processes.map((p) => p.started));
  const before = receiver.received.size;
  const bodies = Array.from({ length: packages }, () => packageBytes(SIZE));
  const ids: string[] = [];
  if (mode === 'backlog') for (const bytes of bodies) ids.push(...(await accept(axis.store, undefined, to, bytes)).deliveryIds);
  const cpu = process.cpuUsage();
  const started = Date.now();
  if (mode === 'live') {
    let next = 0;
    await Promise.all(Array.from({ length: SEND_CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const bytes = bodies[next++]!;
        ids.push(...(await accept(axis.store, workers.queue, to, bytes)).deliveryIds);
      }
    }));
  } else {
    await workers.queue.enqueueOrThrow(ids);
  }
  const sendSeconds = Math.max(0.001, (Date.now() - started) / 1000);
  await until(() => receiver.received.size - before >= ids.length, 600_000, 'every push');
  await until(async () => (await axis.store.countDeliveriesByState()).delivered === ids.length, 60_000, 'every delivered record');
  const used = process.cpuUsage(cpu);

  const latencies: number[] = [];
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const id of ids) {
    const d = await axis.store.getDelivery(id);
    const envelope = d && (await axis.store.getEnvelope(d.envelopeId));
    if (!d?.deliveredAt || !envelope) throw new Error(`delivery ${id} not delivered`);
    const accepted = Date.parse(envelope.acceptedAt);
    const delivered = Date.parse(d.deliveredAt);
    latencies.push(delivered - accepted);
    first = Math.min(first, mode === 'live' ? accepted : started);
    last = Math.max(last, delivered);
  }
  latencies.sort((a, b) => a - b);
  await workers.close(5000);
  for (const p of processes) p.child.kill('SIGTERM');
  await Promise.all(processes.map((p) => new Promise((resolve) => (p.child.exitCode === null ? p.child.once('exit', resolve) : resolve(undefined)))));
  await axis.store.close();
  rmSync(axis.dataDir, { recursive: true, force: true });
  await dropPrefix(REDIS_URL, prefix);
  const totalSeconds = Math.max(0.001, (last - first) / 1000);
  return {
    recipients,
    packages,
    deliveries: ids.length,
    sendSeconds,
    totalSeconds,
    deliveriesPerSecond: ids.length / totalSeconds,
    packagesPerSecond: packages / totalSeconds,
    p50Ms: mode === 'live' ? percentile(latencies, 50) : Number.NaN,
    p99Ms: mode === 'live' ? percentile(latencies, 99) : Number.NaN,
    cpuMsPerPackage: (used.user + used.system) / 1000 / packages,
  };
}

/** One signed POST /v1/packages on a keep-alive socket: the package id the gateway answered with. */
function send(url: string, agent: Agent, creds: Credentials, pkg: SignedPackage): Promise<string> {
  const headers = { 'content-type': 'application/xml', 'content-length': String(pkg.bytes.length), ...signRequest({ method: 'POST', path: '/v1/packages', keyId: creds.keyId, secret: creds.secret, bodySha256: pkg.sha256 }) };
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/packages`, { method: 'POST', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        if (res.statusCode !== 202) return reject(new Error(`the gateway answered ${res.statusCode}: ${body.slice(0, 300)}`));
        resolve((JSON.parse(body) as { packageId: string }).packageId);
      });
    });
    req.on('error', reject);
    req.end(pkg.bytes);
  });
}

interface GatewayCaseResult {
  packages: number; packagesPerSecond: number; acceptedPerSecond: number; p50Ms: number; p99Ms: number; cpuMsPerPackage: number;
  /** The rest of the machine's CPU per package: this process (agency client + receiving endpoint) and Redis. */
  benchCpuMsPerPackage: number; redisCpuMsPerPackage: number;
  /** Share of the machine's CPU time (all cores, /proc/stat) that was not idle while measuring. */
  machineBusy: number;
  /** The gateway's event loop switched out per package: waiting of its own accord, and preempted (another took its core). */
  eventLoopSwitchesPerPackage: number;
  eventLoopPreemptionsPerPackage: number;
}

/** With BENCH_STDOUT (the gateway's stdout, e.g. for --trace-opt): where the measured stretch starts and ends. */
function markGatewayOutput(line: string): void {
  const file = process.env['BENCH_STDOUT'];
  if (file) appendFileSync(file, `${line}\n`);
}

function machineTicks(): { idle: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return { idle: (fields[3] ?? 0) + (fields[4] ?? 0), total: fields.reduce((a, b) => a + b, 0) };
}

/** Redis's own CPU seconds (user + system, main and I/O threads), from INFO. */
async function redisCpuSeconds(): Promise<number> {
  const redis = new Redis(REDIS_URL);
  try {
    const info = await redis.info('cpu');
    const field = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
    return field('used_cpu_user') + field('used_cpu_sys');
  } finally {
    redis.disconnect();
  }
}

/**
 * The whole path an agency sees: signed packages POSTed to the compiled gateway (ROLE=all, as `npm start` runs it:
 * HTTP, edXML + XMLDSig + certificate checks on the inspector threads, the store, and the delivery workers in the same
 * process), pushed with the axis's signature to the receiving endpoint. Latency: from the start of the POST to the
 * push's arrival, on this process's clock.
 */
async function runGatewayCase(packages: number, receiver: BenchReceiver, roles: 'one process' | 'split', connections: number): Promise<GatewayCaseResult> {
  const prefix = `edxbench-${randomUUID().slice(0, 8)}`;
  const workerEnv = { ...(process.env['INSPECT_THREADS'] ? { INSPECT_THREADS: process.env['INSPECT_THREADS'] } : {}), ...LOOPBACK_PUSH_ENV, QUEUE_PREFIX: prefix, DELIVERY_CONCURRENCY: String(CONCURRENCY), DELIVERY_RECIPIENT_CONCURRENCY: String(CONCURRENCY), DELIVERY_RECIPIENT_RATE: '0' };
  const gateway = await startBenchGateway({ ROLE: roles === 'split' ? 'gateway' : 'all', ...workerEnv });
  // split: the delivery worker in a process of its own on the same data directory (ROLE=workers deployments).
  const worker = roles === 'split'
    ? startProcess(['dist/src/main/worker-process.js', 'delivery'], { DATA_DIR: gateway.dataDir, LOG_LEVEL: 'error', REDIS_URL, ...workerEnv })
    : undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  try {
    const creds = await gateway.addAgency(AGENCY_A);
    await gateway.addAgency(AGENCY_B, `${receiver.url}/${AGENCY_B.organId}`);
    const warmup = GATEWAY_WARMUP;
    const signed = await signedPackages(warmup + packages, gateway.sign, SIZE);
    const sentAt = new Map<string, number>();
    const sendAll = async (batch: SignedPackage[]): Promise<string[]> => {
      const ids: string[] = [];
      let next = 0;
      await Promise.all(Array.from({ length: connections }, async () => {
        while (next < batch.length) {
          const pkg = batch[next++]!;
          const at = performance.now();
          const id = await send(gateway.url, agent, creds, pkg);
          sentAt.set(id, at);
          ids.push(id);
        }
      }));
      return ids;
    };
    const warm = await sendAll(signed.slice(0, warmup));
    await until(() => warm.every((id) => receiver.arrivals.has(id)), 120_000, 'the warm-up pushes');
    const cpuOf = (): number => cpuSecondsOf(gateway.child.pid!) + (worker ? cpuSecondsOf(worker.pid!) : 0);
    const cpuBefore = cpuOf();
    const switchesBefore = contextSwitchesOf(gateway.child.pid!);
    markGatewayOutput('=== MEASURE START');
    const benchCpuBefore = process.cpuUsage();
    const redisCpuBefore = await redisCpuSeconds();
    const machineBefore = machineTicks();
    const started = performance.now();
    const ids = await sendAll(signed.slice(warmup));
    const acceptedIn = (performance.now() - started) / 1000;
    await until(() => ids.every((id) => receiver.arrivals.has(id)), 600_000, 'every push through the gateway');
    const cpu = cpuOf() - cpuBefore;
    const switches = contextSwitchesOf(gateway.child.pid!);
    markGatewayOutput('=== MEASURE END');
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const redisCpu = (await redisCpuSeconds()) - redisCpuBefore;
    const machine = machineTicks();
    const machineBusy = 1 - (machine.idle - machineBefore.idle) / (machine.total - machineBefore.total);
    const last = Math.max(...ids.map((id) => receiver.arrivals.get(id)!));
    const latencies = ids.map((id) => receiver.arrivals.get(id)! - sentAt.get(id)!).sort((a, b) => a - b);
    return {
      packages,
      packagesPerSecond: packages / ((last - started) / 1000),
      acceptedPerSecond: packages / acceptedIn,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      cpuMsPerPackage: (cpu * 1000) / packages,
      benchCpuMsPerPackage: (benchCpu.user + benchCpu.system) / 1000 / packages,
      redisCpuMsPerPackage: (redisCpu * 1000) / packages,
      machineBusy,
      eventLoopSwitchesPerPackage: (switches.voluntary - switchesBefore.voluntary) / packages,
      eventLoopPreemptionsPerPackage: (switches.involuntary - switchesBefore.involuntary) / packages,
    };
  } finally {
    agent.destroy();
    if (worker) await stopProcess(worker);
    await gateway.stop();
    await dropPrefix(REDIS_URL, prefix);
  }
}

function throughLine(label: string, r: GatewayCaseResult): string {
  return `  ${label}: ${r.packagesPerSecond.toFixed(0)} packages/s delivered to one recipient (${r.acceptedPerSecond.toFixed(0)}/s accepted), send-to-delivered p50 ${r.p50Ms.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms\n`
    + `      CPU ms per package: axis ${r.cpuMsPerPackage.toFixed(2)}, benchmark client + receiver ${r.benchCpuMsPerPackage.toFixed(2)}, Redis ${r.redisCpuMsPerPackage.toFixed(2)}; machine ${(r.machineBusy * 100).toFixed(0)}% busy\n`
    + `      the gateway's event loop per package: waited ${r.eventLoopSwitchesPerPackage.toFixed(2)} times, preempted ${r.eventLoopPreemptionsPerPackage.toFixed(2)} times\n`
    + `      ceiling at this CPU per package (axis + client + receiver + Redis on ${CORES} cores, all busy): ${cpuCeiling(r).toFixed(0)} packages/s\n`
    + `      the same for the axis and Redis alone (the agencies' systems on machines of their own, as in production): ${cpuCeiling({ ...r, benchCpuMsPerPackage: 0 }).toFixed(0)} packages/s`;
}

const CORES = availableParallelism();

/**
 * What the machine could do at most if every core were busy at this CPU cost per package: the benchmark's own client
 * and receiver and Redis share the cores with the axis, so a rate above this needs less CPU per package, not less
 * waiting.
 */
function cpuCeiling(r: GatewayCaseResult): number {
  return (CORES * 1000) / (r.cpuMsPerPackage + r.benchCpuMsPerPackage + r.redisCpuMsPerPackage);
}

/** Every case through the real gateway, both deployments, at each connection count: one verdict line per case. */
async function gatewayCases(receiver: BenchReceiver): Promise<string[]> {
  const verdicts: string[] = [];
  for (const connections of GATEWAY_CONNECTIONS) {
    console.log(`\nThrough the gateway (signed POST -> edXML, XMLDSig and certificate checks -> store -> push), ${PACKAGES_GATEWAY} packages after ${GATEWAY_WARMUP} of warm-up, ${connections} agency connections, delivery concurrency ${CONCURRENCY}:`);
    for (const [roles, label] of GATEWAY_DEPLOYMENTS) {
      const r = await runGatewayCase(PACKAGES_GATEWAY, receiver, roles, connections);
      console.log(throughLine(label, r));
      verdicts.push(`  ${label}, ${connections} connections: ${r.packagesPerSecond >= 500 ? 'met' : 'NOT met'} (${r.packagesPerSecond.toFixed(0)}/s)`);
    }
  }
  return verdicts;
}

async function main(): Promise<void> {
  const receiver = await startBenchReceiver();
  try {
    // BENCH_ONLY=gateway: only the cases through the real gateway, quicker when working on the whole path.
    if (process.env['BENCH_ONLY'] === 'gateway') {
      for (const verdict of await gatewayCases(receiver)) console.log(verdict);
      return;
    }
    // Warm-up: JIT, keep-alive sockets, the first SQLite pages.
    await runCase(1, 50, receiver);
    const raw = await rawPostRate(receiver, 3000);
    const one = await runCase(1, PACKAGES_1, receiver);
    const five = await runCase(5, PACKAGES_5, receiver);
    const drain = await runCase(1, PACKAGES_1, receiver, 'backlog');
    const line = (r: CaseResult): string =>
      `${String(r.recipients).padStart(10)} ${String(r.packages).padStart(9)} ${String(r.deliveries).padStart(10)} ${r.packagesPerSecond.toFixed(0).padStart(11)} ${r.deliveriesPerSecond.toFixed(0).padStart(13)} ${r.p50Ms.toFixed(0).padStart(8)} ${r.p99Ms.toFixed(0).padStart(8)} ${(r.packages / r.sendSeconds).toFixed(0).padStart(12)} ${r.cpuMsPerPackage.toFixed(2).padStart(12)}`;
    console.log(`\nDelivery, end to end (accept -> enqueue -> signed push -> delivered receipt), ${SIZE / 1024} KiB packages, ${SEND_CONCURRENCY} sends at once, worker concurrency ${CONCURRENCY}, ${WORKER_PROCESSES === 0 ? 'workers in-process' : `${WORKER_PROCESSES} worker process(es)`}`);
    console.log('recipients  packages deliveries  packages/s  deliveries/s  p50 ms   p99 ms  accepted/s  CPU ms/pkg');
    console.log(line(one));
    console.log(line(five));
    console.log(`${line(drain).replace(/\s+\S+$/, '')}   (backlog drain: delivery side alone)`);
    console.log(`\nreference: plain POST of the same bytes to the same endpoint: ${raw.toFixed(0)} requests/s`);
    console.log(`ratio delivered/s to 1 recipient vs plain POST/s:          ${(one.deliveriesPerSecond / raw).toFixed(3)}`);
    console.log(`ratio backlog drain/s vs plain POST/s:                     ${(drain.deliveriesPerSecond / raw).toFixed(3)}`);
    const perDelivery1 = 1 / one.deliveriesPerSecond;
    const perDelivery5 = 1 / five.deliveriesPerSecond;
    console.log(`cost per delivery, 5 recipients vs 1 (1.0 = linear):      ${(perDelivery5 / perDelivery1).toFixed(2)}`);
    if (WORKER_PROCESSES === 0) console.log(`CPU-bound ceiling to 1 recipient, one idle core (1000 / CPU ms per package): ${(1000 / one.cpuMsPerPackage).toFixed(0)} packages/s`);
    console.log(`load average while measuring: ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')} on ${(await import('node:os')).cpus().length} cores`);
    console.log(`target >= 500 packages/s to one recipient (store -> push):   ${one.packagesPerSecond >= 500 ? 'met' : 'NOT met'} (${one.packagesPerSecond.toFixed(0)}/s)`);
    const verdicts = await gatewayCases(receiver);
    console.log('\ntarget >= 500 packages/s to one recipient through the gateway (signed POST -> push):');
    for (const verdict of verdicts) console.log(verdict);
  } finally {
    await receiver.close();
  }
}

await main();
process.exit(0);
