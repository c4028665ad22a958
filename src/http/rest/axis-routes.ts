/**
 * What the axis publishes about itself for agencies to verify it: the certificates that sign receipts and pushes,
 * with their chains (docs/api.md). Public, like any certificate: an agency needs them before it has checked anything,
 * and trusts them only through its own trust anchor (the chain's root), never because this route served them.
 */
import { Router } from 'express';
import type { AxisCertificates } from '../../ledger/axis-certificates.js';
import { HttpError } from '../problem.js';

export function axisRoutes(options: { certificates: AxisCertificates | undefined }): Router {
  const router = Router();
  router.get('/v1/axis/certificates', (_req, res) => {
    if (!options.certificates) throw new HttpError(503, 'SERVICE_UNAVAILABLE', 'The axis certificates are not published on this node.');
    // The set changes only when a gateway restarts with a new identity; a verifier that meets an unknown keyid asks again.
    res.set('Cache-Control', 'public, max-age=300').json(options.certificates);
  });
  return router;
}
