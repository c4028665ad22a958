/** The page every UI screen is drawn in: skip link, header (who, language, logout), navigation by role, main. */
import type { PersonRole } from '../../config/tokens.js';
import { SCRIPT, STYLESHEET } from './assets.js';
import { html, queryOf, type Html } from './html.js';
import type { UiRequest } from './ui-context.js';

export type NavKey = 'documents' | 'receipts' | 'statistics' | 'deadlines' | 'evidence' | 'agencies' | 'systems' | 'deliveries' | 'health' | 'login';

/** What each role may open, in the order the navigation lists it. */
export const PAGES_OF: Record<PersonRole, readonly Exclude<NavKey, 'login'>[]> = {
  archivist: ['documents', 'receipts', 'statistics', 'deadlines', 'evidence'],
  operator: ['statistics', 'deadlines', 'agencies', 'systems', 'deliveries', 'health'],
};

export const UI_PATH = '/ui';

export interface PageInput {
  title: string;
  nav: NavKey;
  body: Html;
  /** A message at the top: what just happened, or what went wrong. */
  notice?: { kind: 'good' | 'bad' | 'warn' | 'info'; text: string | Html };
}

export function page(ui: UiRequest, input: PageInput): string {
  const { labels, session } = ui;
  const nav = session ? PAGES_OF[session.role] : [];
  const other = ui.language === 'vi' ? 'en' : 'vi';
  const doc = html`<!doctype html>
<html lang="${ui.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${input.title} · ${labels.appName}</title>
<link rel="stylesheet" href="${UI_PATH}${STYLESHEET.path}">
<script src="${UI_PATH}${SCRIPT.path}" defer></script>
</head>
<body>
<a class="skip" href="#main">${labels.skipToContent}</a>
<header class="top">
  <a class="brand" href="${UI_PATH}/">${labels.appName}</a>
  <div class="who">
    ${session ? html`<span>${labels.signedInAs}: <strong>${labels.roles[session.role]}</strong></span>` : ''}
    <a href="${UI_PATH}/lang${queryOf({ to: other, back: ui.here })}" lang="${other}" hreflang="${other}">${labels.otherLanguage}</a>
    ${session ? html`<form class="inline" method="post" action="${UI_PATH}/logout"><input type="hidden" name="_csrf" value="${session.csrf}"><button class="link" type="submit">${labels.logout}</button></form>` : ''}
  </div>
</header>
${nav.length > 0 ? html`<nav class="main" aria-label="${labels.nav.label}"><ul>
  ${nav.map((key) => html`<li><a href="${UI_PATH}/${key}"${key === input.nav ? html` aria-current="page"` : ''}>${labels.nav[key]}</a></li>`)}
  ${session?.role === 'operator' ? html`<li><a href="/admin/queues">${labels.nav.queues}</a></li>` : ''}
</ul></nav>` : ''}
<main id="main" tabindex="-1">
<h1>${input.title}</h1>
${input.notice ? html`<div class="notice ${input.notice.kind === 'info' ? '' : input.notice.kind}" role="${input.notice.kind === 'bad' ? 'alert' : 'status'}">${input.notice.text}</div>` : ''}
${input.body}
</main>
</body>
</html>`;
  return doc.text;
}

/**
 * A table whose rows become cards on a narrow screen (each cell under its column's name), for tables with actions:
 * the buttons stay in reach instead of off to the right. Cells are given as [column, content] in column order.
 */
export function stackedTable(caption: string, columns: readonly string[], rows: readonly (readonly Html[])[]): Html {
  return html`<div class="table-wrap stack-wrap"><table class="stack"><caption>${caption}</caption><thead><tr>${columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead><tbody>${rows.map((cells) => html`<tr>${cells.map((cell, i) => html`<td data-label="${columns[i] ?? ''}">${cell}</td>`)}</tr>`)}</tbody></table></div>`;
}

/** A table in a box that scrolls sideways on a narrow screen. */
export function scrollingTable(caption: string, head: Html, rows: Html | Html[], hint: string): Html {
  return html`<div class="table-wrap" role="region" aria-label="${caption}" tabindex="0"><table><caption>${caption} <span class="visually-hidden">${hint}</span></caption><thead>${head}</thead><tbody>${rows}</tbody></table></div>`;
}
