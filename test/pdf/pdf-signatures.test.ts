/**
 * PDF signatures end to end with the test PKI: signed by an official (RSA, ECDSA), sealed by the agency after the
 * official, changed after signing, a byte flipped, a revoked and an untrusted signer, garbage. Every verdict on a
 * written file is compared with Debian's pdfsig on the integrity part (pdfsig does not know our trust anchors).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPdf, verifyPdf, type PdfVerificationReport } from '../../src/signature/pdf/index.js';
import { appendIncrementalUpdate } from '../../src/signature/pdf/pdf-incremental-update.js';
import { readCrossReference } from '../../src/signature/pdf/pdf-objects.js';
import { minimalPdf, minimalPdfWithObjectStreams } from '../fixtures/pdf/minimal-pdf.js';
import { expectPdfsigAgrees as expectPdfsigAgreesIn } from '../fixtures/pdf/pdfsig.js';
import { appendUpdate, changePageText, flipByteAt, lastObjectBody } from '../fixtures/pdf/tamper.js';
import { openPdfTestPki, type PdfTestPki } from '../fixtures/pdf/pdf-test-pki.js';

let pki: PdfTestPki;
let dir: string;
const signingTime = new Date('2026-03-04T05:06:07Z');

beforeAll(async () => {
  pki = await openPdfTestPki();
  dir = mkdtempSync(join(tmpdir(), 'edx-pdf-'));
});
afterAll(async () => {
  await pki?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const verify = (bytes: Uint8Array): Promise<PdfVerificationReport> => verifyPdf(bytes, { validator: pki.validator, policy: pki.policy });

function expectPdfsigAgrees(name: string, bytes: Uint8Array, report: PdfVerificationReport): void {
  expectPdfsigAgreesIn(dir, name, bytes, report);
}

describe('a PDF signed by an official', () => {
  it('with an RSA personal certificate verifies, names the official and the claimed signing time, and pdfsig agrees', async () => {
    const signed = await signPdf(minimalPdf(), pki.officialRsa, { name: 'Nguyễn Văn An', reason: 'Ký ban hành', location: 'Hà Nội', signingTime });
    const report = await verify(signed);
    expect(report).toMatchObject({ valid: true, code: 'PDF_OK' });
    const [sig] = report.signatures;
    expect(sig).toMatchObject({ role: 'official', integrity: 'valid', coversWholeDocument: true, subFilter: 'ETSI.CAdES.detached', name: 'Nguyễn Văn An', reason: 'Ký ban hành', signatureAlgorithm: 'rsa-sha256', signingTime: signingTime.toISOString(), signingTimeSource: 'pdf-M' });
    expect(sig?.signer?.subject).toContain('Nguyễn Văn An');
    expect(sig?.signer?.organId).toBeUndefined();
    expect(report.officials.map((o) => o.serialNumber)).toEqual([sig?.signer?.serialNumber]);
    expect(report.agencySeals).toEqual([]);
    expectPdfsigAgrees('official-rsa', signed, report);
  });

  it('with an ECDSA P-256 certificate verifies and pdfsig agrees', async () => {
    const signed = await signPdf(minimalPdf(), pki.officialEc, { signingTime });
    const report = await verify(signed);
    expect(report).toMatchObject({ valid: true, code: 'PDF_OK' });
    expect(report.signatures[0]).toMatchObject({ signatureAlgorithm: 'ecdsa-sha256', role: 'official' });
    expectPdfsigAgrees('official-ec', signed, report);
  });
});

describe('the official signs, then the agency seals', () => {
  it('keeps the official signature valid under the seal, tells official from agency, and pdfsig agrees', async () => {
    const official = await signPdf(minimalPdf(), pki.officialRsa, { signingTime });
    const sealed = await signPdf(official, pki.agencySeal, { reason: 'Đóng dấu', signingTime });
    expect(sealed.subarray(0, official.length).equals(official)).toBe(true);
    const report = await verify(sealed);
    expect(report).toMatchObject({ valid: true, code: 'PDF_OK' });
    expect(report.signatures.map((s) => [s.fieldName, s.role, s.coversWholeDocument, s.modifiedAfterSigning])).toEqual([
      ['Signature1', 'official', false, false],
      ['Signature2', 'agency-seal', true, false],
    ]);
    expect(report.agencySeals.map((a) => a.organId)).toEqual([pki.agencyOrganId]);
    expect(report.officials).toHaveLength(1);
    expectPdfsigAgrees('official-then-seal', sealed, report);
  });
});

describe('what signPdf writes', () => {
  it('a PAdES-B CMS: detached, contentType, messageDigest, signingCertificateV2, no signingTime attribute, the chain', async () => {
    const signed = await signPdf(minimalPdf(), pki.officialRsa, { signingTime });
    const range = /\/ByteRange \[0 (\d+) (\d+)/.exec(signed.toString('latin1'));
    const contents = Buffer.from(signed.toString('latin1', Number(range?.[1]) + 1, Number(range?.[2]) - 1), 'hex');
    // The CMS's own DER length marks its end; what follows is the placeholder's zero padding.
    const parsed = asn1js.fromBER(contents.buffer.slice(contents.byteOffset, contents.byteOffset + contents.length));
    expect(contents.subarray(parsed.offset).every((b) => b === 0)).toBe(true);
    const contentInfo = new pkijs.ContentInfo({ schema: parsed.result });
    const signedData = new pkijs.SignedData({ schema: contentInfo.content });
    expect(signedData.encapContentInfo.eContent).toBeUndefined();
    expect(signedData.certificates).toHaveLength(pki.officialRsa.certificateChain.length);
    const types = signedData.signerInfos[0]?.signedAttrs?.attributes.map((a) => a.type).sort();
    expect(types).toEqual(['1.2.840.113549.1.9.16.2.47', '1.2.840.113549.1.9.3', '1.2.840.113549.1.9.4'].sort());
    expect(signed.toString('latin1')).toContain("/M (D:20260304050607+00'00')");
  });

  it('signs a PDF whose /Annots and /Fields are indirect arrays, twice, without breaking either signature', async () => {
    const base = minimalPdf();
    const page = lastObjectBody(base, 3).replace(/>>$/, '/Annots 7 0 R >>');
    const prepared = appendUpdate(base, { 1: '<< /Type /Catalog /Pages 2 0 R /AcroForm 8 0 R >>', 3: page, 7: '[]', 8: '<< /Fields 9 0 R /DA (/Helv 0 Tf 0 g) >>', 9: '[]' });
    const twice = await signPdf(await signPdf(prepared, pki.officialRsa, { signingTime }), pki.agencySeal, { signingTime });
    const report = await verify(twice);
    expect(report).toMatchObject({ valid: true, code: 'PDF_OK' });
    expect(lastObjectBody(twice, 9)).toMatch(/^\[\d+ 0 R \d+ 0 R\]$/);
    expect(lastObjectBody(twice, 8)).toContain('/SigFlags 3');
    expectPdfsigAgrees('indirect-arrays', twice, report);
  });

  it('signs a PDF 1.5 with object and cross-reference streams by appending a cross-reference stream, twice', async () => {
    const base = minimalPdfWithObjectStreams();
    const twice = await signPdf(await signPdf(base, pki.officialRsa, { signingTime }), pki.agencySeal, { signingTime });
    expect(twice.subarray(0, base.length).equals(base)).toBe(true);
    expect(twice.toString('latin1', base.length)).toMatch(/\/Type \/XRef/);
    const report = await verify(twice);
    expect(report).toMatchObject({ valid: true, code: 'PDF_OK' });
    expect(report.signatures.map((s) => s.role)).toEqual(['official', 'agency-seal']);
    expectPdfsigAgrees('object-streams', twice, report);
  });
});

describe('a PDF changed after signing', () => {
  it('by an incremental update that rewrites the page is PDF_MODIFIED_AFTER_SIGNING, and pdfsig says not total document', async () => {
    const signed = await signPdf(minimalPdf('Dong y'), pki.officialRsa, { signingTime });
    const edited = changePageText(signed, 'Khong dong y');
    const report = await verify(edited);
    expect(report).toMatchObject({ valid: false, code: 'PDF_MODIFIED_AFTER_SIGNING' });
    expect(report.signatures[0]).toMatchObject({ integrity: 'valid', coversWholeDocument: false, modifiedAfterSigning: true });
    expect(report.signatures[0]?.message).toContain('object 4');
    expect(report.officials).toEqual([]);
    expectPdfsigAgrees('modified-update', edited, report);
  });

  it('by an update that adds a visible non-signature annotation to the page is PDF_MODIFIED_AFTER_SIGNING', async () => {
    const signed = await signPdf(minimalPdf(), pki.officialRsa, { signingTime });
    const page = lastObjectBody(signed, 3).replace('/Annots [', '/Annots [20 0 R ');
    expect(page).toContain('/Annots [20 0 R ');
    const stamped = appendUpdate(signed, { 3: page, 20: '<< /Type /Annot /Subtype /FreeText /Rect [72 600 400 640] /Contents (DA THU HOI) /DA (/Helv 24 Tf 1 0 0 rg) >>' });
    const report = await verify(stamped);
    expect(report.code).toBe('PDF_MODIFIED_AFTER_SIGNING');
    expect(report.signatures[0]?.message).toMatch(/Annots/);
    expectPdfsigAgrees('modified-annotation', stamped, report);
  });

  it('by re-issuing a page that was compressed in an object stream is PDF_MODIFIED_AFTER_SIGNING', async () => {
    const signed = await signPdf(minimalPdfWithObjectStreams('Dong y'), pki.officialRsa, { signingTime });
    const xref = readCrossReference(signed);
    const text = 'BT /F1 18 Tf 72 720 Td (Khong dong y) Tj ET';
    const page = '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 40 0 R >>';
    const edited = appendIncrementalUpdate(signed, [
      { num: 3, gen: 0, body: page },
      { num: 40, gen: 0, body: `<< /Length ${text.length} >>\nstream\n${text}\nendstream` },
    ], xref).bytes;
    const report = await verify(edited);
    expect(report.code).toBe('PDF_MODIFIED_AFTER_SIGNING');
    expect(report.signatures[0]?.message).toContain('object 3 changed (Contents)');
    expectPdfsigAgrees('modified-object-stream', edited, report);
  });

  it('by re-issuing the page disguised as a signature field is still PDF_MODIFIED_AFTER_SIGNING', async () => {
    const signed = await signPdf(minimalPdf('Dong y'), pki.officialRsa, { signingTime });
    const disguised = lastObjectBody(signed, 3).replace('/Contents 4 0 R', '/Contents 40 0 R /FT /Sig');
    const text = 'BT /F1 18 Tf 72 720 Td (Khong dong y) Tj ET';
    const edited = appendUpdate(signed, { 3: disguised, 40: `<< /Length ${text.length} >>\nstream\n${text}\nendstream` });
    const report = await verify(edited);
    expect(report.code).toBe('PDF_MODIFIED_AFTER_SIGNING');
    expectPdfsigAgrees('modified-disguised', edited, report);
  });

  it('only in the document information (/Info title) keeps the signature valid, as not the whole document', async () => {
    const signed = await signPdf(minimalPdf(), pki.officialRsa, { signingTime });
    const retitled = appendUpdate(signed, { 6: '<< /Title (Van ban da ky) /Producer (edx test) >>' });
    const report = await verify(retitled);
    expect(report).toMatchObject({ valid: true, code: 'PDF_OK' });
    expect(report.signatures[0]).toMatchObject({ coversWholeDocument: false, modifiedAfterSigning: false });
    expectPdfsigAgrees('info-changed', retitled, report);
  });

  it('by a byte flipped inside the signed range is PDF_DIGEST_MISMATCH, as pdfsig says', async () => {
    const official = await signPdf(minimalPdf('So 123'), pki.officialRsa, { signingTime });
    const sealed = await signPdf(official, pki.agencySeal, { signingTime });
    const flipped = flipByteAt(sealed, 'So 123');
    const report = await verify(flipped);
    expect(report).toMatchObject({ valid: false, code: 'PDF_DIGEST_MISMATCH' });
    expect(report.signatures.map((s) => s.integrity)).toEqual(['digest-mismatch', 'digest-mismatch']);
    expectPdfsigAgrees('flipped-byte', flipped, report);
  });
});

describe('signers the trust anchors do not vouch for', () => {
  it('a revoked official: the pki code SIG_CERT_REVOKED passes through, integrity stays valid as pdfsig says', async () => {
    const signed = await signPdf(minimalPdf(), pki.revokedOfficial, { signingTime });
    const report = await verify(signed);
    expect(report).toMatchObject({ valid: false, code: 'SIG_CERT_REVOKED' });
    expect(report.signatures[0]).toMatchObject({ integrity: 'valid', revocation: { status: 'revoked' } });
    expect(report.officials).toEqual([]);
    expectPdfsigAgrees('revoked', signed, report);
  });

  it('a signer from an unknown CA: SIG_CERT_UNTRUSTED, integrity valid as pdfsig says', async () => {
    const signed = await signPdf(minimalPdf(), pki.untrusted, { signingTime });
    const report = await verify(signed);
    expect(report).toMatchObject({ valid: false, code: 'SIG_CERT_UNTRUSTED' });
    expect(report.signatures[0]?.integrity).toBe('valid');
    expectPdfsigAgrees('untrusted', signed, report);
  });
});
