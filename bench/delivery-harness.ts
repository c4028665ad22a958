/**
 * What the delivery benchmarks share: an axis data directory with the real embedded store and identity, packages
 * accepted the way the exchange accepts them (blob, then envelope + deliveries + receipt in one transaction, then
 * the enqueue), and a receiving endpoint that answers fast and counts what it got.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PUSH_HEADERS } from '../src/exchange/delivery/push-signature.js';
import { sortableId } from '../src/exchange/ids.js';
import { createReceiptSealer, loadAxisIdentity, type AxisIdentity } from '../src/ledger/index.js';
import type { DeliveryQueue, Store } from '../src/exchange/ports/index.js';
import { openStore } from '../src/store/open-store.js';
import type { AgencyRecord, EnvelopeRecord } from '../src/exchange/model/index.js';

export const SENDER = '000.00.00.G22';

/** The bench's receiver listens on 127.0.0.1 over http, which the axis refuses by default: opted in, as an operator would. */
export const LOOPBACK_PUSH_RULES = { allowHttp: true, allowedHosts: ['127.0.0.1'] };
export const LOOPBACK_PUSH_ENV = { PUSH_ALLOW_HTTP: 'true', PUSH_ALLOWED_HOSTS: '127.0.0.1' };

/** Leaves Redis as it was: a run's keys all live under its own prefix. */
export async function dropPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
}

export async function openBenchAxis(): Promise<{ dataDir: string; store: Store; identity: AxisIdentity }> {
  // BENCH_DATA_DIR=/dev/shm separates the cost of the disk's fsync from the cost of the work itself.
  const dataDir = mkdtempSync(path.join(process.env['BENCH_DATA_DIR'] ?? tmpdir(), 'edx-bench-'));
  const identity = await loadAxisIdentity({ dataDir });
  const store = await openStore({ dataDir, sealer: createReceiptSealer(identity) });
  return { dataDir, store, identity };
}

export async function addAgency(store: Store, organId: string, endpointUrl?: string): Promise<void> {
  const at = new Date().toISOString();
  const agency: AgencyRecord = {
    organId, name: organId, state: 'active', deliveryMode: endpointUrl ? 'push' : 'pull', ...(endpointUrl ? { endpointUrl } : {}),
    credentials: [], certificateFingerprints: [], createdAt: at, updatedAt: at,
  };
  if (await store.getAgency(organId)) await store.updateAgency(agency);
  else await store.createAgency(agency);
}

/** About `size` bytes that look like an edXML package, unique per call (no two are duplicates). */
export function packageBytes(size: number): Buffer {
  const head = `<?xml version="1.0" encoding="UTF-8"?><edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"><!-- ${randomBytes(8).toString('hex')} -->`;
  const tail = '</edXML:edXMLEnvelope>';
  return Buffer.from(head + 'x'.repeat(Math.max(0, size - head.length - tail.length)) + tail);
}

/** The store half of a send (after the checks): blob, one transaction, then the enqueue. */
export async function accept(store: Store, queue: DeliveryQueue | undefined, to: string[], bytes: Buffer): Promise<{ envelope: EnvelopeRecord; deliveryIds: string[] }> {
  // As the gateway does: the raw package travels with its records (one transaction on the embedded store).
  const blob = { key: createHash('sha256').update(bytes).digest('hex') };
  const at = new Date().toISOString();
  const documentId = `${SENDER},${at.slice(0, 10).replace(/-/g, '/')},${randomBytes(4).toString('hex')}/VP`;
  const envelope: EnvelopeRecord = {
    id: sortableId('pkg'), kind: 'edoc', fromOrganId: SENDER, toOrganIds: to, documentId, businessType: 0,
    size: bytes.length, sha256: blob.key, dedupeKey: `${SENDER}|${documentId}|edoc/0|${blob.key}`, verification: {}, acceptedAt: at,
  };
  const outcome = await store.accept({
    envelope,
    deliveries: to.map((organId) => ({ id: sortableId('dlv'), envelopeId: envelope.id, recipientOrganId: organId, state: 'pending', attempts: 0, createdAt: at, updatedAt: at })),
    receipt: { type: 'accepted', envelopeId: envelope.id, documentId, subjectSha256: blob.key, parties: [SENDER, ...to], at },
    packageBytes: bytes,
  });
  if (outcome.outcome !== 'created') throw new Error(`not accepted: ${outcome.outcome}`);
  const deliveryIds = outcome.deliveries.map((d) => d.id);
  await queue?.enqueueDeliveries(deliveryIds);
  return { envelope: outcome.envelope, deliveryIds };
}

export interface BenchReceiver {
  url: string;
  /** Requests answered 2xx, and how many per idempotency key. */
  readonly received: Map<string, number>;
  /** When each package (X-Edx-Package-Id) first arrived, performance.now() of this process. */
  readonly arrivals: Map<string, number>;
  requests: number;
  /** Called on every request: answer with this status. */
  answer: (index: number) => number | 'drop';
  close(): Promise<void>;
}

export async function startBenchReceiver(): Promise<BenchReceiver> {
  const received = new Map<string, number>();
  const arrivals = new Map<string, number>();
  const receiver: BenchReceiver = {
    url: '',
    received,
    arrivals,
    requests: 0,
    answer: () => 200,
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const index = receiver.requests;
      receiver.requests += 1;
      const answer = receiver.answer(index);
      if (answer === 'drop') return void req.socket.destroy();
      if (answer >= 200 && answer < 300) {
        const key = String(req.headers[PUSH_HEADERS.idempotencyKey]);
        received.set(key, (received.get(key) ?? 0) + 1);
        const packageId = String(req.headers[PUSH_HEADERS.packageId]);
        if (!arrivals.has(packageId)) arrivals.set(packageId, performance.now());
      }
      res.writeHead(answer).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return receiver;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/** The bench scripts' one wait helper, here too for the scripts that import it with the rest of the harness. */
export { until } from './wait-until.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A delivery worker as its own process (src/main/worker-process.ts delivery, under tsx), on the same data directory and prefix. */
export function spawnDeliveryWorker(input: { dataDir: string; prefix: string; redisUrl: string; env?: Record<string, string> }): { child: ChildProcess; started: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src', 'main', 'worker-process.ts'), 'delivery'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', DATA_DIR: input.dataDir, REDIS_URL: input.redisUrl, LOG_LEVEL: 'info', QUEUE_PREFIX: input.prefix, ...LOOPBACK_PUSH_ENV, ...input.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const started = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => { if (chunk.toString().includes('worker started')) resolve(); });
    child.once('exit', (code) => reject(new Error(`delivery worker exited (${String(code)}) before starting`)));
    // Needs LOG_LEVEL info or lower: the process says "worker started" at info.
    setTimeout(() => reject(new Error('delivery worker did not say it started within 30 s')), 30_000).unref();
  });
  started.catch(() => undefined);
  return { child, started };
}
