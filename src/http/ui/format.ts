/** How the UI writes times, codes and states for people: dates dd/MM/yyyy HH:mm in Vietnam's time, words from the labels. */
import { formatVietnamTime } from '../../calendar/index.js';
import { html, type Html } from './html.js';
import type { Labels } from './labels/labels.js';

/** A <time> element: the Vietnamese way for people, the ISO instant for machines. */
export function when(iso: string | undefined, options: { seconds?: boolean } = {}): Html | string {
  if (!iso) return '';
  return html`<time datetime="${iso}">${formatVietnamTime(iso, options)}</time>`;
}

export function statusWord(labels: Labels, code: string | undefined): string {
  if (!code) return labels.common.noStatus;
  return `${code} ${labels.statusNames[code] ?? ''}`.trim();
}

export function priorityWord(labels: Labels, priority: number | undefined): string {
  return labels.priorities[priority ?? 0] ?? String(priority);
}

export function deliveryStateWord(labels: Labels, state: string): string {
  return labels.deliveryStates[state] ?? state;
}

export function seconds(labels: Labels, value: number | null): string {
  if (value === null) return '–';
  if (value < 3600) return labels.lang === 'vi' ? `${Math.round(value / 60)} phút` : `${Math.round(value / 60)} min`;
  if (value < 48 * 3600) return labels.lang === 'vi' ? `${(value / 3600).toFixed(1)} giờ` : `${(value / 3600).toFixed(1)} h`;
  return labels.lang === 'vi' ? `${(value / 86_400).toFixed(1)} ngày` : `${(value / 86_400).toFixed(1)} days`;
}

export function percent(share: number | null): string {
  return share === null ? '–' : `${Math.round(share * 1000) / 10}%`;
}
