/** Operators: the agencies on the axis; add, suspend, resume, and rotate a key (the new credentials shown once). */
import { Router, type Request, type Response } from 'express';
import type { AgencyCredentials, AgencyRegistry, AgencyView } from '../../exchange/agencies/agency-registry.js';
import type { DeliveryAdmin } from '../../exchange/delivery/dead-letters.js';
import { logFor } from '../request-log.js';
import { credentialsBox } from './credentials-view.js';
import { csrfField } from './form-fields.js';
import { html, type Html } from './html.js';
import type { Labels } from './labels/labels.js';
import { page, stackedTable, UI_PATH, type PageInput } from './layout.js';
import { showingMistakes } from './operator-mistake.js';
import { onlyOperators } from './page-guards.js';
import { sessionOf, uiOf } from './ui-context.js';

const text = (req: Request, name: string): string => (typeof req.body?.[name] === 'string' ? req.body[name].trim() : '');

function agencyCells(labels: Labels, csrf: string, a: AgencyView): Html[] {
  const action = (path: string, label: string, kind = 'secondary', confirm?: string) => html`<form method="post" action="${UI_PATH}/agencies/${encodeURIComponent(a.organId)}/${path}"${confirm ? html` data-confirm="${confirm}"` : ''}>${csrfField(csrf)}<button type="submit" class="${kind}" aria-label="${label}: ${a.organId}">${label}</button></form>`;
  return [
    html`<span class="mono">${a.organId}</span>`,
    html`${a.name}`,
    html`<span class="badge ${a.state === 'active' ? 'good' : 'bad'}">${a.state === 'active' ? labels.agencies.active : labels.agencies.suspended}</span>`,
    html`${a.deliveryMode}`,
    html`<span class="mono">${a.endpointUrl ?? ''}</span>`,
    html`<span class="mono">${a.keys.map((k) => html`${k.keyId}${k.expiresAt ? html` <small>(→ ${k.expiresAt.slice(0, 10)})</small>` : ''}<br>`)}</span>`,
    html`<div class="row-actions">${a.state === 'active' ? action('suspend', labels.agencies.suspend, 'danger') : action('resume', labels.agencies.resume)}${action('rotate-key', labels.agencies.rotate, 'secondary', labels.agencies.confirmRotate)}</div>`,
  ];
}

export function agencyPages(options: { agencies: AgencyRegistry; deliveries: DeliveryAdmin | undefined }): Router {
  const router = Router();
  router.use('/agencies', onlyOperators);

  async function render(req: Request, res: Response, extra: { status?: number; notice?: PageInput['notice']; credentials?: AgencyCredentials } = {}): Promise<void> {
    const ui = uiOf(res);
    const { labels } = ui;
    const a = labels.agencies;
    const csrf = sessionOf(res).csrf;
    const agencies = await options.agencies.listAgencies();
    const columns = [a.organId, a.name, a.state, a.mode, a.endpoint, a.keys, labels.common.actions];
    const keep = (name: string) => (extra.notice?.kind === 'bad' ? text(req, name) : '');
    res.status(extra.status ?? 200).type('html').send(page(ui, {
      title: a.title,
      nav: 'agencies',
      ...(extra.notice ? { notice: extra.notice } : {}),
      body: html`${extra.credentials ? credentialsBox(labels, `${a.credentialsTitle}: ${extra.credentials.organId}`, [[a.keyId, 'key-id', extra.credentials.keyId], [a.secret, 'key-secret', extra.credentials.secret]]) : ''}
${stackedTable(a.title, columns, agencies.map((x) => agencyCells(labels, csrf, x)))}
<h2 id="add-agency">${a.add}</h2>
<form class="filters" method="post" action="${UI_PATH}/agencies" aria-labelledby="add-agency">${csrfField(csrf)}
<p><label for="organId">${a.organId}</label><input id="organId" name="organId" required maxlength="64" spellcheck="false" value="${keep('organId')}"></p>
<p><label for="name">${a.name}</label><input id="name" name="name" required maxlength="500" value="${keep('name')}"></p>
<p><label for="parent">${a.parent}</label><input id="parent" name="parent" maxlength="64" spellcheck="false" value="${keep('parent')}"></p>
<p><label for="endpointUrl">${a.endpoint}</label><input id="endpointUrl" name="endpointUrl" type="url" maxlength="2000" value="${keep('endpointUrl')}"></p>
<p><button type="submit">${a.add}</button></p>
</form>`,
    }));
  }

  const attempt = showingMistakes(render);

  router.get('/agencies', async (req, res) => {
    const done = typeof req.query['done'] === 'string' ? req.query['done'] : undefined;
    const organId = typeof req.query['organId'] === 'string' ? req.query['organId'].slice(0, 64) : '';
    const labels = uiOf(res).labels.agencies;
    const words: Record<string, string> = { suspended: labels.suspended, resumed: labels.active };
    await render(req, res, done && words[done] ? { notice: { kind: 'good', text: `${organId}: ${words[done]}` } } : {});
  });

  router.post('/agencies', (req, res) => attempt(req, res, async () => {
    const parent = text(req, 'parent');
    const endpointUrl = text(req, 'endpointUrl');
    const created = await options.agencies.addAgency({ organId: text(req, 'organId'), name: text(req, 'name'), ...(parent ? { parent } : {}), ...(endpointUrl ? { endpointUrl } : {}) });
    await render(req, res, { status: 201, credentials: created.credentials });
  }));

  router.post('/agencies/:organId/suspend', (req, res) => attempt(req, res, async () => {
    const agency = await options.agencies.suspend(req.params['organId'] ?? '');
    res.redirect(303, `${UI_PATH}/agencies?done=suspended&organId=${encodeURIComponent(agency.organId)}`);
  }));

  router.post('/agencies/:organId/resume', (req, res) => attempt(req, res, async () => {
    const agency = await options.agencies.resume(req.params['organId'] ?? '');
    // As the operator API does: held deliveries go out now; if not, at their next recheck.
    await options.deliveries?.wakeHeld(agency.organId).catch((error: unknown) => logFor(req)?.warn({ organId: agency.organId, err: (error as Error).message }, 'agency resumed; its held deliveries go out at their next recheck'));
    res.redirect(303, `${UI_PATH}/agencies?done=resumed&organId=${encodeURIComponent(agency.organId)}`);
  }));

  router.post('/agencies/:organId/rotate-key', (req, res) => attempt(req, res, async () => {
    const rotated = await options.agencies.rotateKey(req.params['organId'] ?? '');
    await render(req, res, { credentials: rotated.credentials });
  }));
  return router;
}
