/**
 * People (operators, archivists) authenticate with bearer tokens. The axis holds only SHA-256 digests of the tokens
 * and compares the presented token's digest against every configured one in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { PersonRole, TokenDigest } from '../config/tokens.js';
import { HttpError } from './problem.js';

export function personRoleOf(req: Request, tokens: readonly TokenDigest[]): PersonRole | undefined {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(\S{1,512})$/i.exec(header) : null;
  if (!match?.[1]) return undefined;
  const digest = createHash('sha256').update(match[1], 'utf8').digest();
  let role: PersonRole | undefined;
  for (const token of tokens) {
    // No early exit: every configured digest is compared.
    if (token.digest.length === digest.length && timingSafeEqual(token.digest, digest) && role === undefined) role = token.role;
  }
  return role;
}

export function requirePerson(tokens: readonly TokenDigest[], roles: readonly PersonRole[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.get('authorization')) return next(new HttpError(401, 'AUTH_MISSING', 'This endpoint needs an operator bearer token (Authorization: Bearer ...).'));
    const role = personRoleOf(req, tokens);
    if (!role) return next(new HttpError(401, 'AUTH_INVALID', 'The bearer token is not valid.'));
    if (!roles.includes(role)) return next(new HttpError(403, 'AUTH_FORBIDDEN', `This endpoint needs the ${roles.join(' or ')} role.`));
    res.locals['person'] = { role };
    next();
  };
}

/** The person a request authenticated as (set by requirePerson or personOr), if any. */
export function personOf(res: Response): { role: PersonRole } | undefined {
  return res.locals['person'] as { role: PersonRole } | undefined;
}

/**
 * Routes open both to a dialect's own callers and to people: a request with a bearer token must be a person of one of
 * `roles`; any other request goes to `otherwise` (the dialect's own authentication).
 */
export function personOr(tokens: readonly TokenDigest[], roles: readonly PersonRole[], otherwise: RequestHandler): RequestHandler {
  const person = requirePerson(tokens, roles);
  return (req: Request, res: Response, next: NextFunction) => (req.get('authorization') ? person(req, res, next) : otherwise(req, res, next));
}

/** The role a presented token (typed into the UI's login form) carries, compared as bearer tokens are. */
export function roleOfToken(token: string, tokens: readonly TokenDigest[]): PersonRole | undefined {
  if (token.length === 0 || token.length > 512) return undefined;
  const digest = createHash('sha256').update(token, 'utf8').digest();
  let role: PersonRole | undefined;
  for (const known of tokens) {
    // No early exit: every configured digest is compared.
    if (known.digest.length === digest.length && timingSafeEqual(known.digest, digest) && role === undefined) role = known.role;
  }
  return role;
}
