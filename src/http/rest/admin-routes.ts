/** Operator API: the agency registry and dead-letter deliveries. Behind operator bearer tokens. */
import { Router, json } from 'express';
import { z } from 'zod';
import type { TokenDigest } from '../../config/tokens.js';
import type { AgencyRegistry } from '../../exchange/agencies/agency-registry.js';
import type { DeliveryAdmin } from '../../exchange/delivery/dead-letters.js';
import { requirePerson } from '../person-auth.js';
import { HttpError } from '../problem.js';
import { logFor } from '../request-log.js';

const addAgencyBody = z.object({
  organId: z.string().min(1).max(64),
  name: z.string().min(1).max(500),
  parent: z.string().min(1).max(64).optional(),
  endpointUrl: z.string().url().max(2000).optional(),
  signaturePolicy: z.string().min(1).max(40).optional(),
}).strict();

const signaturePolicyBody = z.object({ signaturePolicy: z.string().min(1).max(40) }).strict();

const certificateBody = z.object({ sha256Fingerprint: z.string().min(64).max(100) }).strict();

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new HttpError(400, 'HTTP_BODY_INVALID', `Field "${issue?.path.join('.') || 'body'}": ${issue?.message ?? 'invalid'}.`);
  }
  return result.data;
}

export function adminRoutes(options: { agencies: AgencyRegistry; deliveries: DeliveryAdmin | undefined; tokens: readonly TokenDigest[] }): Router {
  const router = Router();
  const { agencies } = options;
  router.use('/v1/admin', requirePerson(options.tokens, ['operator']), json({ limit: '16kb' }));

  router.get('/v1/admin/agencies', async (_req, res) => {
    res.json({ items: await agencies.listAgencies() });
  });
  router.post('/v1/admin/agencies', async (req, res) => {
    const body = parse(addAgencyBody, req.body);
    const created = await agencies.addAgency(body);
    res.status(201).set('Cache-Control', 'no-store').json(created);
  });
  router.get('/v1/admin/agencies/:organId', async (req, res) => {
    res.json(await agencies.getAgency(req.params['organId'] ?? ''));
  });
  router.post('/v1/admin/agencies/:organId/suspend', async (req, res) => {
    res.json(await agencies.suspend(req.params['organId'] ?? ''));
  });
  router.post('/v1/admin/agencies/:organId/resume', async (req, res) => {
    const organId = req.params['organId'] ?? '';
    const resumed = await agencies.resume(organId);
    // Best effort: the resume stands either way, and a delivery not woken here goes out at its next recheck.
    await options.deliveries?.wakeHeld(organId).catch((error: unknown) => {
      logFor(req)?.warn({ organId, err: (error as Error).message }, 'agency resumed; its held deliveries were not woken now and go out at their next recheck');
    });
    res.json(resumed);
  });
  router.post('/v1/admin/agencies/:organId/rotate-key', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await agencies.rotateKey(req.params['organId'] ?? ''));
  });
  router.post('/v1/admin/agencies/:organId/signature-policy', async (req, res) => {
    const body = parse(signaturePolicyBody, req.body);
    res.json(await agencies.setSignaturePolicy(req.params['organId'] ?? '', body.signaturePolicy));
  });
  // A compromised key, refused from the next request on (rotate-key keeps old keys for the grace period).
  router.post('/v1/admin/keys/:keyId/revoke', async (req, res) => {
    res.json(await agencies.revokeKey(req.params['keyId'] ?? ''));
  });
  router.post('/v1/admin/agencies/:organId/certificates', async (req, res) => {
    const body = parse(certificateBody, req.body);
    res.json(await agencies.registerCertificate(req.params['organId'] ?? '', body.sha256Fingerprint));
  });

  const deliveries = (): DeliveryAdmin => {
    if (!options.deliveries) throw new HttpError(503, 'SERVICE_UNAVAILABLE', 'Delivery administration is not available on this node.');
    return options.deliveries;
  };
  router.get('/v1/admin/deliveries', async (req, res) => {
    const state = req.query['state'] ?? 'dead';
    if (state !== 'dead') throw new HttpError(400, 'HTTP_QUERY_INVALID', 'Only state=dead can be listed here.');
    const limit = Number(req.query['limit'] ?? 100);
    const after = req.query['after'] === undefined ? undefined : Number(req.query['after']);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000 || (after !== undefined && !Number.isInteger(after))) {
      throw new HttpError(400, 'HTTP_QUERY_INVALID', 'limit must be 1..1000 and after an integer cursor.');
    }
    const page = await deliveries().listDead({ limit, ...(after !== undefined ? { after } : {}) });
    res.json({ items: page.items, ...(page.nextCursor !== undefined ? { nextCursor: String(page.nextCursor) } : {}) });
  });
  router.post('/v1/admin/deliveries/:id/replay', async (req, res) => {
    res.status(202).json(await deliveries().replay(req.params['id'] ?? ''));
  });
  return router;
}
