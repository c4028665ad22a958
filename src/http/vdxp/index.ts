/**
 * The government SDK's protocol (PROTOCOL.md of the VPCP Java/.NET SDK, docs/vdxp.md): the operations an agency's
 * document-management system calls through the SDK, served at VDXP_PATH (default /vdxp) so that an agency points
 * `service.endpoint` here and changes nothing else. Each operation is authenticated as a connected system
 * (vdxp-auth.ts) and runs the same exchange use-cases as the `/v1` API: one exchange, two dialects.
 */
import { Router } from 'express';
import type { AgencyRegistry } from '../../exchange/agencies/agency-registry.js';
import type { Exchange } from '../../exchange/create-exchange.js';
import type { SystemRegistry } from '../../exchange/systems/system-registry.js';
import type { HttpDialect } from '../dialect.js';
import type { AgencyRateLimit } from '../agency-rate-limit.js';
import type { PackageCounters } from '../package-counters.js';
import { agencyEntries, deleteAgency, qd20Entries, registerAgency, synchronizeEntries } from './agency-directory.js';
import { downloadEdoc, getEdoc, updateStatus } from './edoc-fetch.js';
import { kindOf, knobstickOf, receivedItems } from './received-edocs.js';
import { sendEdoc } from './send-edoc.js';
import { sentEntries } from './sent-edocs.js';
import { VdxpError } from './vdxp-error.js';
import { vdxpOperation } from './vdxp-operation.js';
import { replyOk } from './vdxp-reply.js';

export interface VdxpDialectOptions {
  /** Where the SDK's `service.endpoint` points (VDXP_PATH). */
  mountPath: string;
  /** Undefined on a node without the exchange (every operation answers FAIL VDXP_NOT_AVAILABLE). */
  exchange: Exchange | undefined;
  agencies: AgencyRegistry;
  systems: SystemRegistry;
  /** Temp directory of the blob store: uploads are streamed there before the use-case takes them. */
  uploadDir: string;
  maxPackageBytes: number;
  /** An upload that sends nothing for this long is cut off (UPLOAD_IDLE_TIMEOUT_MS). */
  uploadIdleTimeoutMs?: number | undefined;
  counters?: PackageCounters | undefined;
  /** The per-agency limits shared with the other dialects; a system's requests count against the agency it acts as. */
  rateLimit?: AgencyRateLimit | undefined;
}

export function createVdxpDialect(options: VdxpDialectOptions): HttpDialect {
  const router = Router();
  const { systems, agencies } = options;
  const exchange = (): Exchange => {
    if (!options.exchange) throw new VdxpError('VDXP_NOT_AVAILABLE', 'The exchange is not available on this node.');
    return options.exchange;
  };
  const limits = options.rateLimit;
  const op = vdxpOperation.bind(undefined, { systems, ...(limits ? { rateLimit: limits } : {}) });
  // `service.endpoint` with a trailing slash makes the SDK ask for `//sendEdoc` (PROTOCOL.md §1).
  router.use((req, _res, next) => {
    if (req.url.startsWith('//')) req.url = req.url.replace(/^\/+/, '/');
    next();
  });

  router.post('/sendEdoc', vdxpOperation({ systems, failMembers: { DocId: '' }, ...(limits ? { rateLimit: limits } : {}) }, sendEdoc({
    exchange, agencies, uploadDir: options.uploadDir, maxPackageBytes: options.maxPackageBytes, uploadIdleTimeoutMs: options.uploadIdleTimeoutMs, counters: options.counters, rateLimit: limits,
  })));
  router.post('/getReceivedEdocList', op(async (caller, _req, res) => {
    replyOk(res, { data: (await receivedItems(exchange(), caller, kindOf(caller))).map(knobstickOf) });
  }));
  router.post('/countReceiveEdoc', op(async (caller, _req, res) => {
    replyOk(res, { count: (await receivedItems(exchange(), caller, 'edoc', Number.MAX_SAFE_INTEGER)).length });
  }));
  router.post('/countReceiveStatus', op(async (caller, _req, res) => {
    replyOk(res, { count: (await receivedItems(exchange(), caller, 'status', Number.MAX_SAFE_INTEGER)).length });
  }));
  router.post('/getSentEdocList', op(async (caller, _req, res) => {
    replyOk(res, { data: await sentEntries(exchange(), caller) });
  }));
  router.post('/getEdoc', op((caller, _req, res) => getEdoc(exchange(), caller, res)));
  // The SDK saves whatever body comes back as the file, so a failure must be an empty body.
  router.get('/downloadEdoc', vdxpOperation({ systems, ...(limits ? { rateLimit: limits } : {}), onFail: (res) => { res.status(404).set('Content-Length', '0').end(); } }, (caller, _req, res) => downloadEdoc(exchange(), caller, res)));
  router.post('/updateStatus', op((caller, _req, res) => updateStatus(exchange(), caller, res)));
  router.post('/getAgenciesList', op(async (_caller, _req, res) => {
    replyOk(res, { data: agencyEntries(await agencies.listAgencies()) });
  }));
  router.post('/getAgenciesListQD20', op(async (caller, _req, res) => {
    replyOk(res, { data: qd20Entries(await agencies.listAgencies(), caller.signed.get('level')) });
  }));
  router.post('/getSynchronizeUnit', op(async (_caller, _req, res) => {
    replyOk(res, synchronizeEntries(await agencies.listAgencies()));
  }));
  router.post('/registerAgency', op(async (caller, req, res) => {
    replyOk(res, {}, await registerAgency(agencies, caller, req));
  }));
  router.post('/deleteAgency', op(async (caller, _req, res) => {
    await deleteAgency(systems, caller);
    replyOk(res);
  }));
  return { name: 'vdxp', mountPath: options.mountPath, router };
}
