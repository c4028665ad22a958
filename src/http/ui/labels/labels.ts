/** The UI's two languages: Vietnamese by default, English by the switch (a cookie, `edx_lang`). */
import { en } from './en.js';
import { vi, type Labels } from './vi.js';

export type Language = 'vi' | 'en';
export type { Labels };

export const LANGUAGE_COOKIE = 'edx_lang';

export function labelsFor(language: Language): Labels {
  return language === 'en' ? en : vi;
}

export function languageOf(value: string | undefined): Language {
  return value === 'en' ? 'en' : 'vi';
}
