/** Operators: the dead letters (deliveries that could not be made), each replayable once its cause is fixed. */
import { Router } from 'express';
import type { DeliveryAdmin } from '../../exchange/delivery/dead-letters.js';
import { isAxisError } from '../../errors/axis-error.js';
import { intParam } from '../archive-query.js';
import { csrfField } from './form-fields.js';
import { when } from './format.js';
import { html, queryOf } from './html.js';
import { page, stackedTable, UI_PATH, type PageInput } from './layout.js';
import { onlyOperators, required } from './page-guards.js';
import { sessionOf, uiOf } from './ui-context.js';

export function deliveryPages(options: { deliveries: DeliveryAdmin | undefined }): Router {
  const router = Router();
  router.use('/deliveries', onlyOperators);

  router.get('/deliveries', async (req, res) => {
    const ui = uiOf(res);
    const { labels } = ui;
    const d = labels.deliveries;
    const csrf = sessionOf(res).csrf;
    const after = intParam(req, 'after', 0, Number.MAX_SAFE_INTEGER);
    const dead = await required(options.deliveries).listDead({ limit: 100, ...(after !== undefined ? { after } : {}) });
    const replayed = typeof req.query['replayed'] === 'string' ? req.query['replayed'].slice(0, 200) : undefined;
    const failed = typeof req.query['failed'] === 'string' ? req.query['failed'].slice(0, 300) : undefined;
    const notice: PageInput['notice'] | undefined = replayed ? { kind: 'good', text: d.replayed(replayed) } : failed ? { kind: 'bad', text: failed } : undefined;
    const columns = [labels.receipt.documentId, labels.document.sender, d.recipient, d.attempts, d.lastError, d.deadSince, labels.common.actions];
    const rows = dead.items.map((x) => [
      html`<span class="mono">${x.documentId ?? x.envelopeId}</span>`,
      html`<span class="mono">${x.fromOrganId ?? ''}</span>`,
      html`<span class="mono">${x.recipientOrganId}</span>`,
      html`${x.attempts}`,
      html`${x.lastError ?? ''}`,
      html`${when(x.deadSince)}`,
      html`<form method="post" action="${UI_PATH}/deliveries/${encodeURIComponent(x.deliveryId)}/replay">${csrfField(csrf)}<button type="submit" aria-label="${d.replay}: ${x.deliveryId}">${d.replay}</button></form>`,
    ]);
    res.type('html').send(page(ui, {
      title: d.title,
      nav: 'deliveries',
      ...(notice ? { notice } : {}),
      body: html`${dead.items.length === 0 ? html`<p>${labels.common.noResults}</p>` : stackedTable(d.title, columns, rows)}
${dead.nextCursor !== undefined ? html`<p><a class="button secondary" href="${UI_PATH}/deliveries${queryOf({ after: dead.nextCursor })}">${labels.common.next}</a></p>` : ''}`,
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
