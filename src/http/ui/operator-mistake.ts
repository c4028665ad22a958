/** The registry pages' rule for a form that did not work: the operator's mistake on the page, anything else fails. */
import type { Request, Response } from 'express';
import { isAxisError } from '../../errors/axis-error.js';
import { html } from './html.js';
import type { PageInput } from './layout.js';

type RenderWithNotice = (req: Request, res: Response, extra: { status: number; notice: NonNullable<PageInput['notice']> }) => Promise<void>;

/**
 * Runs a form's work; an operator's mistake (a code taken, a bad URL, an unknown name) renders the page again with the
 * form as typed and the error's code and message. A store failure or a bug is not the operator's to fix: it propagates.
 */
export function showingMistakes(render: RenderWithNotice): (req: Request, res: Response, work: () => Promise<void>) => Promise<void> {
  return async function attempt(req: Request, res: Response, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!isAxisError(error) || error.code.startsWith('STORE_')) throw error;
      await render(req, res, { status: error.code.endsWith('_NOT_FOUND') ? 404 : 400, notice: { kind: 'bad', text: html`<code>${error.code}</code>: ${error.message}` } });
    }
  };
}
