/**
 * The gateway shell over real Redis, a temp directory and the real agency registry, for the tests of the HTTP layer
 * itself (authentication, problem+json, probes, admin API): agencies live in a small in-memory implementation of the
 * Store port's agency methods and the exchange is a stand-in that only echoes. The exchange itself is tested on the
 * real use-cases and the embedded store through exchange-fixture.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { Express, Router } from 'express';
import type { Registry } from 'prom-client';
import { AxisError } from '../../src/errors/axis-error.js';
import { createAgencyRegistry, type AgencyCredentials, type AgencyRegistry } from '../../src/exchange/agencies/agency-registry.js';
import type { Exchange } from '../../src/exchange/create-exchange.js';
import type { DeliveryAdmin } from '../../src/exchange/delivery/dead-letters.js';
import { createAgencyRateLimit } from '../../src/http/agency-rate-limit.js';
import { createApp } from '../../src/http/app.js';
import { createRestDialect } from '../../src/http/rest/index.js';
import { openApiRecorder, type OpenApiRecorder } from '../support/openapi-contract.js';
import type { AgencyRecord } from '../../src/exchange/model/index.js';
import type { Store } from '../../src/exchange/ports/index.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export const OPERATOR_TOKEN = 'operator-token-' + randomBytes(8).toString('hex');
export const ARCHIVIST_TOKEN = 'archivist-token-' + randomBytes(8).toString('hex');
const digest = (t: string): Buffer => createHash('sha256').update(t).digest();

export function memoryAgencyStore(): Pick<Store, 'createAgency' | 'getAgency' | 'listAgencies' | 'updateAgency'> {
  const agencies = new Map<string, AgencyRecord>();
  const copy = (a: AgencyRecord): AgencyRecord => structuredClone(a);
  return {
    async createAgency(a) { agencies.set(a.organId, copy(a)); },
    async getAgency(id) { const a = agencies.get(id); return a && copy(a); },
    async listAgencies() { return [...agencies.values()].map(copy); },
    async updateAgency(a) {
      if (!agencies.has(a.organId)) throw new AxisError('STORE_NOT_FOUND', 'no agency');
      agencies.set(a.organId, copy(a));
    },
  };
}

export interface StoredPackage { id: string; from: string; to: string[]; bytes: Buffer; documentId: string }

/**
 * Parties-only exchange over a map: enough to check that the HTTP layer renders use-case answers faithfully. Its
 * answers carry only what these tests read, hence the cast to the real use-cases' type.
 */
export function fakeExchange(packages: StoredPackage[]): Exchange {
  const visible = (organId: string, id: string): StoredPackage => {
    const p = packages.find((x) => x.id === id && (x.from === organId || x.to.includes(organId)));
    if (!p) throw new AxisError('PACKAGE_NOT_FOUND', 'No such package for this agency.');
    return p;
  };
  const fake = {
    async submitPackage({ source }: Parameters<Exchange['submitPackage']>[0]) {
      const sha256 = 'bytes' in source ? createHash('sha256').update(source.bytes).digest('hex') : source.sha256;
      const size = 'bytes' in source ? source.bytes.byteLength : source.size;
      return { outcome: 'created', envelopeId: 'pkg-' + sha256.slice(0, 8), envelope: { kind: 'edoc' }, receipt: { type: 'accepted', subjectSha256: sha256, size } };
    },
    async listInbox({ organId }: { organId: string }) {
      return { items: packages.filter((p) => p.to.includes(organId)).map((p) => ({ packageId: p.id })) };
    },
    async fetchPackage({ organId, envelopeId }: { organId: string; envelopeId: string }) {
      const p = visible(organId, envelopeId);
      return { sha256: createHash('sha256').update(p.bytes).digest('hex'), size: p.bytes.length, stream: Readable.from([p.bytes]) };
    },
    async describePackage({ organId, envelopeId }: { organId: string; envelopeId: string }) {
      const p = visible(organId, envelopeId);
      return { sha256: createHash('sha256').update(p.bytes).digest('hex'), size: p.bytes.length };
    },
    async getReport({ organId, envelopeId }: { organId: string; envelopeId: string }) { return { packageId: visible(organId, envelopeId).id, valid: true }; },
    async acknowledge({ organId, envelopeId }: { organId: string; envelopeId: string }) { return { packageId: visible(organId, envelopeId).id, state: 'acknowledged' }; },
    async timeline({ organId, documentId }: { organId?: string; documentId: string }) {
      const p = packages.find((x) => x.documentId === documentId && (organId === undefined || x.from === organId || x.to.includes(organId)));
      if (!p) throw new AxisError('DOCUMENT_NOT_FOUND', 'No such document for this caller.');
      return { documentId, envelopes: [p.id] };
    },
    async listReceipts({ organId }: { organId: string }) {
      return { items: packages.filter((p) => p.from === organId).map((p) => ({ type: 'accepted', packageId: p.id })) };
    },
  };
  return fake as unknown as Exchange;
}

export interface Harness {
  app: Express;
  /** Checks every answer against schemas/openapi.yaml; close() fails on any that does not match. */
  openapi: OpenApiRecorder;
  /** The reasons of the 429s the rate limit gave (requests, bytes). */
  limited: string[];
  /** What the app logged at warn and above, one parsed JSON line each. */
  logLines: Record<string, unknown>[];
  agencies: AgencyRegistry;
  redis: Redis;
  prefix: string;
  dir: string;
  add(organId: string): Promise<AgencyCredentials>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  exchange?: Exchange;
  deliveries?: DeliveryAdmin;
  maxPackageBytes?: number;
  storePing?: () => Promise<void>;
  adminUi?: Router;
  metrics?: Registry;
  /** A Redis that is not there (e.g. a closed port): commands fail at once instead of queueing for a reconnect. */
  unreachableRedisUrl?: string;
  /** Per-agency limits (src/http/agency-rate-limit.ts); absent: none. */
  agencyLimits?: { requestsPerMinute: number; dailyBytes: number; now?: () => number };
  /** UPLOAD_IDLE_TIMEOUT_MS of the REST dialect. */
  uploadIdleTimeoutMs?: number;
  /** Redis key prefix (two harnesses with the same one share their limits, as two gateway processes do). */
  prefix?: string;
}

export async function buildHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'edx-http-'));
  const down = options.unreachableRedisUrl !== undefined;
  const redis = down
    ? new Redis(options.unreachableRedisUrl ?? '', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null })
    : new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  if (down) {
    redis.on('error', () => undefined);
    await redis.connect().catch(() => undefined);
  } else {
    await redis.connect();
  }
  const prefix = options.prefix ?? `test:http:${randomBytes(6).toString('hex')}:`;
  const agencies = createAgencyRegistry({ store: memoryAgencyStore(), secretKey: randomBytes(32), graceSeconds: 60 });
  const logLines: Record<string, unknown>[] = [];
  const limited: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => { logLines.push(JSON.parse(line) as Record<string, unknown>); } });
  const tokens = [{ role: 'operator' as const, digest: digest(OPERATOR_TOKEN) }, { role: 'archivist' as const, digest: digest(ARCHIVIST_TOKEN) }];
  const rest = createRestDialect({
    exchange: options.exchange,
    deliveries: options.deliveries,
    agencies,
    tokens,
    nonces: redis,
    nonceKeyPrefix: prefix,
    authWindowSeconds: 300,
    uploadDir: dir,
    maxPackageBytes: options.maxPackageBytes ?? 64 * 1024,
    ...(options.uploadIdleTimeoutMs ? { uploadIdleTimeoutMs: options.uploadIdleTimeoutMs } : {}),
    ...(options.agencyLimits ? { rateLimit: createAgencyRateLimit({ redis, keyPrefix: prefix, ...options.agencyLimits, onLimited: (reason) => limited.push(reason) }) } : {}),
  });
  // The exchange here is a stand-in (fakeExchange): its answers' bodies are not checked, everything else is.
  const openapi = openApiRecorder({ bodies: (answer) => !/^\/v1\/(packages|inbox|receipts|documents)(\/|$)/.test(answer.path) });
  const app = createApp({
    logger,
    ops: { store: { ping: options.storePing ?? (async () => undefined) }, redis, metrics: options.metrics, metricsPublic: false, tokens },
    dialects: [openapi.dialect, rest],
    operatorPages: options.adminUi ? { router: options.adminUi, tokens } : undefined,
  });
  return {
    app, openapi, logLines, limited, agencies, redis, prefix, dir,
    async add(organId) { return (await agencies.addAgency({ organId, name: `Agency ${organId}` })).credentials; },
    async close() {
      if (down) {
        redis.disconnect();
      } else {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
        await redis.quit();
      }
      rmSync(dir, { recursive: true, force: true });
      openapi.assertAllMatched();
    },
  };
}

/** The harness's app on a real loopback port, for tests that speak raw HTTP; close() ends the server, then the harness. */
export async function listen(h: Harness): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer(h.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await h.close();
    },
  };
}
