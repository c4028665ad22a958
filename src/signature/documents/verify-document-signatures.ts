/**
 * verifyDocumentSignatures: every signed PDF among a package's attachment files, through the PDF verifier
 * (integrity, chain, validity at the signing time, revocation, changes after signing), summed up as plain data.
 * The files come from src/edxml's attachmentFiles (decoded, unzipped within limits); this takes any iterable of
 * { name, bytes }, so it runs the same in the gateway's inspector threads, the CLI and the benchmarks.
 */
import { createHash } from 'node:crypto';
import { isCouldNotCheck } from '../../pki/pki-codes.js';
import type { CertificateValidator, ValidationPolicy } from '../../pki/types.js';
import type { PdfSignatureReport } from '../pdf/pdf-report.js';
import { verifyPdf } from '../pdf/pdf-verifier.js';
import type { DocumentFileSignatures, DocumentSignature, DocumentSignaturesReport, SignatureVerdict } from './document-signature-report.js';

export interface DocumentFile {
  name: string;
  bytes: Uint8Array;
  contentId?: string;
  attachmentName?: string;
}

export interface DocumentSignatureOptions {
  validator: CertificateValidator;
  /** REVOCATION_POLICY as a ValidationPolicy (fail-closed by default; offline; CRLs handed in). */
  policy?: ValidationPolicy;
  /** Judge each certificate at the signing time it claims (default) or now. */
  validityAt?: 'signing-time' | 'now';
  /** Largest PDF looked into (default 100 MiB); a larger one is reported unreadable (PDF_TOO_LARGE). */
  maxPdfBytes?: number;
}

const UNREADABLE = new Set(['PDF_NOT_PDF', 'PDF_TOO_LARGE']);

function isPdf(file: DocumentFile): boolean {
  const head = Buffer.from(file.bytes.buffer, file.bytes.byteOffset, Math.min(file.bytes.byteLength, 1024));
  return head.includes('%PDF-', 0, 'latin1') || /\.pdf$/i.test(file.name);
}

export function verdictOf(valid: boolean, code: string): SignatureVerdict {
  if (valid) return 'valid';
  return isCouldNotCheck(code) || code === 'PDF_CHECK_FAILED' ? 'could-not-check' : 'invalid';
}

function signatureOf(r: PdfSignatureReport): DocumentSignature {
  const who = r.signer?.subjectFields['CN'] ?? r.name;
  const out: DocumentSignature = {
    index: r.index,
    role: r.role ?? 'unknown',
    verdict: verdictOf(r.valid, r.code),
    code: r.code,
    message: r.message,
    coversWholeDocument: r.coversWholeDocument,
    modifiedAfterSigning: r.modifiedAfterSigning,
    warnings: [...r.warnings],
  };
  if (r.fieldName !== undefined) out.fieldName = r.fieldName;
  if (who !== undefined) out.who = who;
  if (r.roleBasis !== undefined) out.roleBasis = r.roleBasis;
  if (r.agencyOrganId !== undefined) out.agencyOrganId = r.agencyOrganId;
  if (r.signer) {
    const s = r.signer;
    out.certificate = { sha256Fingerprint: s.sha256Fingerprint, subject: s.subject, issuer: s.issuer, serialNumber: s.serialNumber, notBefore: s.notBefore, notAfter: s.notAfter, ...(s.organId ? { organId: s.organId } : {}) };
  }
  if (r.signingTime !== undefined) out.signingTime = r.signingTime;
  if (r.signingTimeSource !== undefined) out.signingTimeSource = r.signingTimeSource;
  if (r.validityCheckedAt !== undefined) out.validityCheckedAt = r.validityCheckedAt;
  if (r.revocation) {
    const { status, source, revokedAt, reason } = r.revocation;
    out.revocation = { status, ...(source ? { source } : {}), ...(revokedAt ? { revokedAt } : {}), ...(reason ? { reason } : {}) };
  }
  return out;
}

async function checkFile(file: DocumentFile, options: DocumentSignatureOptions): Promise<DocumentFileSignatures> {
  const base = {
    ...(file.contentId !== undefined ? { contentId: file.contentId } : {}),
    ...(file.attachmentName !== undefined ? { attachmentName: file.attachmentName } : {}),
    name: file.name,
    size: file.bytes.byteLength,
    sha256: createHash('sha256').update(file.bytes).digest('hex'),
  };
  if (!isPdf(file)) return { ...base, kind: 'other', status: 'not-pdf', signatures: [] };
  const report = await verifyPdf(file.bytes, {
    validator: options.validator,
    validityAt: options.validityAt ?? 'signing-time',
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.maxPdfBytes !== undefined ? { maxBytes: options.maxPdfBytes } : {}),
  });
  const status = UNREADABLE.has(report.code) ? 'unreadable' : report.code === 'PDF_NO_SIGNATURE' ? 'unsigned' : 'signed';
  return { ...base, kind: 'pdf', status, code: report.code, message: report.message, signatures: report.signatures.map(signatureOf) };
}

/**
 * Never throws for a bad document or certificate (the report says why); a validator that throws is reported per
 * signature as PDF_CHECK_FAILED (could not check). Files are checked one after the other, in order.
 */
export async function verifyDocumentSignatures(files: Iterable<DocumentFile>, options: DocumentSignatureOptions): Promise<DocumentSignaturesReport> {
  const checked: DocumentFileSignatures[] = [];
  for (const file of files) checked.push(await checkFile(file, options));
  const signatures = checked.flatMap((f) => f.signatures);
  const valid = signatures.filter((s) => s.verdict === 'valid');
  return {
    files: checked,
    summary: {
      files: checked.length,
      pdfs: checked.filter((f) => f.kind === 'pdf').length,
      signedPdfs: checked.filter((f) => f.status === 'signed').length,
      signatures: signatures.length,
      valid: valid.length,
      invalid: signatures.filter((s) => s.verdict === 'invalid').length,
      couldNotCheck: signatures.filter((s) => s.verdict === 'could-not-check').length,
      officials: valid.filter((s) => s.role === 'official').length,
      agencySeals: valid.filter((s) => s.role === 'agency-seal').length,
    },
    checkedAt: new Date().toISOString(),
  };
}
