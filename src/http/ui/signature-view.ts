/** A document's signatures on its page: each package's XMLDSig verdict and signer, then the signatures inside its PDFs. */
import type { PackageSignature } from '../../exchange/archive/package-signatures.js';
import type { DocumentSignature } from '../../signature/documents/index.js';
import { when } from './format.js';
import { html, type Html } from './html.js';
import type { Labels } from './labels/labels.js';
import { scrollingTable } from './layout.js';

export function signaturesSection(labels: Labels, signatures: readonly PackageSignature[]): Html {
  const head = html`<tr><th scope="col">${labels.common.type}</th><th scope="col">${labels.document.sender}</th><th scope="col">${labels.document.envelopeSignature}</th><th scope="col">${labels.document.signerCertificate}</th><th scope="col">${labels.document.issuer}</th><th scope="col">${labels.document.validUntil}</th></tr>`;
  const kind = (s: PackageSignature) => (s.kind === 'status' ? labels.event.status(s.statusCode ?? '', labels.statusNames[s.statusCode ?? ''] ?? '') : [labels.event.sent, labels.event.revoke, labels.event.update, labels.event.replace][s.businessType ?? 0]);
  const rows = signatures.map((s) => html`<tr>
<td>${kind(s)}<br>${when(s.acceptedAt)}</td>
<td class="mono">${s.from}</td>
<td>${s.signature ? html`<span class="badge ${s.signature.valid ? 'good' : 'bad'}">${s.signature.valid ? labels.document.signatureValid : labels.document.signatureInvalid}</span> <code>${s.signature.code}</code>` : html`<span class="badge warn">${labels.document.unsigned}</span>`}</td>
<td>${s.signature?.signer ? html`${s.signature.signer.subject}${s.signature.signer.organId ? html`<br><span class="mono">${s.signature.signer.organId}</span>` : ''}` : ''}</td>
<td>${s.signature?.signer?.issuer ?? ''}</td>
<td>${when(s.signature?.signer?.notAfter)}</td>
</tr>`);
  return html`<h2>${labels.document.signers}</h2>
${scrollingTable(labels.document.envelopeSignature, head, rows, labels.common.scrollHint)}
<h3>${labels.document.pdfSignatures}</h3>
${pdfSignatures(labels, signatures)}`;
}

const VERDICT_BADGE: Record<DocumentSignature['verdict'], string> = { valid: 'good', invalid: 'bad', 'could-not-check': 'warn' };

/** One row per signature inside a PDF (an unsigned PDF gets one row saying so), package by package. */
function pdfSignatures(labels: Labels, signatures: readonly PackageSignature[]): Html {
  const d = labels.document;
  const checked = signatures.filter((s) => s.documentFiles !== undefined);
  if (checked.length === 0) return html`<p>${d.pdfSignaturesUnknown}</p>`;
  const head = html`<tr><th scope="col">${d.file}</th><th scope="col">${d.signedBy}</th><th scope="col">${d.role}</th><th scope="col">${d.verdict}</th><th scope="col">${d.signedAt}</th><th scope="col">${d.issuer}</th></tr>`;
  const rows = checked.flatMap((s) => (s.documentFiles ?? []).filter((f) => f.kind === 'pdf').flatMap((file) => {
    if (file.signatures.length === 0) {
      return [html`<tr><td class="mono">${file.name}</td><td colspan="5"><span class="badge warn">${file.status === 'unreadable' ? d.pdfUnreadable : d.unsigned}</span>${file.code ? html` <code>${file.code}</code>` : ''}</td></tr>`];
    }
    return file.signatures.map((sig) => html`<tr>
<td class="mono">${file.name}</td>
<td>${sig.who ?? ''}${sig.agencyOrganId ? html`<br><span class="mono">${sig.agencyOrganId}</span>` : ''}</td>
<td>${d.roles[sig.role] ?? sig.role}</td>
<td><span class="badge ${VERDICT_BADGE[sig.verdict] ?? 'warn'}">${d.verdicts[sig.verdict] ?? sig.verdict}</span> <code>${sig.code}</code></td>
<td>${when(sig.signingTime)}</td>
<td>${sig.certificate?.issuer ?? ''}</td>
</tr>`);
  }));
  if (rows.length === 0) return html`<p>${d.noPdf}</p>`;
  return scrollingTable(d.pdfSignatures, head, rows, labels.common.scrollHint);
}
