/**
 * `POST /sendEdoc`: the body is the raw edXML followed by CRLF (not multipart, PROTOCOL.md §3.1); `hash-file` (signed)
 * is its SHA-256 in unpadded hex. The package goes through the same submit use-case as `POST /v1/packages`
 * (validation, signature policy, deduplication: the SDK can post the same file twice), on behalf of the signed `from`,
 * which must be an agency the system acts for. The reply always carries `DocId` (empty on failure).
 */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { Request, Response } from 'express';
import { isAxisError } from '../../errors/axis-error.js';
import type { AgencyRegistry } from '../../exchange/agencies/agency-registry.js';
import type { Exchange } from '../../exchange/create-exchange.js';
import type { AgencyRateLimit } from '../agency-rate-limit.js';
import type { PackageCounters } from '../package-counters.js';
import { receivePackage } from '../package-upload.js';
import type { VdxpCaller } from './vdxp-auth.js';
import { VdxpError } from './vdxp-error.js';
import { replyOk } from './vdxp-reply.js';

const CRLF = Buffer.from('\r\n');

/** `Integer.toHexString(b & 0xff)` per byte, as the SDK writes the digest: hex without zero padding. */
export function unpaddedHex(digest: Buffer): string {
  return [...digest].map((byte) => byte.toString(16)).join('');
}

export interface SendEdocOptions {
  exchange: () => Exchange;
  agencies: Pick<AgencyRegistry, 'getAgency'>;
  uploadDir: string;
  maxPackageBytes: number;
  uploadIdleTimeoutMs?: number | undefined;
  counters?: PackageCounters | undefined;
  rateLimit?: AgencyRateLimit | undefined;
}

/** The agency the package is sent as: the signed `from`, or the one agency of a system that acts for one only. */
async function senderOf(caller: VdxpCaller, agencies: SendEdocOptions['agencies']): Promise<string> {
  const from = caller.signed.get('from') ?? (caller.system.agencies.length === 1 ? caller.system.agencies[0] : undefined);
  if (from === undefined) throw new VdxpError('VDXP_FROM_MISSING', 'Say which agency sends the package ("from" in the SDK call): this system acts for several.');
  if (!caller.system.agencies.includes(from)) {
    throw new VdxpError('VDXP_FOREIGN_AGENCY', `Connected system ${caller.system.systemId} does not act for agency ${from}: ask the axis operator to assign it (edx admin system set-agencies).`, { from });
  }
  const agency = await agencies.getAgency(from);
  if (agency.state !== 'active') throw new VdxpError('VDXP_AGENCY_SUSPENDED', `Agency ${from} is suspended on the axis: contact the axis operator.`, { from });
  return from;
}

export function sendEdoc(options: SendEdocOptions): (caller: VdxpCaller, req: Request, res: Response) => Promise<void> {
  return async (caller, req, res) => {
    try {
      const from = await senderOf(caller, options.agencies);
      const hashFile = caller.signed.get('hash-file')?.toLowerCase();
      if (!hashFile) throw new VdxpError('VDXP_HASH_FILE_MISSING', 'The signed hash-file header is missing: the SDK sends it with every sendEdoc.');
      const upload = await receivePackage(req, options.uploadDir, options.maxPackageBytes, { trailer: CRLF, ...(options.uploadIdleTimeoutMs !== undefined ? { idleTimeoutMs: options.uploadIdleTimeoutMs } : {}) });
      await options.rateLimit?.chargeUploadedBytes(from, upload.size).catch(() => undefined);
      try {
        // The signed hash-file is what ties the body to the signature: a body changed on the way does not match.
        if (unpaddedHex(Buffer.from(upload.sha256, 'hex')) !== hashFile) {
          throw new VdxpError('VDXP_HASH_FILE_MISMATCH', 'The file received does not match its hash-file: it was altered or cut short on the way; send it again.');
        }
        const result = await options.exchange().submitPackage({
          callerOrganId: from,
          source: 'bytes' in upload ? { bytes: upload.bytes, sha256: upload.sha256 } : { tempPath: upload.tempPath, sha256: upload.sha256, size: upload.size },
        });
        if (result.outcome === 'created') options.counters?.accepted(result.envelope.kind);
        replyOk(res, { DocId: result.envelopeId, ReceiptId: result.receipt.receipt.id, ...(result.warnings.length > 0 ? { Warnings: result.warnings.map((w) => w.code).join(',') } : {}) },
          result.outcome === 'created' ? 'Success' : 'Success (this package was accepted before: the same DocId)');
      } finally {
        if ('tempPath' in upload) await rm(upload.tempPath, { force: true });
      }
    } catch (error) {
      options.counters?.rejected(isAxisError(error) ? error.code : 'INTERNAL_ERROR');
      // The rest of an oversized body is not worth reading: close the connection after the reply.
      if (isAxisError(error) && error.code === 'EDXML_TOO_LARGE') res.set('Connection', 'close');
      throw error;
    }
  };
}

/** For tests and tools: the hash-file the SDK would send for these file bytes. */
export function hashFileOf(file: Uint8Array): string {
  return unpaddedHex(createHash('sha256').update(file).digest());
}
