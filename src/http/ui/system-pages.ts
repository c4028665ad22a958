/** Operators: the connected systems (the government SDK's clients); add, suspend, resume, rotate a secret (shown once). */
import { Router, type Request, type Response } from 'express';
import type { SystemCredentials, SystemRegistry, SystemView } from '../../exchange/systems/system-registry.js';
import { credentialsBox } from './credentials-view.js';
import { csrfField } from './form-fields.js';
import { when } from './format.js';
import { html, type Html } from './html.js';
import type { Labels } from './labels/labels.js';
import { page, stackedTable, UI_PATH, type PageInput } from './layout.js';
import { showingMistakes } from './operator-mistake.js';
import { onlyOperators } from './page-guards.js';
import { sessionOf, uiOf } from './ui-context.js';

const text = (req: Request, name: string): string => (typeof req.body?.[name] === 'string' ? req.body[name].trim() : '');

function systemCells(labels: Labels, csrf: string, s: SystemView): Html[] {
  const action = (path: string, label: string, kind = 'secondary', confirm?: string) => html`<form method="post" action="${UI_PATH}/systems/${encodeURIComponent(s.systemId)}/${path}"${confirm ? html` data-confirm="${confirm}"` : ''}>${csrfField(csrf)}<button type="submit" class="${kind}" aria-label="${label}: ${s.systemId}">${label}</button></form>`;
  return [
    html`<span class="mono">${s.systemId}</span>`,
    html`<span class="mono">${s.agencies.join(', ')}</span>`,
    html`<span class="badge ${s.state === 'active' ? 'good' : 'bad'}">${s.state === 'active' ? labels.agencies.active : labels.agencies.suspended}</span>`,
    html`${when(s.updatedAt)}`,
    html`<div class="row-actions">${s.state === 'active' ? action('suspend', labels.agencies.suspend, 'danger') : action('resume', labels.agencies.resume)}${action('rotate-secret', labels.systems.rotate, 'secondary', labels.systems.confirmRotate)}</div>`,
  ];
}

export function systemPages(options: { systems: SystemRegistry }): Router {
  const router = Router();
  router.use('/systems', onlyOperators);

  async function render(req: Request, res: Response, extra: { status?: number; notice?: PageInput['notice']; credentials?: SystemCredentials } = {}): Promise<void> {
    const ui = uiOf(res);
    const { labels } = ui;
    const s = labels.systems;
    const csrf = sessionOf(res).csrf;
    const systems = await options.systems.listSystems();
    const columns = [s.systemId, labels.nav.agencies, labels.agencies.state, labels.common.time, labels.common.actions];
    const keep = (name: string) => (extra.notice?.kind === 'bad' ? text(req, name) : '');
    res.status(extra.status ?? 200).type('html').send(page(ui, {
      title: s.title,
      nav: 'systems',
      ...(extra.notice ? { notice: extra.notice } : {}),
      body: html`${extra.credentials ? credentialsBox(labels, `${labels.agencies.credentialsTitle}: ${extra.credentials.systemId}`, [[s.systemId, 'system-id', extra.credentials.systemId], [labels.agencies.secret, 'system-secret', extra.credentials.secret]]) : ''}
${systems.length === 0 ? html`<p>${labels.common.noResults}</p>` : stackedTable(s.title, columns, systems.map((x) => systemCells(labels, csrf, x)))}
<h2 id="add-system">${s.add}</h2>
<form class="filters" method="post" action="${UI_PATH}/systems" aria-labelledby="add-system">${csrfField(csrf)}
<p><label for="systemId">${s.systemId}</label><input id="systemId" name="systemId" required maxlength="64" spellcheck="false" value="${keep('systemId')}"></p>
<p><label for="agencies">${s.agencies}</label><input id="agencies" name="agencies" required maxlength="2000" spellcheck="false" value="${keep('agencies')}"></p>
<p><button type="submit">${s.add}</button></p>
</form>`,
    }));
  }

  const attempt = showingMistakes(render);

  router.get('/systems', (req, res) => render(req, res));
  router.post('/systems', (req, res) => attempt(req, res, async () => {
    const agencies = text(req, 'agencies').split(',').map((a) => a.trim()).filter((a) => a.length > 0);
    const created = await options.systems.addSystem({ systemId: text(req, 'systemId'), agencies });
    await render(req, res, { status: 201, credentials: created.credentials });
  }));
  router.post('/systems/:systemId/suspend', (req, res) => attempt(req, res, async () => {
    await options.systems.suspend(req.params['systemId'] ?? '');
    res.redirect(303, `${UI_PATH}/systems`);
  }));
  router.post('/systems/:systemId/resume', (req, res) => attempt(req, res, async () => {
    await options.systems.resume(req.params['systemId'] ?? '');
    res.redirect(303, `${UI_PATH}/systems`);
  }));
  router.post('/systems/:systemId/rotate-secret', (req, res) => attempt(req, res, async () => {
    const rotated = await options.systems.rotateSecret(req.params['systemId'] ?? '');
    await render(req, res, { credentials: rotated.credentials });
  }));
  return router;
}
