/** `?from=ORGANID`: whose document a DocumentId means, since a DocumentId is unique per sender only (docs/api.md). */
import type { Request } from 'express';
import { isOrganId } from '../../edxml/organ-id.js';
import { HttpError } from '../problem.js';

export function senderParam(req: Request): { from?: string } {
  const from = req.query['from'];
  if (from === undefined) return {};
  if (typeof from !== 'string' || !isOrganId(from, 'identifier')) {
    throw new HttpError(400, 'HTTP_QUERY_INVALID', 'Query parameter "from" must be the OrganId of the agency that sent the document.');
  }
  return { from };
}
