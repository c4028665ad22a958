/**
 * An archivist brings an evidence bundle back and the axis checks it, part by part, with the same verifier
 * `edx evidence verify` runs offline (src/ledger/evidence), against the axis's own trust anchors. The page says how to
 * check it independently too: a verdict from the system whose records are in question is a convenience, not the proof.
 */
import { Router, type Request, type Response } from 'express';
import type { LedgerEvidence } from '../../exchange/evidence/ledger-evidence.js';
import type { EvidenceVerdict } from '../../ledger/index.js';
import { readFormFile, type FormFile } from '../form-upload.js';
import { HttpError } from '../problem.js';
import { html, type Html } from './html.js';
import { page, scrollingTable, UI_PATH, type PageInput } from './layout.js';
import { onlyArchivists, required } from './page-guards.js';
import { isSessionToken, sessionOf, uiOf } from './ui-context.js';

/** The form's path under the UI; its POST reads its own multipart body and form token (index.ts lets it through). */
export const EVIDENCE_CHECK_PATH = '/evidence';

const FILE_FIELD = 'bundle';
const NOTICE_OF: Record<EvidenceVerdict['result'], NonNullable<PageInput['notice']>['kind']> = { valid: 'good', altered: 'bad', 'could-not-check': 'warn' };
const BADGE_OF: Record<string, string> = { valid: 'good', altered: 'bad', 'could-not-check': 'warn', informational: '' };

function mebibytes(bytes: number): string {
  return `${Math.floor(bytes / 1024 ** 2)} MiB`;
}

export function evidencePages(options: { evidence: LedgerEvidence | undefined; maxUploadBytes: number }): Router {
  const router = Router();
  // A bundle is held in memory while it is checked: one check at a time per process.
  let checking = false;

  const render = (res: Response, extra: { status?: number; notice?: PageInput['notice']; result?: Html } = {}): void => {
    const ui = uiOf(res);
    const { labels, session } = ui;
    const e = labels.evidenceCheck;
    res.status(extra.status ?? 200).type('html').send(page(ui, {
      title: e.title,
      nav: 'evidence',
      ...(extra.notice ? { notice: extra.notice } : {}),
      body: html`${extra.result ?? ''}
<p>${e.intro}</p>
<form method="post" action="${UI_PATH}${EVIDENCE_CHECK_PATH}" enctype="multipart/form-data">
<input type="hidden" name="_csrf" value="${session?.csrf ?? ''}">
<p><label for="${FILE_FIELD}">${e.file} <small id="${FILE_FIELD}-hint">(${e.fileHint(mebibytes(options.maxUploadBytes))})</small></label>
<input id="${FILE_FIELD}" name="${FILE_FIELD}" type="file" accept=".zip,application/zip" required aria-describedby="${FILE_FIELD}-hint"></p>
<p><button type="submit">${extra.result ? e.another : e.submit}</button></p>
</form>
<p><small>${e.independent}</small></p>`,
    }));
  };

  const resultOf = (res: Response, file: FormFile, verdict: EvidenceVerdict): Html => {
    const { labels, language } = uiOf(res);
    const e = labels.evidenceCheck;
    const head = html`<tr><th scope="col">${labels.common.status}</th><th scope="col">${e.part}</th><th scope="col">${e.code}</th><th scope="col">${e.explanation}</th></tr>`;
    const rows = verdict.parts.map((p) => html`<tr class="part ${p.status}"><td><span class="badge ${BADGE_OF[p.status] ?? ''}">${e.statuses[p.status] ?? p.status}</span></td><td class="mono">${p.part}</td><td class="mono code">${p.code}</td><td>${language === 'vi' ? p.vi : p.en}</td></tr>`);
    return html`<h2>${e.result}</h2>
<dl class="facts">
<dt>${e.checkedFile}</dt><dd class="mono">${file.name}</dd>
${verdict.documentId ? html`<dt>${e.document}</dt><dd class="mono">${verdict.documentId}</dd>` : ''}
</dl>
${scrollingTable(e.parts, head, rows, labels.common.scrollHint)}`;
  };

  router.get(EVIDENCE_CHECK_PATH, onlyArchivists, (_req, res) => {
    required(options.evidence);
    render(res);
  });

  router.post(EVIDENCE_CHECK_PATH, onlyArchivists, async (req: Request, res: Response) => {
    const evidence = required(options.evidence);
    const { csrf } = sessionOf(res);
    if (checking) throw new HttpError(503, 'SERVICE_UNAVAILABLE', 'Another evidence bundle is being checked on this server: send yours again in a minute.');
    checking = true;
    try {
      const file = await readFormFile(req, { field: FILE_FIELD, maxBytes: options.maxUploadBytes, isFormToken: (value) => isSessionToken(value, csrf) });
      const { labels, language } = uiOf(res);
      if (!file) return render(res, { status: 400, notice: { kind: 'bad', text: labels.evidenceCheck.noFile } });
      const verdict = await evidence.verifyBundle(file.bytes);
      render(res, {
        notice: { kind: NOTICE_OF[verdict.result], text: html`<strong class="verdict ${verdict.result}">${language === 'vi' ? verdict.summary.vi : verdict.summary.en}</strong>` },
        result: resultOf(res, file, verdict),
      });
    } finally {
      checking = false;
    }
  });
  return router;
}
