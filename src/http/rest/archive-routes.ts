/**
 * The archive API (docs/api.md, "Archivists and statistics"): document search and receipts across agencies for
 * archivists, statistics and the Decree 30 time limits for archivists and operators, all with bearer tokens. An
 * agency system that signs a request to one of them is refused (403), except for its own deadlines; its own
 * receipts stay at GET /v1/receipts without a bearer token (exchange-routes.ts). Mounted before the exchange routes.
 */
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { instantOf, localPartsOf } from '../../calendar/index.js';
import type { TokenDigest } from '../../config/tokens.js';
import type { Archive } from '../../exchange/archive/create-archive.js';
import type { DeadlineState } from '../../exchange/deadlines/delivery-deadlines.js';
import { receiptsCsv, statisticsCsv } from '../archive-csv.js';
import { agencyParam, assertRange, documentCursorParam, encodeDocumentCursor, formatParam, instantParam, intParam, periodParam, receiptTypeParam, statusParam, textParam } from '../archive-query.js';
import { sendCsv } from '../csv.js';
import { personOr, requirePerson } from '../person-auth.js';
import { HttpError } from '../problem.js';
import { agencyAuth, agencyOf, assertEmptyBody, type AgencyAuthOptions } from './agency-auth.js';

export interface ArchiveRoutesOptions {
  /** Undefined on a node without the archive (its routes answer 503). */
  archive: Archive | undefined;
  auth: AgencyAuthOptions;
  tokens: readonly TokenDigest[];
}

/** The most rows one CSV export holds: a larger export is cut there and says so in a header. */
export const CSV_MAX_ROWS = 100_000;

export function archiveRoutes(options: ArchiveRoutesOptions): Router {
  const router = Router();
  const authenticate = agencyAuth(options.auth);
  const archive = (): Archive => {
    if (!options.archive) throw new HttpError(503, 'SERVICE_UNAVAILABLE', 'The archive is not available on this node.');
    return options.archive;
  };
  /** An authenticated agency system is told it may not (a bad signature is still 401, as anywhere). */
  const agencyRefused: RequestHandler = (req: Request, res: Response, next: NextFunction) => authenticate(req, res, (error?: unknown) => {
    next(error ?? new HttpError(403, 'AUTH_FORBIDDEN', 'This endpoint is for archivists and operators (bearer token): an agency system reads its own receipts, timelines and deadlines.'));
  });

  router.get('/v1/documents', personOr(options.tokens, ['archivist'], agencyRefused), async (req, res) => {
    const from = instantParam(req, 'from');
    const to = instantParam(req, 'to');
    assertRange(from, to);
    const text = textParam(req, 'q');
    const agency = agencyParam(req);
    const status = statusParam(req);
    const cursor = documentCursorParam(req);
    const limit = intParam(req, 'limit', 1, 200);
    const result = await archive().searchDocuments({
      ...(text ? { text } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}), ...(agency ? { agency } : {}),
      ...(status ? { status } : {}), ...(cursor ? { cursor } : {}), ...(limit ? { limit } : {}),
    });
    res.set('Cache-Control', 'no-store').json({ items: result.items, ...(result.nextCursor ? { nextCursor: encodeDocumentCursor(result.nextCursor) } : {}), examined: result.examined });
  });

  // Only with a bearer token: an agency's signed request goes on to its own receipts (exchange-routes.ts).
  router.get('/v1/receipts', (req, _res, next) => next(req.get('authorization') ? undefined : 'route'), requirePerson(options.tokens, ['archivist']), async (req, res) => {
    const from = instantParam(req, 'from');
    const to = instantParam(req, 'to');
    assertRange(from, to);
    const documentId = textParam(req, 'documentId');
    const agency = agencyParam(req);
    const type = receiptTypeParam(req);
    const filters = { ...(from ? { from } : {}), ...(to ? { to } : {}), ...(documentId ? { documentId } : {}), ...(agency ? { agency } : {}), ...(type ? { type } : {}) };
    if (formatParam(req) === 'csv') {
      const { receipts, truncated } = await allReceipts(archive(), filters);
      if (truncated) res.set('X-Edx-Truncated', `true; first ${CSV_MAX_ROWS} rows`);
      return sendCsv(res, 'bien-nhan.csv', receiptsCsv(receipts));
    }
    const after = intParam(req, 'after', 0, Number.MAX_SAFE_INTEGER);
    const limit = intParam(req, 'limit', 1, 1000);
    const page = await archive().searchReceipts({ ...filters, ...(after !== undefined ? { after } : {}), ...(limit ? { limit } : {}) });
    res.set('Cache-Control', 'no-store').json({ items: page.items, ...(page.nextCursor !== undefined ? { nextCursor: String(page.nextCursor) } : {}) });
  });

  router.get('/v1/statistics', personOr(options.tokens, ['archivist', 'operator'], agencyRefused), async (req, res) => {
    const now = new Date();
    const from = instantParam(req, 'from') ?? instantOf(`${localPartsOf(now).date.slice(0, 4)}-01-01`, 0).toISOString();
    const to = instantParam(req, 'to') ?? now.toISOString();
    assertRange(from, to);
    const agency = agencyParam(req);
    const groupBy = periodParam(req, 'month');
    const format = formatParam(req);
    const report = await archive().statistics({ from: new Date(from), to: new Date(to), groupBy, ...(agency ? { agency } : {}) });
    if (format === 'csv') return sendCsv(res, `thong-ke-${groupBy}.csv`, statisticsCsv(report));
    res.set('Cache-Control', 'no-store').json(report);
  });

  router.get('/v1/deadlines', personOr(options.tokens, ['archivist', 'operator'], authenticate), async (req, res) => {
    const rawState = textParam(req, 'state', 10);
    if (rawState !== undefined && rawState !== 'due' && rawState !== 'overdue') throw new HttpError(400, 'HTTP_QUERY_INVALID', 'Query parameter "state" must be due or overdue.');
    const state = rawState as DeadlineState | undefined;
    const limit = intParam(req, 'limit', 1, 5000);
    let agency = agencyParam(req);
    if (!res.locals['person']) {
      // An agency system sees the statuses awaited from it, never another agency's.
      assertEmptyBody(req, res);
      const own = agencyOf(res).organId;
      if (agency !== undefined && agency !== own) throw new HttpError(403, 'AUTH_FORBIDDEN', 'An agency sees only its own deadlines: leave out "agency" or give its own code.');
      agency = own;
    }
    const list = await archive().deadlines({ ...(state ? { state } : {}), ...(agency ? { agency } : {}), ...(limit ? { limit } : {}) });
    res.set('Cache-Control', 'no-store').json(list);
  });

  return router;
}

async function allReceipts(archive: Archive, filters: Parameters<Archive['searchReceipts']>[0]): Promise<{ receipts: Awaited<ReturnType<Archive['searchReceipts']>>['items']; truncated: boolean }> {
  const receipts: Awaited<ReturnType<Archive['searchReceipts']>>['items'] = [];
  let after: number | undefined;
  for (;;) {
    const page = await archive.searchReceipts({ ...filters, ...(after !== undefined ? { after } : {}), limit: 1000 });
    receipts.push(...page.items);
    if (receipts.length >= CSV_MAX_ROWS) return { receipts: receipts.slice(0, CSV_MAX_ROWS), truncated: true };
    if (page.nextCursor === undefined) return { receipts, truncated: false };
    after = page.nextCursor;
  }
}
