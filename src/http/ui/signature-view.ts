/** A document's signatures on its page: each package's XMLDSig verdict and signer; the PDFs' until they are checked. */
import type { PackageSignature } from '../../exchange/archive/package-signatures.js';
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
<p>${labels.document.pdfSignaturesUnknown}</p>`;
}
