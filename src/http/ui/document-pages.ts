/** Archivists: search documents, and a document's page (its facts, timeline, deliveries, statuses, signatures). */
import { Router, type Request } from 'express';
import type { Archive } from '../../exchange/archive/create-archive.js';
import type { DocumentHit } from '../../exchange/archive/document-search.js';
import type { Exchange } from '../../exchange/create-exchange.js';
import type { DocumentTimeline } from '../../exchange/document-timeline.js';
import type { LedgerEvidence } from '../../exchange/evidence/ledger-evidence.js';
import { agencyParam, assertRange, documentCursorParam, encodeDocumentCursor, statusParam, textParam } from '../archive-query.js';
import { HttpError } from '../problem.js';
import { isAxisError } from '../../errors/axis-error.js';
import { deliveryStateWord, priorityWord, statusWord, when } from './format.js';
import { html, queryOf, type Html } from './html.js';
import type { Labels } from './labels/labels.js';
import { page, scrollingTable, UI_PATH } from './layout.js';
import { agencyField, dateField, dateParam, fieldValue, statusField } from './form-fields.js';
import { onlyArchivists, required } from './page-guards.js';
import { signaturesSection } from './signature-view.js';
import { timelineEvents } from './timeline-view.js';
import { uiOf } from './ui-context.js';

/** A document's page; `from` names its sender (a DocumentId is unique per sender only). */
export function documentPath(documentId: string, from?: string): string {
  return `${UI_PATH}/documents/${encodeURIComponent(documentId)}${from ? queryOf({ from }) : ''}`;
}

function hitRow(labels: Labels, d: DocumentHit): Html {
  return html`<tr>
<td><a href="${documentPath(d.documentId, d.from)}" class="mono">${d.documentId}</a>${d.revokedAt ? html` <span class="badge bad">${labels.document.revoked}</span>` : ''}</td>
<td>${d.codeNumber && d.codeNotation ? `${d.codeNumber}/${d.codeNotation}` : d.codeNumber ?? ''}</td>
<td>${d.subject ?? ''}</td>
<td class="mono">${d.from}</td>
<td class="mono">${d.to.join(', ')}</td>
<td>${when(d.acceptedAt)}</td>
<td>${priorityWord(labels, d.priority)}</td>
<td>${d.statuses.length === 0 ? html`<span class="badge warn">${labels.common.noStatus}</span>` : d.statuses.map((s) => html`<span class="badge good" title="${s.recipient}">${statusWord(labels, s.code)}</span> `)}</td>
</tr>`;
}

function searchForm(labels: Labels, req: Request): Html {
  return html`<form class="filters" method="get" action="${UI_PATH}/documents" role="search">
<p><label for="q">${labels.document.words}</label><input id="q" name="q" type="search" maxlength="200" value="${fieldValue(req, 'q')}"></p>
${dateField(labels.common.from, 'from', req, labels.common.dateHint)}
${dateField(labels.common.to, 'to', req, labels.common.dateHint)}
${agencyField(labels, req)}
${statusField(labels, req)}
<p><button type="submit">${labels.common.search}</button></p>
</form>`;
}

export function documentPages(options: { exchange: Exchange | undefined; archive: Archive | undefined; evidence?: LedgerEvidence | undefined }): Router {
  const router = Router();
  router.get('/documents', onlyArchivists, async (req, res) => {
    const ui = uiOf(res);
    const { labels } = ui;
    const from = dateParam(req, 'from');
    const to = dateParam(req, 'to');
    assertRange(from, to);
    const text = textParam(req, 'q');
    const agency = agencyParam(req);
    const status = statusParam(req);
    const cursor = documentCursorParam(req);
    const result = await required(options.archive).searchDocuments({ ...(text ? { text } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}), ...(agency ? { agency } : {}), ...(status ? { status } : {}), ...(cursor ? { cursor } : {}), limit: 50 });
    const head = html`<tr><th scope="col">${labels.document.documentId}</th><th scope="col">${labels.document.number}</th><th scope="col">${labels.document.subject}</th><th scope="col">${labels.document.sender}</th><th scope="col">${labels.document.recipients}</th><th scope="col">${labels.document.sentAt}</th><th scope="col">${labels.document.priority}</th><th scope="col">${labels.common.status}</th></tr>`;
    const next = result.nextCursor ? `${UI_PATH}/documents${queryOf({ q: fieldValue(req, 'q'), from: fieldValue(req, 'from'), to: fieldValue(req, 'to'), agency, status, cursor: encodeDocumentCursor(result.nextCursor) })}` : undefined;
    res.type('html').send(page(ui, {
      title: labels.document.searchTitle,
      nav: 'documents',
      body: html`${searchForm(labels, req)}
${result.items.length === 0 ? html`<p>${labels.common.noResults}</p>` : scrollingTable(labels.document.searchTitle, head, result.items.map((d) => hitRow(labels, d)), labels.common.scrollHint)}
${next ? html`<p>${result.items.length < 50 ? html`${labels.common.moreExamined(result.examined)} ` : ''}<a class="button secondary" href="${next}">${labels.common.next}</a></p>` : ''}`,
    }));
  });

  router.get('/documents/:documentId', onlyArchivists, async (req, res) => {
    const ui = uiOf(res);
    const { labels } = ui;
    const documentId = String(req.params['documentId'] ?? '');
    if (documentId.length === 0 || documentId.length > 200) throw new HttpError(404, 'EXCHANGE_NOT_FOUND', labels.document.notFound);
    const from = textParam(req, 'from', 64);
    let timeline: DocumentTimeline;
    try {
      timeline = await required(options.exchange).timeline({ documentId, ...(from ? { from } : {}) });
    } catch (error) {
      if (!isAxisError(error) || error.code !== 'EXCHANGE_REFERENCE_AMBIGUOUS') throw error;
      // Two agencies sent a document under this DocumentId: two documents, and the archivist picks one.
      const senders = (error.details?.['senders'] as string[] | undefined) ?? [];
      res.type('html').send(page(ui, {
        title: `${labels.document.pageTitle} ${documentId}`,
        nav: 'documents',
        body: html`<p>${labels.document.severalSenders}</p>
<ul>${senders.map((sender) => html`<li><a class="mono" href="${documentPath(documentId, sender)}">${sender}</a></li>`)}</ul>`,
      }));
      return;
    }
    // The packages of this sender's document only (another sender's document of the same DocumentId is another page).
    const shown = new Set(timeline.packages.map((p) => p.packageId));
    const signatures = (await required(options.archive).signatures(documentId)).filter((s) => shown.has(s.packageId));
    res.type('html').send(page(ui, { title: `${labels.document.pageTitle} ${documentId}`, nav: 'documents', body: documentBody(labels, timeline, signaturesSection(labels, signatures), options.evidence !== undefined) }));
  });
  // The document's evidence bundle, as an archivist gets it from GET /v1/documents/{id}/evidence (docs/evidence.md).
  router.get('/documents/:documentId/evidence.zip', onlyArchivists, async (req, res) => {
    const documentId = String(req.params['documentId'] ?? '');
    if (documentId.length === 0 || documentId.length > 200) throw new HttpError(404, 'EXCHANGE_NOT_FOUND', uiOf(res).labels.document.notFound);
    const from = textParam(req, 'from', 64);
    const bundle = await required(options.evidence).documentEvidence({ documentId, ...(from ? { from } : {}) });
    res.status(200).set({
      'Content-Type': 'application/zip',
      'Content-Disposition': `attachment; filename="${bundle.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      'Cache-Control': 'no-store',
    }).send(Buffer.from(bundle.bytes));
  });
  return router;
}

function documentBody(labels: Labels, timeline: DocumentTimeline, signatures: Html, evidence: boolean): Html {
  const original = timeline.packages.find((p) => p.kind === 'edoc' && p.documentId === timeline.documentId) ?? timeline.packages[0];
  const events = timelineEvents(labels, timeline);
  const packages = new Map(timeline.packages.map((p) => [p.packageId, p]));
  const packageWord = (packageId: string) => {
    const p = packages.get(packageId);
    return p?.kind === 'status' && p.statusCode ? labels.event.status(p.statusCode, labels.statusNames[p.statusCode] ?? '') : [labels.event.sent, labels.event.revoke, labels.event.update, labels.event.replace][p?.businessType ?? 0] ?? '';
  };
  const deliveryHead = html`<tr><th scope="col">${labels.common.type}</th><th scope="col">${labels.deliveries.recipient}</th><th scope="col">${labels.agencies.state}</th><th scope="col">${labels.deliveries.attempts}</th><th scope="col">${labels.event.delivered}</th><th scope="col">${labels.event.fetched}</th><th scope="col">${labels.event.acknowledged}</th></tr>`;
  const statusHead = html`<tr><th scope="col">${labels.deliveries.recipient}</th><th scope="col">${labels.common.status}</th><th scope="col">${labels.common.time}</th></tr>`;
  return html`
${original ? html`<dl class="facts">
<dt>${labels.document.documentId}</dt><dd class="mono">${original.documentId}</dd>
<dt>${labels.document.number}</dt><dd>${original.codeNumber ?? ''}${original.codeNotation ? `/${original.codeNotation}` : ''}</dd>
<dt>${labels.document.subject}</dt><dd>${original.subject ?? ''}</dd>
<dt>${labels.document.sender}</dt><dd class="mono">${original.from}</dd>
<dt>${labels.document.recipients}</dt><dd class="mono">${original.to.join(', ')}</dd>
<dt>${labels.document.sentAt}</dt><dd>${when(original.acceptedAt)}</dd>
<dt>${labels.document.priority}</dt><dd>${priorityWord(labels, original.priority)}</dd>
${original.revokedAt ? html`<dt>${labels.document.revoked}</dt><dd>${when(original.revokedAt)}</dd>` : ''}
</dl>` : ''}
<h2 id="timeline">${labels.document.timeline}</h2>
<ol class="timeline" aria-labelledby="timeline">
${events.map((e) => html`<li class="${e.tone}">${when(e.at, { seconds: true })}<span class="what">${e.what}</span> <span class="mono">${e.who}</span> <small>(${labels.event.receipt} #${e.seq})</small></li>`)}
</ol>
<p><a class="button secondary" href="${UI_PATH}/receipts.csv${queryOf({ documentId: timeline.documentId })}">${labels.document.receiptsCsv}</a></p>
<h2>${labels.document.deliveries}</h2>
${scrollingTable(labels.document.deliveries, deliveryHead, timeline.deliveries.map((d) => html`<tr><td>${packageWord(d.packageId)}</td><td class="mono">${d.recipient}</td><td>${deliveryStateWord(labels, d.state)}</td><td class="num">${d.attempts}</td><td>${when(d.deliveredAt)}</td><td>${when(d.fetchedAt)}</td><td>${when(d.acknowledgedAt)}</td></tr>`), labels.common.scrollHint)}
<h2>${labels.document.statuses}</h2>
${timeline.statuses.length === 0 ? html`<p>${labels.common.noStatus}</p>` : scrollingTable(labels.document.statuses, statusHead, timeline.statuses.map((s) => html`<tr><td class="mono">${s.recipientOrganId}</td><td>${statusWord(labels, s.code)}</td><td>${when(s.updatedAt)}</td></tr>`), labels.common.scrollHint)}
${signatures}
<h2>${labels.document.evidence}</h2>
${evidence
    ? html`<p><a class="button secondary" href="${documentPath(timeline.documentId)}/evidence.zip${queryOf({ from: timeline.from })}" download>${labels.document.evidenceDownload}</a></p>
<p>${labels.document.evidenceVerify} <code>edx evidence verify FILE.zip --trust DIR</code> · <a href="${UI_PATH}/evidence">${labels.nav.evidence}</a></p>`
    : html`<p class="notice warn">${labels.document.evidenceUnavailable}</p>`}`;
}
