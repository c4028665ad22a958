/**
 * The real gateway over the real exchange use-cases and the embedded store (temp DATA_DIR), real Redis, the axis's
 * dev identity sealing receipts, and a test PKI whose agency certificates sign real XMLDSig packages.
 */
import { createHash, randomBytes, type X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import request from 'supertest';
import type { Express } from 'express';
import { buildDocumentPackage, buildStatusPackage, type DocumentPackageInput } from '../../src/edxml/index.js';
import { createAgencyRegistry, type AgencyCredentials, type AgencyRegistry } from '../../src/exchange/agencies/agency-registry.js';
import { createExchangeUseCases } from '../../src/exchange/create-exchange.js';
import { createArchive } from '../../src/exchange/archive/create-archive.js';
import { DECREE_30_RULES } from '../../src/exchange/deadlines/status-deadline.js';
import { shippedCalendar } from '../calendar/shipped-calendar.js';
import { createEdxmlInspector } from '../../src/exchange/inspection/edxml-package-inspector.js';
import { createApp } from '../../src/http/app.js';
import { createRestDialect } from '../../src/http/rest/index.js';
import { createVdxpDialect } from '../../src/http/vdxp/index.js';
import { createAgencyRateLimit, type RateLimitReason } from '../../src/http/agency-rate-limit.js';
import { createSystemRegistry, type SystemRegistry } from '../../src/exchange/systems/system-registry.js';
import { signRequest } from '../../src/http/rest/request-signing.js';
import { createReceiptExporter, createReceiptSealer, describeAxisCertificates, devTrustDir, loadAxisIdentity, loadTrustAnchors, type AxisIdentity } from '../../src/ledger/index.js';
import { createBullmqDeliveryQueue, type BullmqDeliveryQueue } from '../../src/queue/bullmq/delivery-queue.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/exchange/ports/index.js';
import type { StatusCode } from '../../src/exchange/model/index.js';
import { createTestSigning, type TestSigning, type AgencySigner } from './test-signing.js';
import { LOOPBACK_PUSH } from '../support/loopback-push.js';
import { openApiRecorder } from '../support/openapi-contract.js';

export interface TestAgency {
  organId: string;
  creds: AgencyCredentials;
  signer: AgencySigner;
}

export interface DocumentOptions {
  to: string[];
  documentId?: string;
  subject?: string;
  business?: { type: 1 | 2 | 3; original: { organId: string; documentId: string } };
  attachments?: DocumentPackageInput['attachments'];
  /** OtherInfo/Priority (0 thường ... 4 hỏa tốc hẹn giờ). */
  priority?: number;
  unsigned?: boolean;
  /** Sign with another agency's certificate. */
  signAs?: TestAgency;
  /** Sign with a certificate from an issuer the axis does not trust. */
  untrusted?: boolean;
}

export interface SendOptions {
  contentType?: string;
  secret?: string;
  timestamp?: number;
  bodySha256?: string;
}

export interface ExchangeFixture {
  app: Express;
  /** The use-cases behind the app, for what HTTP cannot time exactly (a download given up halfway). */
  exchange: ReturnType<typeof createExchangeUseCases>;
  store: Store;
  agencies: AgencyRegistry;
  /** The connected systems the government SDK's protocol (mounted at /vdxp) authenticates. */
  systems: SystemRegistry;
  /** The key agency and system secrets are sealed with in the store. */
  secretKey: Buffer;
  redis: Redis;
  /** The delivery queue the exchange enqueues on, and its key prefix in Redis. */
  queue: BullmqDeliveryQueue;
  queuePrefix: string;
  dataDir: string;
  archivistToken: string;
  operatorToken: string;
  /** The instant the archive's deadlines are judged at (undefined: now). */
  setArchiveNow(at: Date | undefined): void;
  /** Trust anchors for the receipts this axis seals. */
  receiptTrust: X509Certificate[];
  /** The test PKI the agencies' and officials' certificates come from (signing.pki). */
  signing: TestSigning;
  /** The axis identity that seals receipts (and would sign pushes). */
  identity: AxisIdentity;
  agency(organId: string, options?: { endpointUrl?: string }): Promise<TestAgency>;
  documentFrom(from: TestAgency, options: DocumentOptions): Promise<Buffer>;
  statusFrom(from: TestAgency, options: { sender: string; documentId: string; code: StatusCode; description?: string; signed?: boolean }): Promise<Buffer>;
  send(from: TestAgency, bytes: Uint8Array, options?: SendOptions): Promise<request.Response>;
  get(as: TestAgency, path: string, options?: { raw?: boolean; headers?: Record<string, string> }): Promise<request.Response>;
  post(as: TestAgency, path: string): Promise<request.Response>;
  /** What a refused request must not change: the receipt chain, deliveries, leftover upload files. */
  snapshot(): Promise<{ chainSeq: number; deliveries: number; uploads: string[] }>;
  close(): Promise<void>;
}

let counter = 0;

export interface ExchangeFixtureOptions {
  maxPackageBytes?: number;
  /** The delivery queue on another Redis than the replay cache's (a test that stalls the queue's Redis). */
  queueRedisUrl?: string;
  /** How long an enqueue waits for Redis before it is left to the sweeper. */
  enqueueTimeoutMs?: number;
  /** Per-agency limits in both dialects (AGENCY_REQUESTS_PER_MINUTE, AGENCY_DAILY_BYTES); `limited` hears each refusal. */
  agencyLimits?: { requestsPerMinute: number; dailyBytes: number; now?: () => number; limited?: (reason: RateLimitReason) => void };
  /** UPLOAD_IDLE_TIMEOUT_MS in both dialects. */
  uploadIdleTimeoutMs?: number;
}

export async function buildExchangeFixture(options: ExchangeFixtureOptions = {}): Promise<ExchangeFixture> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'edx-exchange-'));
  const identity = await loadAxisIdentity({ dataDir });
  const store = await openStore({ dataDir, sealer: createReceiptSealer(identity) });
  const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const prefix = `test-exchange-${process.pid}-${randomBytes(4).toString('hex')}`;
  const queue: BullmqDeliveryQueue = createBullmqDeliveryQueue({ redisUrl: options.queueRedisUrl ?? 'redis://127.0.0.1:6379', prefix, ...(options.enqueueTimeoutMs ? { enqueueTimeoutMs: options.enqueueTimeoutMs } : {}) });
  const signing: TestSigning = await createTestSigning(path.join(dataDir, 'pki'));
  const secretKey = randomBytes(32);
  const agencies = createAgencyRegistry({ store, secretKey, graceSeconds: 60, endpoints: LOOPBACK_PUSH });
  const systems = createSystemRegistry({ store, secretKey });
  const maxPackageBytes = options.maxPackageBytes ?? 4 * 1024 * 1024;
  const exchange = createExchangeUseCases({
    store,
    queue,
    inspector: createEdxmlInspector({ verifySignature: signing.verifySignature, verifyDocuments: signing.verifyDocuments, limits: { maxBytes: maxPackageBytes } }),
    receiptExporter: createReceiptExporter(identity),
    limits: { maxPackageBytes },
  });
  const archivistToken = `archivist-${randomBytes(8).toString('hex')}`;
  const operatorToken = `operator-${randomBytes(8).toString('hex')}`;
  const tokens = [
    { role: 'archivist' as const, digest: createHash('sha256').update(archivistToken).digest() },
    { role: 'operator' as const, digest: createHash('sha256').update(operatorToken).digest() },
  ];
  let archiveNow: Date | undefined;
  const archive = createArchive({ store, calendar: shippedCalendar(), rules: DECREE_30_RULES, watchDays: 30, clock: () => archiveNow ?? new Date() });
  const limits = options.agencyLimits;
  const rateLimit = limits ? createAgencyRateLimit({
    redis, keyPrefix: `${prefix}:`, requestsPerMinute: limits.requestsPerMinute, dailyBytes: limits.dailyBytes,
    ...(limits.now ? { now: limits.now } : {}), ...(limits.limited ? { onLimited: limits.limited } : {}),
  }) : undefined;
  const shared = { ...(rateLimit ? { rateLimit } : {}), ...(options.uploadIdleTimeoutMs ? { uploadIdleTimeoutMs: options.uploadIdleTimeoutMs } : {}) };
  // Every answer of the tests on this fixture is checked against schemas/openapi.yaml (close() fails otherwise).
  const openapi = openApiRecorder();
  const app = createApp({
    logger: pino({ level: 'silent' }),
    ops: { store, redis, metrics: undefined, metricsPublic: false, tokens },
    dialects: [openapi.dialect, createRestDialect({
      exchange,
      deliveries: undefined,
      agencies,
      tokens,
      nonces: redis,
      nonceKeyPrefix: `${prefix}:auth:`,
      authWindowSeconds: 300,
      uploadDir: store.blobs.tempDir,
      maxPackageBytes,
      axisCertificates: describeAxisCertificates(identity, []),
      archive,
      ...shared,
    }), createVdxpDialect({ mountPath: '/vdxp', exchange, agencies, systems, uploadDir: store.blobs.tempDir, maxPackageBytes, ...shared })],
  });
  const receiptTrust = await loadTrustAnchors(devTrustDir(dataDir));

  const documentId = (from: string) => `${from},2026/12/01,${++counter}-${randomBytes(3).toString('hex')}/TEST`;
  const signed = async (from: TestAgency, bytes: Buffer, opts: { unsigned?: boolean; signAs?: TestAgency; untrusted?: boolean }) => {
    if (opts.unsigned) return bytes;
    if (opts.untrusted) return signing.signUntrusted(bytes);
    return (opts.signAs ?? from).signer.sign(bytes);
  };

  const fixture: ExchangeFixture = {
    app, exchange, store, agencies, systems, secretKey, redis, signing, queue, queuePrefix: prefix, dataDir, archivistToken, operatorToken, receiptTrust, identity,
    setArchiveNow(at) { archiveNow = at; },
    async agency(organId, opts = {}) {
      const { credentials } = await agencies.addAgency({ organId, name: `Cơ quan ${organId}`, ...(opts.endpointUrl ? { endpointUrl: opts.endpointUrl } : {}) });
      const signer = await signing.agencySigner(organId);
      // A certificate without the agency's OrganId is tied to it by registering its fingerprint.
      if (!signer.carriesOrganId) await agencies.registerCertificate(organId, signer.fingerprint);
      return { organId, creds: credentials, signer };
    },
    async documentFrom(from, o) {
      const business = o.business;
      const bytes = buildDocumentPackage({
        from: { organId: from.organId, organName: `Cơ quan ${from.organId}` },
        to: o.to.map((organId) => ({ organId, organName: `Cơ quan ${organId}` })),
        documentId: o.documentId ?? documentId(from.organId),
        code: { codeNumber: String(++counter), codeNotation: 'TEST' },
        subject: o.subject ?? 'V/v thử nghiệm trục liên thông',
        ...(o.priority !== undefined ? { otherInfo: { priority: o.priority } } : {}),
        ...(business?.type === 1 ? { responseFor: [{ organId: business.original.organId, documentId: business.original.documentId }] } : {}),
        ...(business ? {
          business: {
            businessDocType: business.type,
            businessDocReason: 'Thử nghiệm',
            ...(business.type === 2 ? { documentId: business.original.documentId } : {}),
            ...(business.type === 3 ? { replacementInfoList: [{ documentId: business.original.documentId, organIdList: o.to }] } : {}),
          },
        } : {}),
        attachments: o.attachments ?? [{ name: 'van-ban.txt', bytes: Buffer.from('Nội dung văn bản thử nghiệm'), contentType: 'text/plain' }],
      });
      return signed(from, bytes, o);
    },
    async statusFrom(from, o) {
      const bytes = buildStatusPackage({
        from: { organId: from.organId, organName: `Cơ quan ${from.organId}` },
        responseFor: { organId: o.sender, documentId: o.documentId },
        statusCode: o.code,
        staffInfo: { department: 'Văn thư', staff: 'Nguyễn Văn A' },
        description: o.description ?? `Trạng thái ${o.code}`,
      });
      return o.signed ? from.signer.sign(bytes) : bytes;
    },
    send(from, bytes, o = {}) {
      const headers = signRequest({ method: 'POST', path: '/v1/packages', keyId: from.creds.keyId, secret: o.secret ?? from.creds.secret, ...(o.bodySha256 ? { bodySha256: o.bodySha256 } : { body: bytes }), ...(o.timestamp ? { timestamp: o.timestamp } : {}) });
      return request(f()).post('/v1/packages').set({ ...headers, 'Content-Type': o.contentType ?? 'application/xml' }).send(Buffer.from(bytes));
    },
    get(as, p, o = {}) {
      let req = request(f()).get(p).set({ ...signRequest({ method: 'GET', path: p, keyId: as.creds.keyId, secret: as.creds.secret }), ...(o.headers ?? {}) });
      if (o.raw) {
        req = req.buffer(true).parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            const type = String(res.headers['content-type'] ?? '');
            cb(null, type.includes('json') ? JSON.parse(body.toString('utf8')) : body);
          });
        });
      }
      return req;
    },
    post(as, p) {
      return request(f()).post(p).set({ ...signRequest({ method: 'POST', path: p, keyId: as.creds.keyId, secret: as.creds.secret }) });
    },
    async snapshot() {
      return {
        chainSeq: (await store.chainHead())?.seq ?? 0,
        deliveries: (await store.listDeliveries({ limit: 100_000 })).length,
        uploads: readdirSync(store.blobs.tempDir).sort(),
      };
    },
    async close() {
      await queue.queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      await store.close();
      await signing.close();
      rmSync(dataDir, { recursive: true, force: true });
      openapi.assertAllMatched();
    },
  };
  const f = () => app;
  return fixture;
}
