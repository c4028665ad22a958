/**
 * The operators' health page, composed: the trust anchors read from TRUST_ANCHORS_DIR as the signature checks read
 * them, with their expiry, the CRLs they name fetched now (are they reachable, and current?) and their OCSP
 * responders; the revocation data the signature checks hold (how fresh); the depth of every BullMQ queue; the
 * deliveries by state.
 */
import type { Queue } from 'bullmq';
import type { AxisConfig } from '../config/config.js';
import type { Store } from '../exchange/ports/index.js';
import type { CrlHealthView, OperatorHealth, QueueDepthView, RevocationHealthView, TrustAnchorView, TrustHealthView } from '../http/ui/health-pages.js';
import { loadTrustAnchors, parseCertificate, parseCrl, summarizeCertificate } from '../pki/index.js';
import { crlDistributionPoints } from '../pki/crl-source.js';
import { ocspUrls } from '../pki/ocsp-client.js';

const DAY_MS = 86_400_000;
/** An anchor this close to its end is flagged for renewal. */
const EXPIRING_DAYS = 60;
const CRL_TIMEOUT_MS = 3000;
const CRL_MAX_BYTES = 10 * 1024 * 1024;

async function crlHealth(url: string, now: Date): Promise<CrlHealthView> {
  if (!/^https?:\/\//i.test(url)) return { url, state: 'unreachable', detail: 'not an http(s) URL' };
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(CRL_TIMEOUT_MS) });
    if (!response.ok) {
      await response.body?.cancel();
      return { url, state: 'unreachable', detail: `HTTP ${response.status}` };
    }
    if (Number(response.headers.get('content-length') ?? 0) > CRL_MAX_BYTES) {
      await response.body?.cancel();
      return { url, state: 'unreachable', detail: 'too large' };
    }
    const crl = parseCrl(new Uint8Array(await response.arrayBuffer()));
    if (!crl) return { url, state: 'unreachable', detail: 'not a CRL' };
    const thisUpdate = crl.thisUpdate.value.toISOString();
    const nextUpdate = crl.nextUpdate?.value.toISOString();
    return { url, state: nextUpdate && Date.parse(nextUpdate) < now.getTime() ? 'stale' : 'fresh', thisUpdate, ...(nextUpdate ? { nextUpdate } : {}) };
  } catch (error) {
    return { url, state: 'unreachable', detail: (error as Error).message.slice(0, 200) };
  }
}

export async function trustHealth(config: Pick<AxisConfig, 'trustAnchorsDir' | 'revocationPolicy'>, now = new Date()): Promise<TrustHealthView> {
  const base = { dir: config.trustAnchorsDir, revocationPolicy: config.revocationPolicy, checkedAt: now.toISOString() };
  let ders: Buffer[];
  try {
    ders = await loadTrustAnchors(config.trustAnchorsDir);
  } catch (error) {
    return { ...base, anchors: [], problem: (error as Error).message };
  }
  const crls = new Map<string, Promise<CrlHealthView>>();
  const anchors = ders.map((der) => {
    const summary = summarizeCertificate(der);
    const parsed = parseCertificate(der);
    const urls = crlDistributionPoints(parsed).slice(0, 5);
    for (const url of urls) if (!crls.has(url)) crls.set(url, crlHealth(url, now));
    const left = Math.floor((Date.parse(summary.notAfter) - now.getTime()) / DAY_MS);
    const state: TrustAnchorView['state'] = Date.parse(summary.notBefore) > now.getTime() ? 'not-yet-valid' : left < 0 ? 'expired' : left < EXPIRING_DAYS ? 'expiring' : 'valid';
    return { summary, urls, left, state, ocsp: ocspUrls(parsed) };
  });
  const fetched = new Map(await Promise.all([...crls].map(async ([url, health]) => [url, await health] as const)));
  return {
    ...base,
    anchors: anchors.map((a) => ({
      subject: a.summary.subject,
      ...(a.summary.organId ? { organId: a.summary.organId } : {}),
      notAfter: a.summary.notAfter,
      daysLeft: a.left,
      state: a.state,
      sha256Fingerprint: a.summary.sha256Fingerprint,
      crls: a.urls.map((url) => fetched.get(url)!),
      ocsp: a.ocsp,
    })),
  };
}

export function operatorHealth(input: { config: Pick<AxisConfig, 'trustAnchorsDir' | 'revocationPolicy'>; queues: readonly Queue[]; store: Store; revocation?: () => Promise<RevocationHealthView> }): OperatorHealth {
  return {
    ...(input.revocation ? { revocation: input.revocation } : {}),
    trust: () => trustHealth(input.config),
    queues: async (): Promise<QueueDepthView[]> => Promise.all(input.queues.map(async (q) => ({
      name: q.name,
      counts: await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed').catch(() => ({})),
    }))),
    deliveriesByState: () => input.store.countDeliveriesByState(),
  };
}
