/**
 * The web UI over the real exchange, archive and embedded store (exchange-fixture.ts), with its sessions in real
 * Redis, mounted as the gateway mounts it (with Bull Board behind the same sessions), for the UI's HTTP-level tests.
 */
import { randomBytes } from 'node:crypto';
import { Router, type Express } from 'express';
import request from 'supertest';
import { expect } from 'vitest';
import { pino } from 'pino';
import { createArchive } from '../../src/exchange/archive/create-archive.js';
import { DECREE_30_RULES } from '../../src/exchange/deadlines/status-deadline.js';
import { createDeliveryAdmin } from '../../src/exchange/delivery/dead-letters.js';
import { createLedgerEvidence } from '../../src/exchange/evidence/ledger-evidence.js';
import { createReceiptExporter, deriveNoteKey } from '../../src/ledger/index.js';
import { createApp } from '../../src/http/app.js';
import { createRedisSessionStore, type SessionStore } from '../../src/http/person-session.js';
import { createUiDialect } from '../../src/http/ui/index.js';
import { createHash } from 'node:crypto';
import { shippedCalendar } from '../calendar/shipped-calendar.js';
import type { ExchangeFixture } from '../http/exchange-fixture.js';

export interface UiApp {
  app: Express;
  sessions: SessionStore;
  archivistToken: string;
  operatorToken: string;
  prefix: string;
}

const ORIGIN = 'test.truc.gov.vn/edx-axis/receipts';

export function buildUiApp(f: ExchangeFixture, options: { lifetimeMs?: number; secureCookie?: 'auto' | 'always'; evidenceUploadMaxBytes?: number } = {}): UiApp {
  const prefix = `${f.queuePrefix}:ui-${randomBytes(3).toString('hex')}:`;
  const tokens = [
    { role: 'archivist' as const, digest: createHash('sha256').update(f.archivistToken).digest() },
    { role: 'operator' as const, digest: createHash('sha256').update(f.operatorToken).digest() },
  ];
  const sessions = createRedisSessionStore({ redis: f.redis, keyPrefix: prefix, lifetimeMs: options.lifetimeMs ?? 60 * 60_000 });
  const archive = createArchive({ store: f.store, calendar: shippedCalendar(), rules: DECREE_30_RULES, watchDays: 30 });
  const noteVerifierKey = deriveNoteKey(ORIGIN, f.identity.privateKey).verifierKey;
  // The receipt log over the same store, checking uploaded bundles against the roots of the receipts this axis seals.
  const evidence = createLedgerEvidence({
    store: f.store,
    exportReceipt: createReceiptExporter(f.identity),
    origin: ORIGIN,
    noteVerifierKey,
    bundleTrust: async () => ({ trustAnchors: f.receiptTrust, noteVerifierKeys: [noteVerifierKey], origin: ORIGIN }),
  });
  const ui = createUiDialect({
    tokens,
    sessions,
    secureCookie: options.secureCookie ?? 'auto',
    exchange: f.exchange,
    archive,
    evidence,
    ...(options.evidenceUploadMaxBytes ? { evidenceUploadMaxBytes: options.evidenceUploadMaxBytes } : {}),
    agencies: f.agencies,
    systems: f.systems,
    deliveries: createDeliveryAdmin({ store: f.store, queue: f.queue }),
    health: {
      trust: async () => ({ dir: '/nowhere', revocationPolicy: 'require', anchors: [], problem: 'test', checkedAt: new Date().toISOString() }),
      queues: async () => [{ name: 'edx-delivery', counts: await f.queue.queue.getJobCounts('waiting', 'active', 'delayed', 'failed') }],
      deliveriesByState: () => f.store.countDeliveriesByState(),
    },
  });
  const board = Router().get('/queues', (_req, res) => { res.type('html').send('<title>Bull Board</title>'); }).post('/queues/api/clean', (_req, res) => { res.json({ ok: true }); });
  const app = createApp({
    logger: pino({ level: 'silent' }),
    ops: { store: f.store, redis: f.redis, metrics: undefined, metricsPublic: false, tokens },
    dialects: [ui],
    operatorPages: { router: board, tokens, sessions },
  });
  return { app, sessions, archivistToken: f.archivistToken, operatorToken: f.operatorToken, prefix };
}

/** A browser: the login form, then the token; its cookies kept, and the session's form token read off the next page. */
export async function loggedIn(app: UiApp, token: string): Promise<{ agent: ReturnType<typeof request.agent>; csrf: string; cookie: string }> {
  const agent = request.agent(app.app);
  const form = await agent.get('/ui/login');
  const login = /name="_login" value="([^"]+)"/.exec(form.text)![1]!;
  const res = await agent.post('/ui/login').type('form').send({ _login: login, token });
  expect(res.status).toBe(303);
  const cookie = [res.headers['set-cookie']].flat().find((c) => String(c).startsWith('edx_session='))!;
  const page = await agent.get(res.headers['location']!);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  return { agent, csrf, cookie: String(cookie) };
}
