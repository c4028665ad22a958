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
import { createApp } from '../../src/http/app.js';
import type { GatewayDeliveries, GatewayExchange } from '../../src/http/gateway-ports.js';
import type { AgencyRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/ports.js';

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

/** Parties-only exchange over a map: enough to check that the HTTP layer renders use-case answers faithfully. */
export function fakeExchange(packages: StoredPackage[]): GatewayExchange {
  const visible = (organId: string, id: string): StoredPackage => {
    const p = packages.find((x) => x.id === id && (x.from === organId || x.to.includes(organId)));
    if (!p) throw new AxisError('PACKAGE_NOT_FOUND', 'No such package for this agency.');
    return p;
  };
  return {
    async submitPackage(input) {
      const sha256 = 'bytes' in input ? createHash('sha256').update(input.bytes).digest('hex') : input.sha256;
      const size = 'bytes' in input ? input.bytes.byteLength : input.size;
      return { outcome: 'created', envelopeId: 'pkg-' + sha256.slice(0, 8), receipt: { type: 'accepted', subjectSha256: sha256, size } };
    },
    async listInbox({ organId }) {
      return { items: packages.filter((p) => p.to.includes(organId)).map((p) => ({ packageId: p.id })) };
    },
    async fetchPackage({ organId, envelopeId }) {
      const p = visible(organId, envelopeId);
      return { sha256: createHash('sha256').update(p.bytes).digest('hex'), size: p.bytes.length, stream: Readable.from([p.bytes]) };
    },
    async describePackage({ organId, envelopeId }) {
      const p = visible(organId, envelopeId);
      return { sha256: createHash('sha256').update(p.bytes).digest('hex'), size: p.bytes.length };
    },
    async getReport({ organId, envelopeId }) { return { packageId: visible(organId, envelopeId).id, valid: true }; },
    async acknowledge({ organId, envelopeId }) { return { packageId: visible(organId, envelopeId).id, state: 'acknowledged' }; },
    async timeline({ organId, documentId }) {
      const p = packages.find((x) => x.documentId === documentId && (organId === undefined || x.from === organId || x.to.includes(organId)));
      if (!p) throw new AxisError('DOCUMENT_NOT_FOUND', 'No such document for this caller.');
      return { documentId, envelopes: [p.id] };
    },
    async listReceipts({ organId }) {
      return { items: packages.filter((p) => p.from === organId).map((p) => ({ type: 'accepted', packageId: p.id })) };
    },
  };
}

export interface Harness {
  app: Express;
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
  exchange?: GatewayExchange;
  deliveries?: GatewayDeliveries;
  maxPackageBytes?: number;
  storePing?: () => Promise<void>;
  adminUi?: Router;
  metrics?: Registry;
  /** A Redis that is not there (e.g. a closed port): commands fail at once instead of queueing for a reconnect. */
  unreachableRedisUrl?: string;
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
  const prefix = `test:http:${randomBytes(6).toString('hex')}:`;
  const agencies = createAgencyRegistry({ store: memoryAgencyStore(), secretKey: randomBytes(32), graceSeconds: 60 });
  const logLines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => { logLines.push(JSON.parse(line) as Record<string, unknown>); } });
  const app = createApp({
    exchange: options.exchange,
    deliveries: options.deliveries,
    agencies,
    store: { ping: options.storePing ?? (async () => undefined) },
    redis,
    uploadDir: dir,
    metrics: options.metrics,
    logger,
    tokens: [{ role: 'operator', digest: digest(OPERATOR_TOKEN) }, { role: 'archivist', digest: digest(ARCHIVIST_TOKEN) }],
    maxPackageBytes: options.maxPackageBytes ?? 64 * 1024,
    authWindowSeconds: 300,
    redisKeyPrefix: prefix,
    metricsPublic: false,
    ...(options.adminUi ? { adminUi: options.adminUi } : {}),
  });
  return {
    app, logLines, agencies, redis, prefix, dir,
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
    },
  };
}
