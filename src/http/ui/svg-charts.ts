/**
 * Charts drawn on the server as SVG (no chart library, nothing fetched by the browser): grouped bars for two series
 * per period, and bars for a share. Each chart has a title and a description for screen readers; the same figures
 * are in the table beside it.
 */
import { html, type Html } from './html.js';

const WIDTH = 720;
const HEIGHT = 260;
const PAD = { left: 48, right: 12, top: 16, bottom: 48 };
const COLORS = { a: '#0b4f8a', b: '#7fb3e0', share: '#1e6b2f' };

/** The top of the axis: four equal steps of 1, 2 or 5 times a power of ten, so every tick is a round number. */
function niceMax(value: number): number {
  const rough = Math.max(1, value) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  return Math.max(1, Math.ceil(step)) * 4;
}

function frame(title: string, description: string, body: Html, id: string): Html {
  return html`<div class="chart-wrap" tabindex="0" role="region" aria-label="${title}"><svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-labelledby="${id}-t ${id}-d" xmlns="http://www.w3.org/2000/svg"><title id="${id}-t">${title}</title><desc id="${id}-d">${description}</desc>${body}</svg></div>`;
}

function axis(max: number, format: (n: number) => string): Html {
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return html`${ticks.map((t) => {
    const y = PAD.top + plotHeight * (1 - t);
    return html`<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y}" y2="${y}" stroke="#c8ccd2"/><text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end">${format(max * t)}</text>`;
  })}`;
}

function labelsAt(periods: readonly string[], slot: number): Html {
  const every = Math.max(1, Math.ceil(periods.length / 12));
  return html`${periods.map((p, i) => (i % every === 0 ? html`<text x="${PAD.left + slot * (i + 0.5)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle">${p}</text>` : ''))}`;
}

/** Two series side by side per period (documents sent and received). */
export function groupedBars(id: string, title: string, description: string, periods: readonly string[], a: readonly number[], b: readonly number[]): Html {
  const max = niceMax(Math.max(0, ...a, ...b));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotWidth / Math.max(1, periods.length);
  const bar = Math.max(1, Math.min(28, slot * 0.38));
  const rect = (value: number, x: number, color: string, label: string) => {
    const h = (value / max) * plotHeight;
    return html`<rect x="${x.toFixed(1)}" y="${(PAD.top + plotHeight - h).toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}" fill="${color}" stroke="#1a1a1a" stroke-width="0.5"><title>${label}: ${value}</title></rect>`;
  };
  const bars = periods.map((p, i) => {
    const center = PAD.left + slot * (i + 0.5);
    return html`${rect(a[i] ?? 0, center - bar - 1, COLORS.a, p)}${rect(b[i] ?? 0, center + 1, COLORS.b, p)}`;
  });
  return frame(title, description, html`${axis(max, (n) => String(Math.round(n)))}${bars}${labelsAt(periods, slot)}`, id);
}

/** One share (0..1, or none) per period. */
export function shareBars(id: string, title: string, description: string, periods: readonly string[], shares: readonly (number | null)[]): Html {
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotWidth / Math.max(1, periods.length);
  const bar = Math.max(1, Math.min(40, slot * 0.6));
  const bars = periods.map((p, i) => {
    const share = shares[i];
    if (share === null || share === undefined) return html``;
    const h = share * plotHeight;
    return html`<rect x="${(PAD.left + slot * (i + 0.5) - bar / 2).toFixed(1)}" y="${(PAD.top + plotHeight - h).toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS.share}" stroke="#1a1a1a" stroke-width="0.5"><title>${p}: ${Math.round(share * 1000) / 10}%</title></rect>`;
  });
  return frame(title, description, html`${axis(1, (n) => `${Math.round(n * 100)}%`)}${bars}${labelsAt(periods, slot)}`, id);
}
