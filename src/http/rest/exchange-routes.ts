/** Exchange API v1 for agency systems. Thin: parse, call one use-case, render. */
import { rm } from 'node:fs/promises';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { isAxisError } from '../../errors/axis-error.js';
import type { TokenDigest } from '../../config/tokens.js';
import type { Exchange } from '../../exchange/create-exchange.js';
import { RECEIPT_TYPES, type ReceiptType } from '../../exchange/model/index.js';
import { isPackageRefused } from '../../exchange/package-refusal.js';
import type { PackageHead } from '../../exchange/receive-package.js';
import type { PackageCounters } from '../package-counters.js';
import type { AgencyRateLimit } from '../agency-rate-limit.js';
import { assertPackageContentType, receivePackage } from '../package-upload.js';
import { personOf, personOr } from '../person-auth.js';
import { HttpError, sendProblem } from '../problem.js';
import { logFor } from '../request-log.js';
import { agencyAuth, agencyOf, assertBodyDigest, assertEmptyBody, type AgencyAuthOptions } from './agency-auth.js';
import { restStatusForCode } from './error-status.js';
import { senderParam } from './sender-param.js';

export interface ExchangeRoutesOptions {
  exchange: Exchange | undefined;
  counters?: PackageCounters | undefined;
  auth: AgencyAuthOptions;
  tokens: readonly TokenDigest[];
  uploadDir: string;
  maxPackageBytes: number;
  /** Per-agency limits (src/http/agency-rate-limit.ts); absent: none. */
  rateLimit?: AgencyRateLimit | undefined;
  /** An upload that sends nothing for this long is cut off with 408 (UPLOAD_IDLE_TIMEOUT_MS). */
  uploadIdleTimeoutMs?: number | undefined;
}

const RECEIPT_TYPE_SET: ReadonlySet<string> = new Set<string>(RECEIPT_TYPES);

const ID = /^[A-Za-z0-9._:-]{1,200}$/;

function param(req: Request, name: string): string {
  const value = req.params[name];
  // An id that cannot exist is answered like one that does not: 404, never a hint.
  if (typeof value !== 'string' || !ID.test(value)) throw new HttpError(404, 'EXCHANGE_NOT_FOUND', 'No such package for this agency.');
  return value;
}

function intQuery(req: Request, name: string, min: number, max: number, fallback?: number): number | undefined {
  const raw = req.query[name];
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new HttpError(400, 'HTTP_QUERY_INVALID', `Query parameter "${name}" must be an integer from ${min} to ${max}.`);
  }
  return Number(raw);
}

/**
 * If-None-Match as RFC 9110 13.1.2 reads it: `*`, or a list of entity tags compared weakly (a `W/` prefix does not
 * matter). A client that sends a list or a weak tag has the bytes: a full download would record a false `fetched`.
 */
function matchesEntityTag(header: string, sha256: string): boolean {
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === `"${sha256}"`);
}

export function exchangeRoutes(options: ExchangeRoutesOptions): Router {
  const router = Router();
  const limited = options.rateLimit?.middleware((res) => (res.locals['agency'] as { organId?: string } | undefined)?.organId);
  const signed = agencyAuth(options.auth);
  // Authenticated, then counted against the agency's limits, before any body is read.
  const authenticate: RequestHandler = limited ? (req, res, next) => signed(req, res, (error?: unknown) => (error ? next(error) : limited(req, res, next))) : signed;
  const exchange = (): Exchange => {
    if (!options.exchange) throw new HttpError(503, 'SERVICE_UNAVAILABLE', 'The exchange is not available on this node.');
    return options.exchange;
  };

  router.post('/v1/packages', authenticate, async (req: Request, res: Response) => {
    try {
      await submit(req, res);
    } catch (error) {
      options.counters?.rejected(isAxisError(error) ? error.code : 'INTERNAL_ERROR');
      // A refusal the axis recorded: the usual problem plus the `rejected` receipt, so the caller can prove it was
      // refused (receiptId to quote, receipt to verify offline with `edx receipt verify`).
      if (isPackageRefused(error)) return sendProblem(req, res, restStatusForCode(error.code), error.code, error.message, { receiptId: error.receiptId, receipt: error.receipt });
      throw error;
    }
  });

  async function submit(req: Request, res: Response): Promise<void> {
    const caller = agencyOf(res);
    assertPackageContentType(req);
    const upload = await receivePackage(req, options.uploadDir, options.maxPackageBytes, options.uploadIdleTimeoutMs !== undefined ? { idleTimeoutMs: options.uploadIdleTimeoutMs } : {}).catch((error: unknown) => {
      // The rest of an oversized body is not worth reading: close the connection after the 413.
      if (error instanceof HttpError && error.status === 413) res.set('Connection', 'close');
      throw error;
    });
    // What arrived counts against the day's quota, whatever is decided about it next.
    await options.rateLimit?.chargeUploadedBytes(caller.organId, upload.size).catch((error: unknown) => {
      logFor(req)?.warn({ err: error, organId: caller.organId }, 'the upload could not be charged to the agency daily quota (Redis)');
    });
    let result: Awaited<ReturnType<Exchange['submitPackage']>>;
    try {
      assertBodyDigest(res, upload.sha256);
      result = await exchange().submitPackage({
        callerOrganId: caller.organId,
        source: 'bytes' in upload ? { bytes: upload.bytes, sha256: upload.sha256 } : { tempPath: upload.tempPath, sha256: upload.sha256, size: upload.size },
      });
    } finally {
      // The use-case moves the temp file into the blob store; whatever is left behind is garbage, removed before
      // the answer so a refused upload has left nothing by the time the caller reads the refusal.
      if ('tempPath' in upload) await rm(upload.tempPath, { force: true });
    }
    if (result.outcome === 'created') options.counters?.accepted(result.envelope.kind);
    res.status(result.outcome === 'created' ? 202 : 200).location(`/v1/packages/${result.envelopeId}`).json({
      packageId: result.envelopeId,
      outcome: result.outcome,
      receipt: result.receipt,
    });
  }

  router.get('/v1/inbox', authenticate, async (req, res) => {
    assertEmptyBody(req, res);
    const after = intQuery(req, 'after', 0, Number.MAX_SAFE_INTEGER);
    const limit = intQuery(req, 'limit', 1, 500, 50) ?? 50;
    res.json(await exchange().listInbox({ organId: agencyOf(res).organId, ...(after !== undefined ? { after } : {}), limit }));
  });

  // The caller's own receipts (accepted, fetched, rejected, ...), signed, in chain order.
  router.get('/v1/receipts', authenticate, async (req, res) => {
    assertEmptyBody(req, res);
    const after = intQuery(req, 'after', 0, Number.MAX_SAFE_INTEGER);
    const limit = intQuery(req, 'limit', 1, 500, 50) ?? 50;
    const type = req.query['type'];
    if (type !== undefined && (typeof type !== 'string' || !RECEIPT_TYPE_SET.has(type))) {
      throw new HttpError(400, 'HTTP_QUERY_INVALID', `Query parameter "type" must be one of ${RECEIPT_TYPES.join(', ')}.`);
    }
    res.json(await exchange().listReceipts({ organId: agencyOf(res).organId, ...(after !== undefined ? { after } : {}), limit, ...(type ? { type: type as ReceiptType } : {}) }));
  });

  const packageHeaders = (res: Response, head: PackageHead): void => {
    res.set({ ETag: `"${head.sha256}"`, 'Content-Type': 'application/xml', 'Content-Length': String(head.size), 'Cache-Control': 'private, no-transform' });
  };
  // HEAD and a conditional GET that matches send no bytes, so they are not downloads: nothing is recorded (a
  // `fetched` receipt is evidence that the recipient was sent the package). Without its own route Express would run
  // the GET handler for a HEAD.
  router.head('/v1/packages/:id', authenticate, async (req, res) => {
    assertEmptyBody(req, res);
    packageHeaders(res, await exchange().describePackage({ organId: agencyOf(res).organId, envelopeId: param(req, 'id') }));
    res.status(200).end();
  });

  router.get('/v1/packages/:id', authenticate, async (req, res) => {
    assertEmptyBody(req, res);
    const party = { organId: agencyOf(res).organId, envelopeId: param(req, 'id') };
    const condition = req.get('if-none-match');
    if (condition !== undefined) {
      const head = await exchange().describePackage(party);
      if (matchesEntityTag(condition, head.sha256)) {
        packageHeaders(res, head);
        res.status(304).end();
        return;
      }
    }
    const fetched = await exchange().fetchPackage(party);
    packageHeaders(res, fetched);
    // A failed read or record cuts the response short (the client sees an incomplete body, never a false whole one);
    // a client that goes away stops the read, and its download is not recorded.
    fetched.stream.on('error', (error) => res.destroy(error));
    res.once('close', () => { if (!res.writableFinished) fetched.stream.destroy(); });
    fetched.stream.pipe(res);
  });

  router.get('/v1/packages/:id/report', authenticate, async (req, res) => {
    assertEmptyBody(req, res);
    res.json(await exchange().getReport({ organId: agencyOf(res).organId, envelopeId: param(req, 'id') }));
  });

  router.post('/v1/packages/:id/ack', authenticate, async (req, res) => {
    assertEmptyBody(req, res);
    res.json(await exchange().acknowledge({ organId: agencyOf(res).organId, envelopeId: param(req, 'id') }));
  });

  // Parties sign like any agency request; archivists present a bearer token.
  router.get('/v1/documents/:documentId/timeline', personOr(options.tokens, ['archivist'], authenticate), async (req, res) => {
    const documentId = req.params['documentId'];
    if (typeof documentId !== 'string' || documentId.length === 0 || documentId.length > 200) {
      throw new HttpError(404, 'EXCHANGE_NOT_FOUND', 'No such document for this agency.');
    }
    const sender = senderParam(req);
    if (personOf(res)) {
      res.json(await exchange().timeline({ documentId, ...sender }));
      return;
    }
    assertEmptyBody(req, res);
    res.json(await exchange().timeline({ organId: agencyOf(res).organId, documentId, ...sender }));
  });

  return router;
}
