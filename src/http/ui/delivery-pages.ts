/**
 * Operators: the deliveries by state and recipient; by default the dead letters (deliveries that could not be made),
 * each replayable once its cause is fixed.
 */
import { Router } from 'express';
import type { DeliveryAdmin } from '../../exchange/delivery/dead-letters.js';
import { isAxisError } from '../../errors/axis-error.js';
import { DELIVERY_STATES, type DeliveryState } from '../../exchange/model/index.js';
import { agencyParam, intParam, textParam } from '../archive-query.js';
import { HttpError } from '../problem.js';
import { agencyField, csrfField, selectField } from './form-fields.js';
import { deliveryStateWord, when } from './format.js';
import { html, queryOf } from './html.js';
import { page, stackedTable, UI_PATH, type PageInput } from './layout.js';
import { onlyOperators, required } from './page-guards.js';
import { sessionOf, uiOf } from './ui-context.js';

/** How a state reads at a glance (the word says it too). */
const STATE_TONE: Partial<Record<DeliveryState, string>> = { dead: 'bad', withheld: 'bad', retrying: 'warn', pending: 'warn', available: 'warn', delivered: 'good', fetched: 'good', acknowledged: 'good' };

export function deliveryPages(options: { deliveries: DeliveryAdmin | undefined }): Router {
  const router = Router();
  router.use('/deliveries', onlyOperators);

  router.get('/deliveries', async (req, res) => {
    const ui = uiOf(res);
    const { labels } = ui;
    const d = labels.deliveries;
    const csrf = sessionOf(res).csrf;
    // The dead letters by default: what needs an operator; any other state to see where deliveries stand.
    const state = (textParam(req, 'state', 20) ?? 'dead') as DeliveryState;
    if (!DELIVERY_STATES.includes(state)) throw new HttpError(400, 'HTTP_QUERY_INVALID', `Query parameter "state" must be one of ${DELIVERY_STATES.join(', ')}.`);
    const recipient = agencyParam(req);
    const after = intParam(req, 'after', 0, Number.MAX_SAFE_INTEGER);
    const list = await required(options.deliveries).list({ state, limit: 100, ...(recipient ? { recipient } : {}), ...(after !== undefined ? { after } : {}) });
    const replayed = typeof req.query['replayed'] === 'string' ? req.query['replayed'].slice(0, 200) : undefined;
    const failed = typeof req.query['failed'] === 'string' ? req.query['failed'].slice(0, 300) : undefined;
    const notice: PageInput['notice'] | undefined = replayed ? { kind: 'good', text: d.replayed(replayed) } : failed ? { kind: 'bad', text: failed } : undefined;
    const dead = state === 'dead';
    const columns = [labels.receipt.documentId, labels.document.sender, d.recipient, d.state, d.attempts, d.lastError, dead ? d.deadSince : d.updatedAt, ...(dead ? [labels.common.actions] : [d.nextAttempt])];
    const rows = list.items.map((x) => [
      html`<span class="mono">${x.documentId ?? x.packageId}</span>`,
      html`<span class="mono">${x.fromOrganId ?? ''}</span>`,
      html`<span class="mono">${x.recipient}</span>`,
      html`<span class="badge ${STATE_TONE[x.state] ?? ''}">${deliveryStateWord(labels, x.state)}</span>`,
      html`${x.attempts}`,
      html`${x.lastError ?? ''}`,
      html`${when(x.updatedAt)}`,
      dead
        ? html`<form method="post" action="${UI_PATH}/deliveries/${encodeURIComponent(x.deliveryId)}/replay">${csrfField(csrf)}<button type="submit" aria-label="${d.replay}: ${x.deliveryId}">${d.replay}</button></form>`
        : html`${when(x.nextAttemptAt)}`,
    ]);
    const stateOptions = DELIVERY_STATES.map((s): [string, string] => [s, deliveryStateWord(labels, s)]);
    res.type('html').send(page(ui, {
      title: d.title,
      nav: 'deliveries',
      ...(notice ? { notice } : {}),
      body: html`<form class="filters" method="get" action="${UI_PATH}/deliveries">
${selectField(d.state, 'state', stateOptions, state)}
${agencyField(labels, req)}
<p><button type="submit">${labels.common.search}</button></p>
</form>
${list.items.length === 0 ? html`<p>${labels.common.noResults}</p>` : stackedTable(`${d.title}: ${deliveryStateWord(labels, state)}`, columns, rows)}
${list.nextCursor !== undefined ? html`<p><a class="button secondary" href="${UI_PATH}/deliveries${queryOf({ state, agency: recipient, after: list.nextCursor })}">${labels.common.next}</a></p>` : ''}`,
    }));
  });

  router.post('/deliveries/:id/replay', async (req, res) => {
    const id = req.params['id'] ?? '';
    try {
      await required(options.deliveries).replay(id);
      res.redirect(303, `${UI_PATH}/deliveries${queryOf({ replayed: id })}`);
    } catch (error) {
      // A delivery someone else replayed meanwhile, or that is gone: said on the list, which shows how things stand now.
      if (!isAxisError(error) || !error.code.startsWith('DELIVERY_')) throw error;
      res.redirect(303, `${UI_PATH}/deliveries${queryOf({ failed: `${error.code}: ${error.message}` })}`);
    }
  });
  return router;
}
