/**
 * One SDK operation as an Express handler: authenticate the system, run the operation, and answer every failure with
 * the SDK's FAIL reply (the axis's stable code in ErrorCode), never an exception the SDK cannot read.
 */
import type { Request, RequestHandler, Response } from 'express';
import { isAxisError } from '../../errors/axis-error.js';
import { isPackageRefused } from '../../exchange/package-refusal.js';
import type { SystemRegistry } from '../../exchange/systems/system-registry.js';
import type { AgencyRateLimit } from '../agency-rate-limit.js';
import { ownRetryAfter } from '../problem.js';
import { closeIfBodyUnread } from '../unread-body.js';
import { logFor } from '../request-log.js';
import { authenticateVdxp, type VdxpCaller } from './vdxp-auth.js';
import { replyFail, type ReplyObject } from './vdxp-reply.js';

export type VdxpHandler = (caller: VdxpCaller, req: Request, res: Response) => Promise<void>;

export interface VdxpOperationOptions {
  systems: Pick<SystemRegistry, 'resolveSystem'>;
  /** Members every FAIL reply of this operation carries (sendEdoc's DocId, which the SDK reads even on failure). */
  failMembers?: ReplyObject;
  /** How a failure is answered when it is not the usual FAIL JSON (downloadEdoc: an empty body). */
  onFail?: (res: Response) => void;
  /** The per-agency limits: a request counts against the agency it acts as (the signed from), else the system. */
  rateLimit?: AgencyRateLimit;
}

/** Whom a request counts against: the agency it acts as, or (a list, a directory call) the system itself. */
export function limitedAs(caller: VdxpCaller): string {
  const from = caller.signed.get('from');
  return from !== undefined && caller.system.agencies.includes(from) ? from : `system:${caller.system.systemId}`;
}

function checkLimits(limit: AgencyRateLimit, caller: VdxpCaller, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    limit.middleware(() => limitedAs(caller))(req, res, (error?: unknown) => (error ? reject(error) : resolve()));
  });
}

export function vdxpOperation(options: VdxpOperationOptions, handler: VdxpHandler): RequestHandler {
  return async (req, res) => {
    try {
      const caller = await authenticateVdxp(req, options.systems);
      res.locals['vdxpSystem'] = caller.system.systemId;
      if (options.rateLimit) await checkLimits(options.rateLimit, caller, req, res);
      await handler(caller, req, res);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // Answered before the body was read (a refused signature, a foreign agency): the rest is not read either.
      closeIfBodyUnread(req, res);
      // The axis's own failures go to the log; a refusal of the request is the caller's business.
      if (!isAxisError(error) || /^(STORE|INSPECTOR|LEDGER)_/.test(error.code)) logFor(req)?.error({ err: error }, 'SDK operation failed');
      if (options.onFail) return options.onFail(res);
      // A temporary refusal (EVIDENCE_UNAVAILABLE, a per-agency limit) says when to come back, as the REST dialect does.
      const retryAfter = ownRetryAfter(error);
      if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
      // A recorded refusal carries the receipt that proves it (to quote, or to fetch with GET /v1/receipts).
      if (isAxisError(error)) return replyFail(res, error.code, error.message, { ...options.failMembers, ...(isPackageRefused(error) ? { ReceiptId: error.receiptId } : {}) });
      replyFail(res, 'INTERNAL_ERROR', 'The axis could not complete the request; it has been logged.', options.failMembers);
    }
  };
}
