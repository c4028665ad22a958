/** What every page of a request knows: the language and its labels, and the person's session (role, form token). */
import { timingSafeEqual } from 'node:crypto';
import type { Response } from 'express';
import type { PersonRole } from '../../config/tokens.js';
import { HttpError } from '../problem.js';
import type { Labels, Language } from './labels/labels.js';

export interface UiSession {
  id: string;
  role: PersonRole;
  csrf: string;
}

export interface UiRequest {
  language: Language;
  labels: Labels;
  session: UiSession | undefined;
  /** The page's own URL under the UI (for the language switch to come back to). */
  here: string;
}

export function uiOf(res: Response): UiRequest {
  const ui = res.locals['ui'] as UiRequest | undefined;
  if (!ui) throw new Error('the UI context is set by the UI dialect before any page');
  return ui;
}

/** The session of a page that needs one (the dialect sends everyone else to the login page first). */
export function sessionOf(res: Response): UiSession {
  const session = uiOf(res).session;
  if (!session) throw new HttpError(401, 'AUTH_MISSING', 'Log in first.');
  return session;
}

/** Whether a form's anti-forgery token is the session's, compared in constant time. */
export function isSessionToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
