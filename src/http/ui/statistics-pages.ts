/** Statistics for archivists and operators: per agency and period, with charts; the same as CSV. */
import { Router, type Request } from 'express';
import { instantOf, localPartsOf, PERIOD_UNITS } from '../../calendar/index.js';
import type { Archive } from '../../exchange/archive/create-archive.js';
import type { SignatureShare, StatisticsRow } from '../../exchange/archive/statistics-accumulator.js';
import { statisticsCsv } from '../archive-csv.js';
import { agencyParam, assertRange, periodParam } from '../archive-query.js';
import { sendCsv } from '../csv.js';
import { percent, seconds, statusWord } from './format.js';
import { agencyField, dateField, dateParam, fieldValue, selectField } from './form-fields.js';
import { html, queryOf, type Html } from './html.js';
import type { Labels } from './labels/labels.js';
import { page, scrollingTable, UI_PATH } from './layout.js';
import { archivistsAndOperators, required } from './page-guards.js';
import { groupedBars, shareBars } from './svg-charts.js';
import { uiOf } from './ui-context.js';

function reportOf(archive: Archive, req: Request) {
  const now = new Date();
  const from = dateParam(req, 'from') ?? instantOf(`${localPartsOf(now).date.slice(0, 4)}-01-01`, 0).toISOString();
  const to = dateParam(req, 'to') ?? now.toISOString();
  assertRange(from, to);
  const agency = agencyParam(req);
  const groupBy = periodParam(req, 'month');
  return archive.statistics({ from: new Date(from), to: new Date(to), groupBy, ...(agency ? { agency } : {}) });
}

const shareText = (labels: Labels, s: SignatureShare) => (s.state === 'unknown' ? labels.common.unknown : `${percent(s.share)} (${s.signed}/${s.documents})`);

function rowCells(labels: Labels, r: StatisticsRow, first: Html): Html {
  return html`<tr>${first}
<td class="num">${r.documentsSent}</td><td class="num">${r.documentsReceived}</td>
<td class="num">${r.timeLimits.onTime}</td><td class="num">${r.timeLimits.late}</td><td class="num">${r.timeLimits.open}</td><td class="num">${percent(r.timeLimits.onTimeShare)}</td>
<td class="num">${seconds(labels, r.deliveryTo01.medianSeconds)} / ${seconds(labels, r.deliveryTo01.p95Seconds)}</td>
<td class="num">${seconds(labels, r.deliveryTo03.medianSeconds)} / ${seconds(labels, r.deliveryTo03.p95Seconds)}</td>
<td class="num">${r.deadLetters}</td>
<td>${Object.entries(r.refusals).map(([code, n]) => html`<code>${code}</code>: ${n}<br>`)}</td>
<td>${Object.entries(r.statuses).map(([code, n]) => html`${statusWord(labels, code)}: ${n}<br>`)}</td>
<td>${shareText(labels, r.officialSignatures)}</td><td>${shareText(labels, r.agencySeals)}</td>
</tr>`;
}

function head(labels: Labels, first: string): Html {
  const s = labels.statistics;
  return html`<tr><th scope="col">${first}</th><th scope="col" class="num">${s.sent}</th><th scope="col" class="num">${s.received}</th><th scope="col" class="num">${s.onTime}</th><th scope="col" class="num">${s.late}</th><th scope="col" class="num">${s.open}</th><th scope="col" class="num">${s.onTimeShare}</th><th scope="col">${s.to01}</th><th scope="col">${s.to03}</th><th scope="col" class="num">${s.deadLetters}</th><th scope="col">${s.refusals}</th><th scope="col">${s.statuses}</th><th scope="col">${s.officialSignatures}</th><th scope="col">${s.agencySeals}</th></tr>`;
}

export function statisticsPages(options: { archive: Archive | undefined }): Router {
  const router = Router();
  router.get('/statistics', archivistsAndOperators, async (req, res) => {
    const ui = uiOf(res);
    const { labels } = ui;
    const s = labels.statistics;
    const report = await reportOf(required(options.archive), req);
    const periods = report.totals.map((t) => t.period);
    const query = { from: fieldValue(req, 'from'), to: fieldValue(req, 'to'), agency: fieldValue(req, 'agency'), groupBy: fieldValue(req, 'groupBy') };
    const volume = groupedBars('volume', s.chartVolume, `${s.sent}: ${report.totals.map((t) => `${t.period} ${t.documentsSent}`).join(', ')}. ${s.received}: ${report.totals.map((t) => `${t.period} ${t.documentsReceived}`).join(', ')}.`, periods, report.totals.map((t) => t.documentsSent), report.totals.map((t) => t.documentsReceived));
    const onTime = shareBars('ontime', s.chartOnTime, report.totals.map((t) => `${t.period} ${percent(t.timeLimits.onTimeShare)}`).join(', '), periods, report.totals.map((t) => t.timeLimits.onTimeShare));
    res.type('html').send(page(ui, {
      title: s.title,
      nav: 'statistics',
      body: html`<form class="filters" method="get" action="${UI_PATH}/statistics">
${dateField(labels.common.from, 'from', req, labels.common.dateHint)}
${dateField(labels.common.to, 'to', req, labels.common.dateHint)}
${agencyField(labels, req)}
${selectField(s.groupBy, 'groupBy', PERIOD_UNITS.map((u): [string, string] => [u, s.periods[u] ?? u]), report.groupBy)}
<p><button type="submit">${s.show}</button></p>
</form>
<p><a class="button secondary" href="${UI_PATH}/statistics.csv${queryOf(query)}">${labels.common.exportCsv}</a></p>
<h2>${s.chartVolume}</h2>
<div class="legend" aria-hidden="true"><span class="sent">${s.sent}</span><span class="received">${s.received}</span></div>
${volume}
<h2>${s.chartOnTime}</h2>
<div class="legend" aria-hidden="true"><span class="ontime">${s.onTimeShare}</span></div>
${onTime}
<h2>${report.agency ? report.agency : s.totals}</h2>
${scrollingTable(s.totals, head(labels, s.period), report.totals.map((r) => rowCells(labels, r, html`<th scope="row">${r.period}</th>`)), labels.common.scrollHint)}
${report.agency ? '' : html`<h2>${s.byAgency}</h2>
${report.rows.length === 0 ? html`<p>${labels.common.noResults}</p>` : scrollingTable(s.byAgency, head(labels, `${labels.common.agency} · ${s.period}`), report.rows.map((r) => rowCells(labels, r, html`<th scope="row"><span class="mono">${r.agency}</span><br>${r.period}</th>`)), labels.common.scrollHint)}`}`,
    }));
  });

  router.get('/statistics.csv', archivistsAndOperators, async (req, res) => {
    const report = await reportOf(required(options.archive), req);
    sendCsv(res, `thong-ke-${report.groupBy}.csv`, statisticsCsv(report));
  });
  return router;
}
