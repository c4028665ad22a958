/**
 * The receipt log over REST (docs/api.md, "The receipt log"): the latest checkpoint, a receipt's inclusion proof, a
 * consistency proof, and a document's evidence bundle. Agencies sign their requests as for any /v1 call; archivists
 * (and, for the log's public parts, operators) present a bearer token. Thin: parse, call the use-case, render.
 */
import { Router, type Request } from 'express';
import type { TokenDigest } from '../../config/tokens.js';
import { PROVEN_RECEIPTS_PAGE_MAX, type LedgerEvidence } from '../../exchange/evidence/ledger-evidence.js';
import { personOf, personOr } from '../person-auth.js';
import { HttpError } from '../problem.js';
import { agencyAuth, agencyOf, assertEmptyBody, type AgencyAuthOptions } from './agency-auth.js';
import { senderParam } from './sender-param.js';

export interface LedgerRoutesOptions {
  /** Undefined on a node without the log's use-cases (its routes answer 503). */
  evidence: LedgerEvidence | undefined;
  auth: AgencyAuthOptions;
  tokens: readonly TokenDigest[];
}

const RECEIPT_ID = /^[A-Za-z0-9._:-]{1,200}$/;

/** An optional whole number (a cursor, a page size). */
function optionalCount(req: Request, name: string): number | undefined {
  const raw = req.query[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw)) throw new HttpError(400, 'HTTP_QUERY_INVALID', `Query parameter "${name}" must be a whole number.`);
  return Number(raw);
}

function size(req: Request, name: string): number {
  const raw = req.query[name];
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw)) {
    throw new HttpError(400, 'HTTP_QUERY_INVALID', `Query parameter "${name}" must be a tree size (a whole number of receipts).`);
  }
  return Number(raw);
}

export function ledgerRoutes(options: LedgerRoutesOptions): Router {
  const router = Router();
  const authenticate = agencyAuth(options.auth);
  const evidence = (): LedgerEvidence => {
    if (!options.evidence) throw new HttpError(503, 'SERVICE_UNAVAILABLE', 'The receipt log is not available on this node.');
    return options.evidence;
  };
  /** An agency, an archivist or an operator: the log's head and its consistency are not anyone's secret among them. */
  const anyone = personOr(options.tokens, ['archivist', 'operator'], authenticate);
  const partyOrArchivist = personOr(options.tokens, ['archivist'], authenticate);
  /** The calling agency, or undefined for a person (who passed the role check). */
  const viewer = (req: Request, res: Parameters<typeof personOf>[0]): string | undefined => {
    if (personOf(res)) return undefined;
    assertEmptyBody(req, res);
    return agencyOf(res).organId;
  };

  router.get('/v1/ledger/checkpoint', anyone, async (req, res) => {
    viewer(req, res);
    res.set('Cache-Control', 'no-cache').json(await evidence().latestCheckpoint());
  });

  // The caller's receipts with their inclusion proofs, a page at a time: a set `edx receipt verify` checks offline.
  router.get('/v1/ledger/receipts', partyOrArchivist, async (req, res) => {
    const organId = viewer(req, res);
    const after = optionalCount(req, 'after');
    const limit = optionalCount(req, 'limit') ?? 100;
    if (limit < 1 || limit > PROVEN_RECEIPTS_PAGE_MAX) throw new HttpError(400, 'HTTP_QUERY_INVALID', `Query parameter "limit" must be 1..${PROVEN_RECEIPTS_PAGE_MAX}.`);
    res.json(await evidence().provenReceipts({ ...(organId !== undefined ? { organId } : {}), ...(after !== undefined ? { after } : {}), limit }));
  });

  router.get('/v1/ledger/consistency', anyone, async (req, res) => {
    viewer(req, res);
    const [from, to] = [size(req, 'from'), size(req, 'to')];
    if (from > to) throw new HttpError(400, 'HTTP_QUERY_INVALID', 'Query parameter "from" must not be larger than "to".');
    res.json(await evidence().consistencyProof(from, to));
  });

  router.get('/v1/receipts/:id/proof', partyOrArchivist, async (req, res) => {
    const organId = viewer(req, res);
    const receiptId = req.params['id'];
    if (typeof receiptId !== 'string' || !RECEIPT_ID.test(receiptId)) throw new HttpError(404, 'EXCHANGE_NOT_FOUND', 'No such receipt for this agency.');
    res.json(await evidence().receiptProof({ receiptId, ...(organId !== undefined ? { organId } : {}) }));
  });

  router.get('/v1/documents/:documentId/evidence', partyOrArchivist, async (req, res) => {
    const organId = viewer(req, res);
    const documentId = req.params['documentId'];
    if (typeof documentId !== 'string' || documentId.length === 0 || documentId.length > 200) {
      throw new HttpError(404, 'EXCHANGE_NOT_FOUND', 'No such document for this agency.');
    }
    const bundle = await evidence().documentEvidence({ documentId, ...senderParam(req), ...(organId !== undefined ? { organId } : {}) });
    res.set({
      'Content-Type': 'application/zip',
      'Content-Disposition': `attachment; filename="${bundle.fileName}"`,
      'Content-Length': String(bundle.bytes.byteLength),
      'Cache-Control': 'private, no-store',
      'X-Evidence-Receipts': String(bundle.receipts),
      'X-Evidence-Proven-Receipts': String(bundle.provenReceipts),
    });
    res.end(Buffer.from(bundle.bytes.buffer, bundle.bytes.byteOffset, bundle.bytes.byteLength));
  });

  return router;
}
