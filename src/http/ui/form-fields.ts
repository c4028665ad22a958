/** The filter fields several pages share, each with its label, keeping what the person typed. */
import type { Request } from 'express';
import { addDays, instantOf, isLocalDate } from '../../calendar/index.js';
import { HttpError } from '../problem.js';
import { html, type Html } from './html.js';
import type { Labels } from './labels/labels.js';

/** A query parameter as typed, for a field's value (empty when absent or repeated). */
export function fieldValue(req: Request, name: string): string {
  const value = req.query[name];
  return typeof value === 'string' ? value.slice(0, 200) : '';
}

/**
 * A day as people in Vietnam write it (dd/mm/yyyy; a text field, not the browser's date picker, whose format follows
 * the browser's locale rather than the page's).
 */
export function dateField(label: string, name: 'from' | 'to', req: Request, hint: string): Html {
  return html`<p><label for="${name}">${label} <small id="${name}-hint">(${hint})</small></label><input id="${name}" name="${name}" inputmode="numeric" autocomplete="off" placeholder="${hint}" pattern="\\d{1,2}/\\d{1,2}/\\d{4}" aria-describedby="${name}-hint" maxlength="10" value="${fieldValue(req, name)}"></p>`;
}

/** `from`/`to` of a UI form (dd/mm/yyyy, or YYYY-MM-DD) as the instant the archive reads: `to` is the end of its day. */
export function dateParam(req: Request, name: 'from' | 'to'): string | undefined {
  const value = fieldValue(req, name).trim();
  if (value === '') return undefined;
  const vn = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  const day = vn ? `${vn[3]}-${vn[2]!.padStart(2, '0')}-${vn[1]!.padStart(2, '0')}` : value;
  if (!isLocalDate(day)) throw new HttpError(400, 'HTTP_QUERY_INVALID', `"${value.slice(0, 20)}" is not a date written dd/mm/yyyy.`);
  return instantOf(name === 'to' ? addDays(day, 1) : day, 0).toISOString();
}

export function agencyField(labels: Labels, req: Request, name = 'agency'): Html {
  return html`<p><label for="${name}">${labels.common.agency}</label><input id="${name}" name="${name}" maxlength="64" autocomplete="off" spellcheck="false" value="${fieldValue(req, name)}"></p>`;
}

const STATUS_CODES = ['01', '02', '03', '04', '05', '06', '13', '15', '16'];

export function statusField(labels: Labels, req: Request): Html {
  const current = fieldValue(req, 'status');
  const option = (value: string, text: string) => html`<option value="${value}"${value === current ? html` selected` : ''}>${text}</option>`;
  return html`<p><label for="status">${labels.common.status}</label><select id="status" name="status">
${option('', labels.common.anyStatus)}${option('none', labels.common.noStatus)}${STATUS_CODES.map((c) => option(c, `${c} ${labels.statusNames[c] ?? ''}`))}
</select></p>`;
}

export function selectField(label: string, name: string, options: readonly [string, string][], current: string): Html {
  return html`<p><label for="${name}">${label}</label><select id="${name}" name="${name}">${options.map(([value, text]) => html`<option value="${value}"${value === current ? html` selected` : ''}>${text}</option>`)}</select></p>`;
}

/** The hidden anti-forgery field every form of a session carries. */
export function csrfField(csrf: string): Html {
  return html`<input type="hidden" name="_csrf" value="${csrf}">`;
}
