// @ts-check
/**
 * Runs inside the page (playwright's page.evaluate): every accessibility problem a program can decide on the page as
 * drawn (WCAG 2.1 AA), one line each. Plain JavaScript checked with the DOM's types (tsconfig.json beside it), because
 * the test suite's own TypeScript is typed for Node, not for a browser.
 * @returns {string[]}
 */
(function auditPage() {
  /** @type {string[]} */
  const problems = [];
  /** @param {Element} el */
  const describe = (el) => `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}> "${(el.textContent ?? '').trim().slice(0, 40)}"`;
  /** @param {Element} el */
  const named = (el) => {
    const labelledBy = el.getAttribute('aria-labelledby');
    const text = [
      el.getAttribute('aria-label'),
      labelledBy ? labelledBy.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ') : '',
      el.textContent,
      el.getAttribute('title'),
      el instanceof HTMLInputElement ? el.value : '',
    ];
    return text.some((t) => (t ?? '').trim().length > 0);
  };
  if (!['vi', 'en'].includes(document.documentElement.lang)) problems.push(`html lang is "${document.documentElement.lang}"`);
  const h1 = document.querySelectorAll('h1').length;
  if (h1 !== 1) problems.push(`${h1} h1 elements`);
  for (const el of document.querySelectorAll('input:not([type=hidden]):not([type=submit]), select, textarea')) {
    const field = /** @type {HTMLInputElement} */ (el);
    if ((field.labels?.length ?? 0) === 0 && !field.getAttribute('aria-label') && !field.getAttribute('aria-labelledby')) problems.push(`no label: ${describe(el)} name=${field.name}`);
  }
  for (const el of document.querySelectorAll('a[href], button, input[type=submit]')) if (!named(el)) problems.push(`no accessible name: ${describe(el)}`);
  for (const svg of document.querySelectorAll('svg')) {
    if (svg.getAttribute('aria-hidden') === 'true') continue;
    if (svg.getAttribute('role') !== 'img' || !(svg.querySelector('title') || svg.getAttribute('aria-label') || svg.getAttribute('aria-labelledby'))) problems.push(`chart without role=img and a title: ${describe(svg)}`);
  }
  for (const table of document.querySelectorAll('table')) {
    if (!table.querySelector('caption') && !table.getAttribute('aria-label') && !table.closest('[aria-label]')) problems.push(`table without a caption: ${describe(table)}`);
  }

  // Contrast: the colour of each piece of text against the backgrounds behind it, composited down to the first opaque one.
  /** @typedef {[number, number, number]} Rgb */
  /** @param {string} css @returns {[number, number, number, number]} */
  const rgba = (css) => {
    const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(css);
    return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])] : [0, 0, 0, 0];
  };
  /** @param {[number, number, number, number]} top @param {Rgb} under @returns {Rgb} */
  const over = (top, under) => [top[0] * top[3] + under[0] * (1 - top[3]), top[1] * top[3] + under[1] * (1 - top[3]), top[2] * top[3] + under[2] * (1 - top[3])];
  /** @param {Element | null} el @returns {Rgb} */
  const backgroundOf = (el) => {
    /** @type {[number, number, number, number][]} */
    const layers = [];
    for (let at = el; at; at = at.parentElement) {
      const bg = rgba(getComputedStyle(at).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
    }
    return layers.reverse().reduce((/** @type {Rgb} */ under, layer) => over(layer, under), /** @type {Rgb} */ ([255, 255, 255]));
  };
  /** @param {Rgb} rgb */
  const luminance = (rgb) => {
    const channel = (/** @type {number} */ c) => { const s = c / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2]);
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  /** @type {Set<Element>} */
  const seen = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || seen.has(el) || (node.textContent ?? '').trim() === '') continue;
    seen.add(el);
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    // Text a sighted person cannot see (visually hidden for screen readers, a skip link until focused) is not judged.
    if (style.visibility === 'hidden' || style.display === 'none' || box.width <= 1 || box.height <= 1 || el.closest('.visually-hidden') || box.bottom < 0) continue;
    const background = backgroundOf(el);
    const foreground = over(rgba(style.color), background);
    const [hi, lo] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
    const ratio = ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) problems.push(`contrast ${ratio.toFixed(2)}:1 (${style.color} on rgb(${background.map(Math.round).join(', ')})): ${describe(el)}`);
  }
  return problems;
});
