/**
 * People's sessions in a browser (the web UI, Bull Board): an archivist's or operator's token, typed once into the
 * login form, is exchanged for a random session id in a cookie (HttpOnly, SameSite=Strict, Secure over TLS). Sessions
 * live in Redis, so every gateway process knows them and logout ends them everywhere; Redis keeps only the id's
 * SHA-256, so its keys never open a session. A session ends `lifetimeMs` after login (UI_SESSION_MINUTES).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { PersonRole, TokenDigest } from '../config/tokens.js';
import { requirePerson } from './person-auth.js';
import { HttpError } from './problem.js';

export const SESSION_COOKIE = 'edx_session';

export interface PersonSession {
  role: PersonRole;
  /** The session's anti-forgery token: every form of the session carries it. */
  csrf: string;
  createdAt: string;
  expiresAt: string;
}

/** The slice of ioredis sessions need. */
export interface SessionRedis {
  set(key: string, value: string, px: 'PX', ms: number): Promise<unknown>;
  get(key: string): Promise<string | null>;
  del(key: string): Promise<number>;
  incr(key: string): Promise<number>;
  pexpire(key: string, ms: number): Promise<number>;
}

export interface SessionStore {
  readonly lifetimeMs: number;
  create(role: PersonRole, now?: Date): Promise<{ id: string; session: PersonSession }>;
  read(id: string): Promise<PersonSession | undefined>;
  destroy(id: string): Promise<void>;
  /** Counts a failed login from `who` in the last `windowMs`; the count so far. */
  failedLogin(who: string, windowMs: number): Promise<number>;
  failedLogins(who: string): Promise<number>;
}

const ID = /^[A-Za-z0-9_-]{43}$/;
const digestOf = (id: string) => createHash('sha256').update(id, 'utf8').digest('hex');

export function createRedisSessionStore(options: { redis: SessionRedis; keyPrefix: string; lifetimeMs: number }): SessionStore {
  const { redis, keyPrefix, lifetimeMs } = options;
  const key = (id: string) => `${keyPrefix}ui:session:${digestOf(id)}`;
  const failures = (who: string) => `${keyPrefix}ui:login-failures:${digestOf(who)}`;
  return {
    lifetimeMs,
    async create(role, now = new Date()) {
      const id = randomBytes(32).toString('base64url');
      const session: PersonSession = { role, csrf: randomBytes(32).toString('base64url'), createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + lifetimeMs).toISOString() };
      await redis.set(key(id), JSON.stringify(session), 'PX', lifetimeMs);
      return { id, session };
    },
    async read(id) {
      if (!ID.test(id)) return undefined;
      const raw = await redis.get(key(id));
      if (!raw) return undefined;
      const session = JSON.parse(raw) as PersonSession;
      return Date.parse(session.expiresAt) > Date.now() ? session : undefined;
    },
    async destroy(id) {
      if (ID.test(id)) await redis.del(key(id));
    },
    async failedLogin(who, windowMs) {
      const count = await redis.incr(failures(who));
      if (count === 1) await redis.pexpire(failures(who), windowMs);
      return count;
    },
    async failedLogins(who) {
      return Number((await redis.get(failures(who))) ?? 0);
    },
  };
}

/** A cookie of the request, by name (the Cookie header parsed here: the UI needs no more than this). */
export function cookieOf(req: Request, name: string): string | undefined {
  const header = req.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
}

/** The session cookie as the UI sets it: whole site (the UI and /admin), HttpOnly, SameSite=Strict, Secure over TLS. */
export function sessionCookie(value: string, options: { secure: boolean; maxAgeSeconds: number }): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${options.maxAgeSeconds}${options.secure ? '; Secure' : ''}`;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A request a page of this site sent: its Origin (or, without one, its Referer) is this host. SameSite=Strict already
 * keeps the cookie off other sites' requests; this is the second lock for a cookie-authenticated change.
 */
export function isSameOrigin(req: Request): boolean {
  const host = req.get('host');
  if (!host) return false;
  const origin = req.get('origin');
  const from = origin ?? req.get('referer');
  if (!from) return false;
  try {
    return new URL(from).host === host;
  } catch {
    return false;
  }
}

/**
 * Pages for people opened from a browser (Bull Board at /admin/queues): a bearer token as before, or the UI session's
 * cookie. Without either, a browser is sent to the login page and comes back; an API client gets 401.
 */
export function requirePersonOrSession(tokens: readonly TokenDigest[], sessions: SessionStore, roles: readonly PersonRole[]): RequestHandler {
  const bearer = requirePerson(tokens, roles);
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.get('authorization')) return bearer(req, res, next);
    const id = cookieOf(req, SESSION_COOKIE);
    (id ? sessions.read(id) : Promise.resolve(undefined)).then((session) => {
      if (!session) {
        if (req.method === 'GET' && req.accepts(['json', 'html']) === 'html') return res.redirect(303, `/ui/login?next=${encodeURIComponent(req.originalUrl)}`);
        return next(new HttpError(401, 'AUTH_MISSING', 'This page needs an operator: log in at /ui/login, or send a bearer token.'));
      }
      if (!roles.includes(session.role)) return next(new HttpError(403, 'AUTH_FORBIDDEN', `This page needs the ${roles.join(' or ')} role.`));
      if (!SAFE_METHODS.has(req.method) && !isSameOrigin(req)) return next(new HttpError(403, 'AUTH_CROSS_SITE', 'A change made with the session cookie must come from a page of this site.'));
      res.locals['person'] = { role: session.role };
      next();
    }, next);
  };
}
