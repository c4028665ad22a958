/** Who may open a page, and what a page needs from the node (the archive, the exchange) before it can answer. */
import type { RequestHandler } from 'express';
import type { PersonRole } from '../../config/tokens.js';
import { HttpError } from '../problem.js';
import { uiOf } from './ui-context.js';

export function onlyFor(roles: readonly PersonRole[]): RequestHandler {
  return (_req, res, next) => {
    const role = uiOf(res).session?.role;
    next(role && roles.includes(role) ? undefined : new HttpError(403, 'AUTH_FORBIDDEN', 'This page is not for this role.'));
  };
}

export const onlyArchivists = onlyFor(['archivist']);
export const onlyOperators = onlyFor(['operator']);
export const archivistsAndOperators = onlyFor(['archivist', 'operator']);

/** A part of the axis this node was composed without: the page says so (503) rather than fail. */
export function required<T>(part: T | undefined): T {
  if (part === undefined) throw new HttpError(503, 'SERVICE_UNAVAILABLE', 'This is not available on this node.');
  return part;
}
