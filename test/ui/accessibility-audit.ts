/**
 * What a page owes people who use a keyboard or a screen reader, checked in the browser on the page as drawn (WCAG 2.1
 * AA, the parts a program can decide): the page's language, one h1, a name for every form field, link, button and
 * chart, a caption for every table, text in contrast with what is behind it (4.5:1, 3:1 for large text), and, by the
 * keyboard, a skip link first that lands in the main content and a visible mark on whatever has the focus.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/** The in-page audit (in-page/page-audit.js): a function expression, called in the page. */
const AUDIT = `(${readFileSync(fileURLToPath(new URL('./in-page/page-audit.js', import.meta.url)), 'utf8').replace(/^\/\/ @ts-check\n/, '').trim().replace(/;$/, '')})()`;

/** The page's audit, then the keyboard: Tab reaches the skip link first, Enter lands in main, focus is always visible. */
export async function expectAccessible(page: Page, name: string, tabs = 8): Promise<void> {
  expect(await page.evaluate<string[]>(AUDIT), `${name}: audit`).toEqual([]);
  // Start the keyboard at the top of the page: a focus point before the first element, then gone.
  await page.evaluate(`(() => {
    const start = document.createElement('span');
    start.tabIndex = -1;
    document.body.prepend(start);
    start.focus();
    start.remove();
    window.scrollTo(0, 0);
  })()`);
  await page.keyboard.press('Tab');
  expect(await page.evaluate<string>('document.activeElement?.className'), `${name}: the first Tab`).toBe('skip');
  const skip = await page.evaluate<number>('document.activeElement.getBoundingClientRect().top');
  expect(skip, `${name}: the focused skip link is on screen`).toBeGreaterThanOrEqual(0);
  await page.keyboard.press('Enter');
  expect(await page.evaluate<string>('document.activeElement?.id'), `${name}: the skip link lands in main`).toBe('main');
  for (let i = 0; i < tabs; i++) {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate<{ tag: string; visible: boolean }>(`(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return { tag: 'body', visible: true };
      const style = getComputedStyle(el);
      const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
      return { tag: el.tagName.toLowerCase() + ' ' + (el.textContent || '').trim().slice(0, 30), visible: outline || style.boxShadow !== 'none' };
    })()`);
    expect(focus.visible, `${name}: focus is visible on ${focus.tag}`).toBe(true);
  }
}
