/**
 * Authenticates agency systems by HMAC-signed requests (docs/auth.md). The signature is checked before any body is
 * read, over the digest the client claims; routes that read a body then compare the claim with what actually
 * arrived (`assertBodyDigest`). Nonces are remembered in Redis for the window so a captured request cannot be replayed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AgencyRecord } from '../../exchange/model/index.js';
import { HttpError } from '../problem.js';
import { readAuthHeaders } from './auth-headers.js';
import { computeSignature, EMPTY_SHA256, stringToSign } from './request-signing.js';

export interface KeyResolver {
  resolveKey(keyId: string): Promise<{ agency: AgencyRecord; secret: Buffer } | undefined>;
}

/** The slice of ioredis the replay cache needs. */
export interface NonceCache {
  set(key: string, value: string, px: 'PX', ms: number, nx: 'NX'): Promise<'OK' | null>;
}

export interface AgencyAuthOptions {
  keys: KeyResolver;
  nonces: NonceCache;
  windowSeconds: number;
  keyPrefix: string;
  now?: () => number;
}

export interface AuthenticatedAgency {
  organId: string;
  keyId: string;
  /** The digest the signature covers; a route that reads the body must check it. */
  claimedBodySha256: string;
}


export function agencyOf(res: Response): AuthenticatedAgency {
  const agency = res.locals['agency'] as AuthenticatedAgency | undefined;
  if (!agency) throw new HttpError(401, 'AUTH_MISSING', 'This request needs an authenticated agency.');
  return agency;
}

export function assertBodyDigest(res: Response, actualSha256: string): void {
  const claimed = agencyOf(res).claimedBodySha256;
  if (!safeEqual(Buffer.from(claimed, 'utf8'), Buffer.from(actualSha256, 'utf8'))) {
    throw new HttpError(401, 'AUTH_BODY_DIGEST_MISMATCH', 'The body received does not match X-Edx-Content-SHA256: it was altered or truncated in transit.');
  }
}

export function agencyAuth(options: AgencyAuthOptions): RequestHandler {
  const now = options.now ?? Date.now;
  return (req: Request, res: Response, next: NextFunction) => {
    authenticate(req, options, now()).then((agency) => {
      res.locals['agency'] = agency;
      next();
    }, next);
  };
}

async function authenticate(req: Request, options: AgencyAuthOptions, nowMs: number): Promise<AuthenticatedAgency> {
  const { keyId, timestamp, bodySha256, nonce, signature } = readAuthHeaders(req);
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > options.windowSeconds) {
    throw new HttpError(401, 'AUTH_EXPIRED', `The request timestamp is more than ${options.windowSeconds} s from the axis clock: check the client's clock and sign again.`);
  }
  const resolved = await options.keys.resolveKey(keyId);
  const expected = computeSignature(resolved?.secret ?? PLACEHOLDER_SECRET, stringToSign(req.method, req.originalUrl, timestamp, bodySha256, nonce));
  // Compare even for unknown keys so the response time does not reveal which key ids exist.
  const matches = safeEqual(expected, signature);
  if (!resolved || !matches) throw new HttpError(401, 'AUTH_INVALID', 'The request signature is not valid for this key.');
  if (resolved.agency.state !== 'active') {
    throw new HttpError(403, 'AUTH_AGENCY_SUSPENDED', `Agency ${resolved.agency.organId} is suspended: contact the axis operator.`);
  }
  const fresh = await rememberNonce(options, keyId, nonce);
  if (fresh !== 'OK') throw new HttpError(401, 'AUTH_REPLAYED', 'This request (its nonce) was already used: sign every request with a fresh nonce.');
  return { organId: resolved.agency.organId, keyId, claimedBodySha256: bodySha256 };
}

/** Seconds a client should wait when the replay cache is away: Redis restarts take a few seconds. */
const REPLAY_CACHE_RETRY_AFTER_SECONDS = 5;

/**
 * Records the nonce. Without the replay cache a captured request could be replayed, so the request is refused
 * (503, retry later) rather than accepted unchecked.
 */
async function rememberNonce(options: AgencyAuthOptions, keyId: string, nonce: string): Promise<'OK' | null> {
  try {
    return await options.nonces.set(`${options.keyPrefix}nonce:${keyId}:${nonce}`, '1', 'PX', options.windowSeconds * 2000, 'NX');
  } catch (error) {
    throw new HttpError(503, 'AUTH_REPLAY_CACHE_UNAVAILABLE',
      'The axis cannot check this request against replays right now (its replay cache is unavailable): send it again, freshly signed, in a few seconds.',
      undefined, { retryAfterSeconds: REPLAY_CACHE_RETRY_AFTER_SECONDS, cause: error });
  }
}

const PLACEHOLDER_SECRET = createHash('sha256').update('edx-axis:unknown-key').digest();

function safeEqual(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/** For agency routes without a body: the signed digest must be that of an empty body. */
export function assertEmptyBody(req: Request, res: Response): void {
  const length = Number(req.get('content-length') ?? '0');
  if (length > 0 || req.get('transfer-encoding')) {
    throw new HttpError(400, 'HTTP_BODY_UNEXPECTED', 'This endpoint takes no request body.');
  }
  assertBodyDigest(res, EMPTY_SHA256);
}
