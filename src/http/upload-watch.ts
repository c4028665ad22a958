/**
 * What every upload of the gateway watches while it reads a body (a package, a person's form): the client going away
 * before the body is complete, and a body that stops arriving (UPLOAD_IDLE_TIMEOUT_MS).
 */
import type { Request } from 'express';
import { HttpError } from './problem.js';

/**
 * Rejects when the client goes away before its body is complete. Checked at once as well: the body is read after
 * authentication, which may have waited on Redis, so the client can be gone before anyone listens.
 */
export function whenInterrupted(req: Request): Promise<never> {
  const interrupted = new Promise<never>((_resolve, reject) => {
    const gone = (): void => reject(new Error('the client closed the connection before the body was complete'));
    if (req.destroyed && !req.complete) return gone();
    req.once('close', () => { if (!req.complete) gone(); });
  });
  interrupted.catch(() => undefined);
  return interrupted;
}

/** How long an upload may send nothing before it is cut off, unless the dialect says otherwise (UPLOAD_IDLE_TIMEOUT_MS). */
export const DEFAULT_UPLOAD_IDLE_TIMEOUT_MS = 30_000;

/**
 * Rejects when no byte of the body arrives for `ms`: a client that stalls (or one that holds connections open on
 * purpose) would otherwise keep a socket, a temporary file and its descriptor for as long as it likes. Listens
 * alongside the reader, so it is attached after the body's consumer.
 */
export function whenIdle(req: Request, ms: number, what: string): { idle: Promise<never>; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let fail: (error: HttpError) => void = () => undefined;
  const idle = new Promise<never>((_resolve, reject) => { fail = reject; });
  idle.catch(() => undefined);
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => fail(new HttpError(408, 'HTTP_UPLOAD_IDLE', `No part of ${what} arrived for ${ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`}: the upload was cut off and nothing was recorded; send it again.`)), ms);
  };
  const stop = (): void => {
    clearTimeout(timer);
    req.off('data', arm);
  };
  req.on('data', arm);
  arm();
  return { idle, stop };
}
