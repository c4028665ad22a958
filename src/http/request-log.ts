/**
 * The gateway's access log: one line per request when its answer has gone out (or the client went away), with the
 * request id, method, path, status, duration and who called; info below 400, warn for 4xx, error for 5xx.
 *
 * Written here rather than with pino-http: that made two child loggers and serialised the request bindings for every
 * request, whether or not the line would be written (a busy gateway runs at LOG_LEVEL=warn or error). Here a line is
 * built only when its level is on, and a request's child logger (for its error lines) only when one is written.
 * Never headers (signatures, tokens), query strings or bodies.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

declare module 'node:http' {
  interface IncomingMessage {
    /** The request id: the caller's X-Request-Id when it is a plain token, else a new UUID. Echoed in X-Request-Id. */
    id?: string;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const NOT_LOGGED = new Set(['/healthz', '/readyz']);
const ROOT = Symbol('edx.requestLogRoot');

type WithRoot = IncomingMessage & { [ROOT]?: Logger };

export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    req.id = id;
    (req as WithRoot)[ROOT] = logger;
    res.setHeader('X-Request-Id', id);
    if (NOT_LOGGED.has(req.url) || !logger.isLevelEnabled('error')) return next();
    const started = performance.now();
    let logged = false;
    const done = (): void => {
      if (logged) return;
      logged = true;
      res.off('finish', done);
      res.off('close', done);
      writeLine(logger, req, res, started);
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}

function writeLine(logger: Logger, req: IncomingMessage, res: ServerResponse, started: number): void {
  const completed = res.writableFinished;
  const status = res.statusCode;
  const level = !completed || status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const locals = (res as ServerResponse & { locals?: Record<string, { organId?: string; role?: string } | undefined> }).locals;
  const agency = locals?.['agency']?.organId;
  const person = locals?.['person']?.role;
  logger[level]({
    req: requestFields(req),
    // Aborted before any answer went out: there is no status to report (res.statusCode would say its default, 200).
    res: { statusCode: completed || res.headersSent ? status : null },
    responseTime: Math.round(performance.now() - started),
    ...(agency ? { agency } : person ? { person } : {}),
  }, completed ? 'request completed' : 'request aborted');
}

/** The logger for a request's own lines (errors while serving it): carries `req` as the access line does. Made only when used. */
export function logFor(req: IncomingMessage): Logger | undefined {
  const root = (req as WithRoot)[ROOT];
  return root?.child({ req: requestFields(req) });
}

/** What a line says of its request, as pino-http said it (operators' log queries rely on `req.id`). */
function requestFields(req: IncomingMessage & { originalUrl?: string }): { id: string | undefined; method: string | undefined; path: string | undefined } {
  // originalUrl: inside a router mounted at a path, express has cut that path off req.url, and a handler that
  // answers (rather than calling next) leaves it cut.
  return { id: req.id, method: req.method, path: (req.originalUrl ?? req.url ?? '').split('?')[0] };
}
