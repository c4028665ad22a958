/**
 * Logging in and out, and the language switch. The login form exchanges an archivist's or operator's token for a
 * session cookie; the form itself carries a one-time token matched against a cookie (a site cannot log a person in
 * as someone else), and failed logins from one address are counted and slowed down. Logout ends the session in Redis.
 */
import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { PersonRole, TokenDigest } from '../../config/tokens.js';
import { roleOfToken } from '../person-auth.js';
import { cookieOf, sessionCookie, type SessionStore } from '../person-session.js';
import { html } from './html.js';
import { LANGUAGE_COOKIE } from './labels/labels.js';
import { page, PAGES_OF, UI_PATH } from './layout.js';
import { isSessionToken, uiOf } from './ui-context.js';

const LOGIN_COOKIE = 'edx_login';
/** Failed logins from one address before it has to wait, and for how long they are counted. */
const MAX_FAILED_LOGINS = 10;
const FAILED_LOGIN_WINDOW_MS = 15 * 60_000;

/** Where a login or a language switch may send the browser back to: a page of the UI, or Bull Board. */
export function safeReturn(value: unknown, fallback: string): string {
  if (typeof value !== 'string' || value.length > 500) return fallback;
  if (!/^\/(ui(\/|$|\?)|admin\/queues(\/|$|\?))/.test(value) || value.includes('//') || value.includes('\\')) return fallback;
  return value;
}

export const homeOf = (role: PersonRole): string => `${UI_PATH}/${PAGES_OF[role][0]}`;

export interface LoginOptions {
  tokens: readonly TokenDigest[];
  sessions: SessionStore;
  secureCookie: 'auto' | 'always';
}

export function loginRoutes(options: LoginOptions): Router {
  const router = Router();
  const secure = (req: Request) => options.secureCookie === 'always' || req.secure;

  const loginPage = (req: Request, res: Response, status: number, problem?: string): void => {
    const ui = uiOf(res);
    const { labels } = ui;
    const formToken = randomBytes(24).toString('base64url');
    const next = safeReturn(req.query['next'] ?? req.body?.['next'], '');
    res.status(status).set('Cache-Control', 'no-store')
      .append('Set-Cookie', `${LOGIN_COOKIE}=${formToken}; Path=${UI_PATH}; HttpOnly; SameSite=Strict; Max-Age=1800${secure(req) ? '; Secure' : ''}`)
      .type('html').send(page(ui, {
        title: labels.login.title,
        nav: 'login',
        ...(problem ? { notice: { kind: 'bad' as const, text: problem } } : {}),
        body: html`<form class="login" method="post" action="${UI_PATH}/login">
  <p>${labels.login.intro}</p>
  <input type="hidden" name="_login" value="${formToken}">
  ${next ? html`<input type="hidden" name="next" value="${next}">` : ''}
  <p><label for="token">${labels.login.token}</label><input id="token" name="token" type="password" autocomplete="current-password" required maxlength="512" autofocus></p>
  <p><button type="submit">${labels.login.submit}</button></p>
</form>`,
      }));
  };

  router.get('/login', (req, res) => {
    const session = uiOf(res).session;
    if (session) return res.redirect(303, safeReturn(req.query['next'], homeOf(session.role)));
    loginPage(req, res, 200);
  });

  router.post('/login', async (req, res) => {
    const { labels } = uiOf(res);
    const who = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const expected = cookieOf(req, LOGIN_COOKIE);
    if (!expected || !isSessionToken(req.body?.['_login'], expected)) return loginPage(req, res, 400, labels.login.expired);
    if ((await options.sessions.failedLogins(who)) >= MAX_FAILED_LOGINS) return loginPage(req, res, 429, labels.login.throttled);
    const token = typeof req.body?.['token'] === 'string' ? req.body['token'].trim() : '';
    const role = roleOfToken(token, options.tokens);
    if (!role) {
      await options.sessions.failedLogin(who, FAILED_LOGIN_WINDOW_MS);
      return loginPage(req, res, 401, labels.login.invalid);
    }
    const { id } = await options.sessions.create(role);
    res.set('Cache-Control', 'no-store')
      .append('Set-Cookie', sessionCookie(id, { secure: secure(req), maxAgeSeconds: Math.floor(options.sessions.lifetimeMs / 1000) }))
      .append('Set-Cookie', `${LOGIN_COOKIE}=; Path=${UI_PATH}; HttpOnly; SameSite=Strict; Max-Age=0`)
      .redirect(303, safeReturn(req.body?.['next'], homeOf(role)));
  });

  router.post('/logout', async (req, res) => {
    const ui = uiOf(res);
    // A logout without the session's form token (another site's form) changes nothing.
    if (ui.session && isSessionToken(req.body?.['_csrf'], ui.session.csrf)) await options.sessions.destroy(ui.session.id);
    else if (ui.session) return res.redirect(303, homeOf(ui.session.role));
    res.append('Set-Cookie', sessionCookie('', { secure: secure(req), maxAgeSeconds: 0 })).redirect(303, `${UI_PATH}/login`);
  });

  router.get('/lang', (req, res) => {
    const to = req.query['to'] === 'en' ? 'en' : 'vi';
    res.append('Set-Cookie', `${LANGUAGE_COOKIE}=${to}; Path=/; SameSite=Lax; Max-Age=31536000${secure(req) ? '; Secure' : ''}`)
      .redirect(303, safeReturn(req.query['back'], `${UI_PATH}/`));
  });

  router.get('/', (_req, res) => {
    const session = uiOf(res).session;
    res.redirect(303, session ? homeOf(session.role) : `${UI_PATH}/login`);
  });
  return router;
}

