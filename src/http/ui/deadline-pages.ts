/** What is due and what is late, by the agency whose status is awaited (archivists and operators). */
import { Router } from 'express';
import type { Archive } from '../../exchange/archive/create-archive.js';
import type { DeadlineItem, DeadlineState } from '../../exchange/deadlines/delivery-deadlines.js';
import { agencyParam, textParam } from '../archive-query.js';
import { HttpError } from '../problem.js';
import { priorityWord, when } from './format.js';
import { agencyField, fieldValue, selectField } from './form-fields.js';
import { html } from './html.js';
import { page, scrollingTable, UI_PATH } from './layout.js';
import { archivistsAndOperators, required } from './page-guards.js';
import { documentPath } from './document-pages.js';
import { uiOf } from './ui-context.js';

export function deadlinePages(options: { archive: Archive | undefined }): Router {
  const router = Router();
  router.get('/deadlines', archivistsAndOperators, async (req, res) => {
    const ui = uiOf(res);
    const { labels } = ui;
    const d = labels.deadlines;
    const raw = textParam(req, 'state', 10);
    if (raw !== undefined && raw !== 'due' && raw !== 'overdue') throw new HttpError(400, 'HTTP_QUERY_INVALID', 'Query parameter "state" must be due or overdue.');
    const state = raw as DeadlineState | undefined;
    const agency = agencyParam(req);
    const list = await required(options.archive).deadlines({ ...(state ? { state } : {}), ...(agency ? { agency } : {}), limit: 2000 });
    const byRecipient = new Map<string, DeadlineItem[]>();
    for (const item of list.items) byRecipient.set(item.recipient, [...(byRecipient.get(item.recipient) ?? []), item]);
    const archivist = ui.session?.role === 'archivist';
    const head = html`<tr><th scope="col">${labels.document.documentId}</th><th scope="col">${labels.document.subject}</th><th scope="col">${labels.document.sender}</th><th scope="col">${labels.document.priority}</th><th scope="col">${d.deliveredAt}</th><th scope="col">${d.dueAt}</th><th scope="col">${d.state}</th></tr>`;
    const row = (i: DeadlineItem) => html`<tr>
<td>${archivist ? html`<a class="mono" href="${documentPath(i.documentId, i.sender)}">${i.documentId}</a>` : html`<span class="mono">${i.documentId}</span>`}</td>
<td>${i.subject ?? ''}</td><td class="mono">${i.sender}</td><td>${priorityWord(labels, i.priority)}</td>
<td>${when(i.deliveredAt)}</td><td>${when(i.dueAt)}</td>
<td>${i.state === 'overdue' ? html`<span class="badge bad">${d.overdue}</span>` : html`<span class="badge warn">${d.due}</span>`}${i.escalated ? html` <span class="badge bad">${d.escalated}</span>` : ''}</td>
</tr>`;
    res.type('html').send(page(ui, {
      title: d.title,
      nav: 'deadlines',
      body: html`<p>${d.intro}</p>
<form class="filters" method="get" action="${UI_PATH}/deadlines">
${selectField(d.state, 'state', [['', d.all], ['due', d.due], ['overdue', d.overdue]], fieldValue(req, 'state'))}
${agencyField(labels, req)}
<p><button type="submit">${labels.common.search}</button></p>
</form>
${list.truncated ? html`<p class="notice warn">${d.truncated}</p>` : ''}
${list.items.length === 0 ? html`<p>${labels.common.noResults}</p>` : [...byRecipient].map(([recipient, items]) => html`<h2><span class="mono">${recipient}</span>: ${d.count(items.length)}</h2>
${scrollingTable(`${d.awaitedFrom}: ${recipient}`, head, items.map(row), labels.common.scrollHint)}`)}`,
    }));
  });
  return router;
}
