/**
 * The web UI at /ui for archivists and operators (docs/ui.md): server-rendered pages over the same use-cases as the
 * APIs, in Vietnamese by default and English by a switch. A dialect of its own: its authentication is the login form
 * and the session cookie (src/http/person-session.ts), its error format an HTML page. Every form carries the
 * session's anti-forgery token; every page is sent with a strict Content-Security-Policy (own assets only).
 */
import { Router, urlencoded, type ErrorRequestHandler, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { TokenDigest } from '../../config/tokens.js';
import type { AgencyRegistry } from '../../exchange/agencies/agency-registry.js';
import type { Archive } from '../../exchange/archive/create-archive.js';
import type { Exchange } from '../../exchange/create-exchange.js';
import type { DeliveryAdmin } from '../../exchange/delivery/dead-letters.js';
import type { SystemRegistry } from '../../exchange/systems/system-registry.js';
import { isAxisError } from '../../errors/axis-error.js';
import type { HttpDialect } from '../dialect.js';
import { cookieOf, SESSION_COOKIE, type SessionStore } from '../person-session.js';
import { HttpError } from '../problem.js';
import { logFor } from '../request-log.js';
import { closeIfBodyUnread } from '../unread-body.js';
import { ASSETS } from './assets.js';
import { agencyPages } from './agency-pages.js';
import { deadlinePages } from './deadline-pages.js';
import { deliveryPages } from './delivery-pages.js';
import { documentPages } from './document-pages.js';
import { EVIDENCE_CHECK_PATH, evidencePages } from './evidence-pages.js';
import { healthPages, type OperatorHealth } from './health-pages.js';
import { html } from './html.js';
import { labelsFor, LANGUAGE_COOKIE, languageOf } from './labels/labels.js';
import { page, UI_PATH } from './layout.js';
import { loginRoutes } from './login-routes.js';
import { receiptPages } from './receipt-pages.js';
import { statisticsPages } from './statistics-pages.js';
import { systemPages } from './system-pages.js';
import { isSessionToken, uiOf, type UiRequest } from './ui-context.js';
import type { LedgerEvidence } from '../../exchange/evidence/ledger-evidence.js';

export interface UiDialectOptions {
  tokens: readonly TokenDigest[];
  sessions: SessionStore;
  secureCookie: 'auto' | 'always';
  exchange: Exchange | undefined;
  archive: Archive | undefined;
  /** The receipt log (evidence bundles to download, and to check when an archivist uploads one); undefined on a node without it. */
  evidence?: LedgerEvidence | undefined;
  /** UI_EVIDENCE_UPLOAD_MAX_BYTES (default 128 MiB). */
  evidenceUploadMaxBytes?: number;
  agencies: AgencyRegistry;
  systems: SystemRegistry;
  deliveries: DeliveryAdmin | undefined;
  health: OperatorHealth;
}

const DEFAULT_EVIDENCE_UPLOAD_MAX_BYTES = 128 * 1024 ** 2;

const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'";

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
  });
  next();
};

export function createUiDialect(options: UiDialectOptions): HttpDialect {
  const router = Router();
  router.use(securityHeaders);
  for (const asset of ASSETS) {
    router.get(asset.path, (_req, res) => {
      res.set({ 'Content-Type': asset.type, 'Cache-Control': 'public, max-age=31536000, immutable' }).send(asset.body);
    });
  }
  router.use(urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 }));
  // Who is asking, in which language: every page below reads it.
  router.use((req: Request, res: Response, next: NextFunction) => {
    const language = languageOf(cookieOf(req, LANGUAGE_COOKIE));
    const id = cookieOf(req, SESSION_COOKIE);
    const context = (session: UiRequest['session']): UiRequest => ({ language, labels: labelsFor(language), session, here: `${UI_PATH}${req.url}` });
    (id ? options.sessions.read(id) : Promise.resolve(undefined)).then((session) => {
      res.locals['ui'] = context(session && id ? { id, role: session.role, csrf: session.csrf } : undefined);
      if (session) res.locals['person'] = { role: session.role };
      next();
    }, (error: unknown) => {
      res.locals['ui'] = context(undefined);
      next(error);
    });
  });
  router.use(loginRoutes(options));

  // Everything else needs a session; a change needs the session's form token too.
  router.use((req, res, next) => {
    const { session } = uiOf(res);
    if (!session) {
      if (req.method === 'GET') return res.redirect(303, `${UI_PATH}/login?next=${encodeURIComponent(`${UI_PATH}${req.url}`)}`);
      return next(new HttpError(401, 'AUTH_MISSING', 'Log in first.'));
    }
    // The bundle upload reads its multipart body itself, and its form token before any byte of the file.
    const readsOwnToken = req.method === 'POST' && req.path === EVIDENCE_CHECK_PATH && req.is('multipart/form-data');
    if (req.method !== 'GET' && req.method !== 'HEAD' && !readsOwnToken && !isSessionToken(req.body?.['_csrf'], session.csrf)) {
      return next(new HttpError(403, 'AUTH_CSRF', 'This form is not from this session: reload the page and send it again.'));
    }
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(documentPages({ exchange: options.exchange, archive: options.archive, evidence: options.evidence }));
  router.use(receiptPages({ archive: options.archive }));
  router.use(statisticsPages({ archive: options.archive }));
  router.use(deadlinePages({ archive: options.archive }));
  router.use(evidencePages({ evidence: options.evidence, maxUploadBytes: options.evidenceUploadMaxBytes ?? DEFAULT_EVIDENCE_UPLOAD_MAX_BYTES }));
  router.use(agencyPages({ agencies: options.agencies, deliveries: options.deliveries }));
  router.use(systemPages({ systems: options.systems }));
  router.use(deliveryPages({ deliveries: options.deliveries }));
  router.use(healthPages({ health: options.health }));
  router.use((_req, _res, next) => next(new HttpError(404, 'NOT_FOUND', 'There is no such page.')));
  router.use(errorPage);
  return { name: 'ui', mountPath: UI_PATH, router };
}

/** The UI's own reading of the axis's codes: not found, the store away for now, or a request it cannot do. */
function statusOfCode(code: string): number {
  if (code.endsWith('_NOT_FOUND')) return 404;
  if (code.startsWith('STORE_') || code === 'SERVICE_UNAVAILABLE') return 503;
  return 400;
}

/** Errors as a page in the person's language; the code and the request id let support find the log line. */
const errorPage: ErrorRequestHandler = (error: unknown, req, res, _next) => {
  const status = error instanceof HttpError ? error.status : isAxisError(error) ? statusOfCode(error.code) : 500;
  if (status >= 500) logFor(req)?.error({ err: error }, 'UI page failed');
  const ui = (res.locals['ui'] as UiRequest | undefined) ?? { language: 'vi' as const, labels: labelsFor('vi'), session: undefined, here: UI_PATH };
  const code = isAxisError(error) ? error.code : 'INTERNAL_ERROR';
  const detail = status >= 500 ? 'The axis could not complete the request; it has been logged.' : (error as Error).message;
  if (res.headersSent) return res.destroy();
  // A refused upload is not read to its end.
  closeIfBodyUnread(req, res);
  res.status(status).set('Cache-Control', 'no-store').type('html').send(page(ui, {
    title: `${ui.labels.common.error} ${status}`,
    nav: 'login',
    notice: { kind: 'bad', text: html`<strong>${code}</strong>: ${detail} <span class="mono">(${String(req.id ?? '')})</span>` },
    body: html`<p><a href="${UI_PATH}/">${ui.labels.common.back}</a></p>`,
  }));
};
