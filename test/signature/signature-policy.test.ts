/**
 * The signature policy as a pure function, on hand-made verdicts: the cases the PDF-signed packages of
 * document-signatures.test.ts do not reach (an invalid envelope under "document", revocation unknown, a seal of
 * another agency, a signature of unknown role).
 */
import { describe, expect, it } from 'vitest';
import { evaluateSignaturePolicy, type DocumentSignature, type DocumentSignaturesReport } from '../../src/signature/documents/index.js';
import type { SignatureReport } from '../../src/signature/signature-report.js';

const unsignedEnvelope: SignatureReport = { valid: false, code: 'SIG_MISSING', message: 'The package is not signed.', warnings: [] };
const badEnvelope: SignatureReport = { valid: false, code: 'SIG_DIGEST_MISMATCH', message: 'The package content does not match the signed digest.', warnings: [] };

function signature(index: number, role: DocumentSignature['role'], verdict: DocumentSignature['verdict'] = 'valid', extra: Partial<DocumentSignature> = {}): DocumentSignature {
  const code = verdict === 'valid' ? 'PDF_OK' : verdict === 'invalid' ? 'SIG_CERT_REVOKED' : 'SIG_REVOCATION_UNKNOWN';
  return { index, role, verdict, code, message: code, who: role === 'official' ? 'Nguyễn Văn An' : 'UBND tỉnh Hà Nam', coversWholeDocument: index === 2, modifiedAfterSigning: false, warnings: [], ...extra };
}

function documents(...sigs: DocumentSignature[]): DocumentSignaturesReport {
  return {
    files: [{ contentId: 'cid:qd', attachmentName: 'qd.pdf', name: 'qd.pdf', size: 1, sha256: '00', kind: 'pdf', status: sigs.length ? 'signed' : 'unsigned', signatures: sigs }],
    summary: { files: 1, pdfs: 1, signedPdfs: sigs.length ? 1 : 0, signatures: sigs.length, valid: 0, invalid: 0, couldNotCheck: 0, officials: 0, agencySeals: 0 },
    checkedAt: new Date().toISOString(),
  };
}

describe('the document policy on hand-made verdicts', () => {
  it('a signed envelope that is not valid refuses the package even when the document is signed and sealed', () => {
    const decision = evaluateSignaturePolicy({ policy: 'document', envelope: badEnvelope, documents: documents(signature(1, 'official'), signature(2, 'agency-seal')) });
    expect(decision).toMatchObject({ accepted: false, code: 'SIG_DIGEST_MISMATCH' });
  });

  it('revocation that could not be established is a refusal with its own code (fail-closed)', () => {
    const decision = evaluateSignaturePolicy({ policy: 'document', envelope: unsignedEnvelope, documents: documents(signature(1, 'official', 'could-not-check'), signature(2, 'agency-seal')) });
    expect(decision).toMatchObject({ accepted: false, code: 'SIG_REVOCATION_UNKNOWN', file: 'qd.pdf', signature: { index: 1, role: 'official' } });
  });

  it('a signature of unknown role counts for neither the official nor the seal', () => {
    const decision = evaluateSignaturePolicy({ policy: 'document', documents: documents(signature(1, 'unknown'), signature(2, 'agency-seal')) });
    expect(decision).toMatchObject({ accepted: false, code: 'SIG_DOCUMENT_NO_OFFICIAL' });
  });

  it('a seal naming another agency than the sender is accepted with a warning', () => {
    const decision = evaluateSignaturePolicy({ policy: 'document', senderOrganId: '000.00.00.H40', documents: documents(signature(1, 'official'), signature(2, 'agency-seal', 'valid', { agencyOrganId: '000.00.12.H40' })) });
    expect(decision).toMatchObject({ accepted: true, warnings: [{ code: 'SIG_DOCUMENT_SEAL_OTHER_AGENCY', signature: { index: 2 } }] });
  });

  it('no document report at all (not checked) is no PDF', () => {
    expect(evaluateSignaturePolicy({ policy: 'document', envelope: unsignedEnvelope })).toMatchObject({ accepted: false, code: 'SIG_DOCUMENT_NO_PDF' });
  });

  it('envelope: a valid envelope is accepted, the PDF verdicts only warn', () => {
    const valid: SignatureReport = { valid: true, code: 'SIG_OK', message: 'ok', warnings: [] };
    const decision = evaluateSignaturePolicy({ policy: 'envelope', envelope: valid, documents: documents(signature(1, 'official', 'could-not-check')) });
    expect(decision).toMatchObject({ accepted: true, satisfiedBy: 'envelope', warnings: [{ code: 'SIG_DOCUMENT_SIGNATURE_INVALID' }] });
  });
});
