/**
 * Operators: the health of what the axis depends on: the trust store (anchors and their expiry, the CRLs they name
 * and whether those are current, the OCSP responders), the revocation data the signature checks hold and how fresh it
 * is, the queues' depth and the deliveries by state.
 */
import { Router } from 'express';
import { when } from './format.js';
import { html } from './html.js';
import { page, scrollingTable } from './layout.js';
import { onlyOperators } from './page-guards.js';
import { revocationSection, type RevocationHealthView } from './revocation-view.js';
import { uiOf } from './ui-context.js';

export type { RevocationHealthView };

export interface CrlHealthView {
  url: string;
  state: 'fresh' | 'stale' | 'unreachable';
  thisUpdate?: string;
  nextUpdate?: string;
  detail?: string;
}

export interface TrustAnchorView {
  subject: string;
  organId?: string;
  notAfter: string;
  daysLeft: number;
  state: 'valid' | 'expiring' | 'expired' | 'not-yet-valid';
  sha256Fingerprint: string;
  crls: CrlHealthView[];
  ocsp: string[];
}

export interface TrustHealthView {
  dir: string;
  revocationPolicy: string;
  anchors: TrustAnchorView[];
  /** Why no anchor could be read, when none could. */
  problem?: string;
  checkedAt: string;
}

export interface QueueDepthView {
  name: string;
  counts: Record<string, number>;
}

/** What the composition root gives the health page (src/main/operator-health.ts). */
export interface OperatorHealth {
  trust(): Promise<TrustHealthView>;
  queues(): Promise<QueueDepthView[]>;
  deliveriesByState(): Promise<Record<string, number>>;
  /** Absent on a node that checks no signatures. */
  revocation?(): Promise<RevocationHealthView>;
}

const tone = (state: string) => (state === 'valid' || state === 'fresh' ? 'good' : state === 'expiring' || state === 'stale' ? 'warn' : 'bad');

export function healthPages(options: { health: OperatorHealth }): Router {
  const router = Router();
  router.get('/health', onlyOperators, async (_req, res) => {
    const ui = uiOf(res);
    const { labels } = ui;
    const h = labels.health;
    const [trust, queues, deliveries, revocation] = await Promise.all([options.health.trust(), options.health.queues(), options.health.deliveriesByState(), options.health.revocation?.()]);
    const anchorHead = html`<tr><th scope="col">${h.subject}</th><th scope="col">${h.validUntil}</th><th scope="col" class="num">${h.daysLeft}</th><th scope="col">${labels.agencies.state}</th><th scope="col">${h.crl}</th><th scope="col">${h.ocsp}</th></tr>`;
    const anchorRows = trust.anchors.map((a) => html`<tr>
<td>${a.subject}${a.organId ? html`<br><span class="mono">${a.organId}</span>` : ''}<br><small class="mono">SHA-256 ${a.sha256Fingerprint.slice(0, 16)}…</small></td>
<td>${when(a.notAfter)}</td><td class="num">${a.daysLeft}</td>
<td><span class="badge ${tone(a.state)}">${h.anchorStates[a.state] ?? a.state}</span></td>
<td>${a.crls.map((c) => html`<span class="mono">${c.url}</span><br><span class="badge ${tone(c.state)}">${h.crlStates[c.state] ?? c.state}</span> ${c.thisUpdate ? html`${h.thisUpdate} ${when(c.thisUpdate)}` : ''}${c.nextUpdate ? html`, ${h.nextUpdate} ${when(c.nextUpdate)}` : ''}${c.detail ? html` <small>${c.detail}</small>` : ''}<br>`)}</td>
<td class="mono">${a.ocsp.join(', ')}</td>
</tr>`);
    const states = [...new Set(queues.flatMap((q) => Object.keys(q.counts)))];
    const queueHead = html`<tr><th scope="col">${h.queue}</th>${states.map((s) => html`<th scope="col" class="num">${h.jobStates[s] ?? s}</th>`)}</tr>`;
    const queueRows = queues.map((q) => html`<tr><th scope="row" class="mono">${q.name}</th>${states.map((s) => html`<td class="num">${q.counts[s] ?? 0}</td>`)}</tr>`);
    const deliveryHead = html`<tr>${Object.keys(deliveries).map((s) => html`<th scope="col" class="num">${labels.deliveryStates[s] ?? s}</th>`)}</tr>`;
    res.type('html').send(page(ui, {
      title: h.title,
      nav: 'health',
      body: html`<h2>${h.trust}</h2>
<dl class="facts"><dt>${h.anchorsDir}</dt><dd class="mono">${trust.dir}</dd><dt>${h.revocation} · ${h.policy}</dt><dd><code>${trust.revocationPolicy}</code></dd><dt>${labels.common.time}</dt><dd>${when(trust.checkedAt, { seconds: true })}</dd></dl>
${trust.anchors.length === 0 ? html`<p class="notice bad">${h.noAnchors} ${trust.problem ?? ''}</p>` : scrollingTable(h.trust, anchorHead, anchorRows, labels.common.scrollHint)}
${revocation ? revocationSection(labels, revocation) : ''}
<h2>${h.queues}</h2>
${scrollingTable(h.queues, queueHead, queueRows, labels.common.scrollHint)}
<h2>${h.deliveriesByState}</h2>
${scrollingTable(h.deliveriesByState, deliveryHead, html`<tr>${Object.values(deliveries).map((n) => html`<td class="num">${n}</td>`)}</tr>`, labels.common.scrollHint)}`,
    }));
  });
  return router;
}
