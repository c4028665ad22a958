/** New credentials, shown once on the page that made them (never stored in the clear, never shown again). */
import { html, type Html } from './html.js';
import type { Labels } from './labels/labels.js';

export function credentialsBox(labels: Labels, title: string, fields: readonly [string, string, string][]): Html {
  return html`<section class="secret" aria-labelledby="credentials-title">
<h2 id="credentials-title">${title}</h2>
<p><strong>${labels.agencies.credentialsOnce}</strong></p>
<dl class="facts">${fields.map(([label, id, value]) => html`<dt>${label}</dt><dd><code id="${id}">${value}</code> <button type="button" class="secondary" data-copy="${id}" data-copied="✓" hidden>${labels.agencies.copy}</button></dd>`)}</dl>
</section>`;
}
