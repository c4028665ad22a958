/**
 * Problem rendering shared by the dialects that answer in RFC 9457 application/problem+json (the REST API, the
 * probes): the stable AxisError code, so a client branches on `code`, a person reads `detail`, and support finds the
 * log line by `requestId`. Which status a code gets is the dialect's own table (`StatusForCode`).
 */
import type { ErrorRequestHandler, Request, Response } from 'express';
import { AxisError, isAxisError } from '../errors/axis-error.js';
import { logFor } from './request-log.js';
import { closeIfBodyUnread } from './unread-body.js';

/** A dialect's mapping from error codes to HTTP statuses. */
export type StatusForCode = (code: string) => number;

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance: string;
  requestId: string;
}

export class HttpError extends AxisError {
  readonly status: number;
  /** Seconds a 503 asks the caller to wait before trying again (sent as Retry-After). */
  readonly retryAfterSeconds: number | undefined;
  constructor(status: number, code: string, message: string, details?: Record<string, unknown>, options?: { retryAfterSeconds?: number; cause?: unknown }) {
    super(code, message, details, options?.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout',
  409: 'Conflict', 410: 'Gone', 413: 'Content Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Content',
  429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable',
};

/** Members a problem may carry besides the standard ones (RFC 9457 extension members), e.g. a refusal's receipt. */
export type ProblemExtensions = Record<string, unknown>;

export function sendProblem(req: Request, res: Response, status: number, code: string, detail: string, extensions: ProblemExtensions = {}): void {
  const requestId = String(req.id ?? '');
  const problem: Problem & ProblemExtensions = {
    type: `urn:edx-axis:error:${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    instance: req.originalUrl.split('?')[0] ?? req.originalUrl,
    requestId,
    ...extensions,
  };
  if (res.headersSent) {
    res.destroy();
    return;
  }
  closeIfBodyUnread(req, res);
  res.status(status).type('application/problem+json').send(JSON.stringify(problem));
}

/**
 * Retry-After of a 503 that carries no wait of its own (a signer's revocation that could not be established, the
 * store busy, an inspector thread lost): the cause is the axis's or a CA's, usually gone within seconds to a minute.
 */
export const RETRY_AFTER_503_SECONDS = 30;

/** Problems with the codes that no dialect table knows: the status an HttpError carries, 500 for any other error. */
export const noCodeStatuses: StatusForCode = () => 500;

/** A dialect's wait before the same request may succeed, per code (sent as Retry-After); undefined: none stated. */
export type RetryAfterFor = (code: string) => number | undefined;

/**
 * Retry-After: what the error carries itself, else the dialect's table, else RETRY_AFTER_503_SECONDS for a 503 (every
 * 503 says when to try again).
 */
function retryAfterOf(status: number, code: string, own: number | undefined, retryAfterFor: RetryAfterFor | undefined): number | undefined {
  return own ?? retryAfterFor?.(code) ?? (status === 503 ? RETRY_AFTER_503_SECONDS : undefined);
}

/** The wait an error states itself: an HttpError's own, or a use-case's temporary refusal (details.retryAfterSeconds). */
export function ownRetryAfter(error: unknown): number | undefined {
  if (error instanceof HttpError) return error.retryAfterSeconds;
  const own = isAxisError(error) ? error.details?.['retryAfterSeconds'] : undefined;
  return typeof own === 'number' ? own : undefined;
}

export function problemHandler(statusFor: StatusForCode, retryAfterFor?: RetryAfterFor): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (error instanceof HttpError) {
      if (error.status >= 500) logFor(req)?.error({ err: error.cause ?? error, code: error.code }, 'request failed');
      const retryAfter = retryAfterOf(error.status, error.code, ownRetryAfter(error), retryAfterFor);
      if (retryAfter !== undefined && !res.headersSent) res.set('Retry-After', String(retryAfter));
      return sendProblem(req, res, error.status, error.code, error.message);
    }
    if (isAxisError(error)) {
      const status = statusFor(error.code);
      if (status >= 500) logFor(req)?.error({ err: error }, 'request failed');
      // A temporary refusal may say itself when to come back (EVIDENCE_UNAVAILABLE: the caller's retry loop reads it).
      const retryAfter = retryAfterOf(status, error.code, ownRetryAfter(error), retryAfterFor);
      if (retryAfter !== undefined && !res.headersSent) res.set('Retry-After', String(retryAfter));
      // A 503 with a known code (e.g. revocation status unavailable) tells the caller what to wait for; a 500 tells nothing.
      return sendProblem(req, res, status, error.code, status === 500 ? 'The axis could not complete the request; it has been logged.' : error.message);
    }
    const e = error as { status?: number; statusCode?: number; type?: string };
    const status = e.status ?? e.statusCode;
    if (e.type === 'entity.too.large') return sendProblem(req, res, 413, 'HTTP_BODY_TOO_LARGE', 'The request body is larger than this endpoint accepts.');
    if (e.type === 'entity.parse.failed') return sendProblem(req, res, 400, 'HTTP_BODY_INVALID', 'The request body is not valid JSON.');
    if (typeof status === 'number' && status >= 400 && status < 500) return sendProblem(req, res, status, 'HTTP_BAD_REQUEST', 'The request could not be read.');
    logFor(req)?.error({ err: error }, 'unexpected error');
    return sendProblem(req, res, 500, 'INTERNAL_ERROR', 'The axis could not complete the request; it has been logged.');
  };
}
