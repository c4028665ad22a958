/**
 * The health page's account of the revocation data the signature checks hold now: each CRL used, held or not, with
 * when it was fetched and until when it is current; the OCSP answers held, by status, the oldest and the next to go;
 * the CRLs an operator placed in CRL_DIR. What a verdict of "revocation unknown" would be traced back to.
 */
import { when } from './format.js';
import { html, type Html } from './html.js';
import type { Labels } from './labels/labels.js';
import { scrollingTable } from './layout.js';

/** The revocation data the signature checks hold now (src/pki/revocation-cache-state.ts), and CRL_DIR's files. */
export interface RevocationHealthView {
  /** false: the cache cannot list what it holds. */
  listed: boolean;
  crls: { url: string; state: 'held' | 'missing'; fetchedAt?: string; thisUpdate?: string; nextUpdate?: string }[];
  ocsp: { answers: number; good: number; revoked: number; oldestFetchedAt?: string; nextExpiresAt?: string };
  placed?: { file: string; issuer?: string; thisUpdate?: string; nextUpdate?: string; state: 'current' | 'expired' | 'skipped'; problem?: string }[];
}

const TONE: Record<string, string> = { held: 'good', current: 'good', missing: 'warn', expired: 'bad', skipped: 'warn' };

export function revocationSection(labels: Labels, view: RevocationHealthView): Html {
  const h = labels.health;
  if (!view.listed) return html`<h2>${h.held}</h2><p class="notice warn">${h.heldUnlisted}</p>`;
  const crlHead = html`<tr><th scope="col">URL</th><th scope="col">${labels.agencies.state}</th><th scope="col">${h.fetchedAt}</th><th scope="col">${h.thisUpdate}</th><th scope="col">${h.nextUpdate}</th></tr>`;
  const crlRows = view.crls.map((c) => html`<tr><td class="mono">${c.url}</td><td><span class="badge ${TONE[c.state] ?? ''}">${h.heldStates[c.state] ?? c.state}</span></td><td>${when(c.fetchedAt, { seconds: true })}</td><td>${when(c.thisUpdate)}</td><td>${when(c.nextUpdate)}</td></tr>`);
  const o = view.ocsp;
  const placedHead = html`<tr><th scope="col">${h.file}</th><th scope="col">${h.issuer}</th><th scope="col">${labels.agencies.state}</th><th scope="col">${h.thisUpdate}</th><th scope="col">${h.nextUpdate}</th></tr>`;
  const placedRows = (view.placed ?? []).map((p) => html`<tr><td class="mono">${p.file}</td><td>${p.issuer ?? ''}</td><td><span class="badge ${TONE[p.state] ?? ''}">${h.placedStates[p.state] ?? p.state}</span>${p.problem ? html` <small>${p.problem}</small>` : ''}</td><td>${when(p.thisUpdate)}</td><td>${when(p.nextUpdate)}</td></tr>`);
  return html`<h2>${h.held}</h2>
<h3>${h.heldCrls}</h3>
${view.crls.length === 0 ? html`<p>${h.noCrlHeld}</p>` : scrollingTable(h.heldCrls, crlHead, crlRows, labels.common.scrollHint)}
<h3>${h.heldOcsp}</h3>
<dl class="facts">
<dt>${h.ocspAnswers}</dt><dd>${o.answers} (${h.ocspGood}: ${o.good}, ${h.ocspRevoked}: ${o.revoked})</dd>
${o.oldestFetchedAt ? html`<dt>${h.ocspOldest}</dt><dd>${when(o.oldestFetchedAt, { seconds: true })}</dd>` : ''}
${o.nextExpiresAt ? html`<dt>${h.ocspNextExpiry}</dt><dd>${when(o.nextExpiresAt, { seconds: true })}</dd>` : ''}
</dl>
${view.placed ? html`<h3>${h.placed}</h3>${view.placed.length === 0 ? html`<p>${h.noPlaced}</p>` : scrollingTable(h.placed, placedHead, placedRows, labels.common.scrollHint)}` : ''}`;
}
