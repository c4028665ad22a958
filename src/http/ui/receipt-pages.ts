/** Archivists: receipts across agencies, by document, agency, type and time; the same as CSV. */
import { Router, type Request } from 'express';
import type { Archive } from '../../exchange/archive/create-archive.js';
import { RECEIPT_TYPES } from '../../exchange/model/index.js';
import { receiptsCsv } from '../archive-csv.js';
import { agencyParam, assertRange, intParam, receiptTypeParam, textParam } from '../archive-query.js';
import { sendCsv } from '../csv.js';
import { documentPath } from './document-pages.js';
import { when } from './format.js';
import { agencyField, dateField, dateParam, fieldValue, selectField } from './form-fields.js';
import { html, queryOf } from './html.js';
import { page, scrollingTable, UI_PATH } from './layout.js';
import { onlyArchivists, required } from './page-guards.js';
import { uiOf } from './ui-context.js';

/** What one export may hold: the API's own CSV export (GET /v1/receipts?format=csv) goes further. */
const CSV_ROWS = 10_000;

function filtersOf(req: Request) {
  const from = dateParam(req, 'from');
  const to = dateParam(req, 'to');
  assertRange(from, to);
  const documentId = textParam(req, 'documentId');
  const agency = agencyParam(req);
  const type = receiptTypeParam(req);
  return { ...(from ? { from } : {}), ...(to ? { to } : {}), ...(documentId ? { documentId } : {}), ...(agency ? { agency } : {}), ...(type ? { type } : {}) };
}

export function receiptPages(options: { archive: Archive | undefined }): Router {
  const router = Router();

  router.get('/receipts', onlyArchivists, async (req, res) => {
    const ui = uiOf(res);
    const { labels } = ui;
    const filters = filtersOf(req);
    const after = intParam(req, 'after', 0, Number.MAX_SAFE_INTEGER);
    const result = await required(options.archive).searchReceipts({ ...filters, ...(after !== undefined ? { after } : {}), limit: 100 });
    const typed = (name: string) => fieldValue(req, name);
    const query = { documentId: typed('documentId'), agency: typed('agency'), type: typed('type'), from: typed('from'), to: typed('to') };
    const head = html`<tr><th scope="col">${labels.receipt.seq}</th><th scope="col">${labels.receipt.type}</th><th scope="col">${labels.common.time}</th><th scope="col">${labels.receipt.documentId}</th><th scope="col">${labels.receipt.parties}</th><th scope="col">${labels.receipt.code}</th><th scope="col">${labels.receipt.hash}</th></tr>`;
    const rows = result.items.map((r) => html`<tr>
<td class="num">${r.seq}</td><td>${labels.receipt.types[r.type] ?? r.type}</td><td>${when(r.at, { seconds: true })}</td>
<td>${r.documentId ? html`<a class="mono" href="${documentPath(r.documentId)}">${r.documentId}</a>` : ''}</td>
<td class="mono">${r.parties.join(', ')}</td><td><code>${String(r.detail?.['code'] ?? r.detail?.['statusCode'] ?? '')}</code></td><td class="mono">${r.hash.slice(0, 16)}…</td></tr>`);
    res.type('html').send(page(ui, {
      title: labels.receipt.title,
      nav: 'receipts',
      body: html`<form class="filters" method="get" action="${UI_PATH}/receipts" role="search">
<p><label for="documentId">${labels.receipt.documentId}</label><input id="documentId" name="documentId" maxlength="200" value="${query.documentId}"></p>
${agencyField(labels, req)}
${selectField(labels.receipt.type, 'type', [['', labels.common.anyType], ...RECEIPT_TYPES.map((t): [string, string] => [t, labels.receipt.types[t] ?? t])], query.type)}
${dateField(labels.common.from, 'from', req, labels.common.dateHint)}
${dateField(labels.common.to, 'to', req, labels.common.dateHint)}
<p><button type="submit">${labels.common.search}</button></p>
</form>
<p><a class="button secondary" href="${UI_PATH}/receipts.csv${queryOf(query)}">${labels.common.exportCsv}</a></p>
${result.items.length === 0 ? html`<p>${labels.common.noResults}</p>` : scrollingTable(labels.receipt.title, head, rows, labels.common.scrollHint)}
${result.nextCursor !== undefined ? html`<p><a class="button secondary" href="${UI_PATH}/receipts${queryOf({ ...query, after: result.nextCursor })}">${labels.common.next}</a></p>` : ''}`,
    }));
  });

  router.get('/receipts.csv', onlyArchivists, async (req, res) => {
    const archive = required(options.archive);
    const filters = filtersOf(req);
    const receipts = [];
    let after: number | undefined;
    do {
      const page = await archive.searchReceipts({ ...filters, ...(after !== undefined ? { after } : {}), limit: 1000 });
      receipts.push(...page.items);
      after = page.nextCursor;
    } while (after !== undefined && receipts.length < CSV_ROWS);
    sendCsv(res, 'bien-nhan.csv', receiptsCsv(receipts.slice(0, CSV_ROWS)));
  });
  return router;
}
