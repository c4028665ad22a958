/**
 * Officials' signatures inside documents, at the gateway: every package's PDFs verified on accept (PDFs signed by
 * poppler's pdfsig, not by us), the result in the package report and the accepted receipt, and the sender's Decree 30
 * policy (envelope, document, either, none) deciding; hostile attachments refused before anything is stored.
 */
import { createHash } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handZip } from '../edxml/zip-fixtures.js';
import { buildExchangeFixture, type ExchangeFixture, type TestAgency } from '../http/exchange-fixture.js';
import { minimalPdf } from '../fixtures/pdf/minimal-pdf.js';
import { openPdfsigSigner, type PdfsigSigner } from '../fixtures/pdf/pdfsig-signer.js';
import { changePageText } from '../fixtures/pdf/tamper.js';
import { buildUiApp, loggedIn } from '../ui/ui-app.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let f: ExchangeFixture;
let pdfsig: PdfsigSigner;
let A: TestAgency;
let B: TestAgency;
const pdfs: Record<'sealed' | 'officialOnly' | 'revokedOfficial' | 'changed', Buffer> = {} as never;

beforeAll(async () => {
  f = await buildExchangeFixture({ maxPackageBytes: 4 * 1024 * 1024 });
  // The test PKI's agency seal carries 000.00.00.H40: the sender is that agency.
  A = await f.agency('000.00.00.H40');
  B = await f.agency('000.00.12.H40');
  const pki = f.signing.pki;
  pdfsig = openPdfsigSigner(pki);
  const text = minimalPdf('Quyet dinh so 12/QD-UBND');
  pdfs.officialOnly = await pdfsig.sign(text, pki.identities['official-rsa'], { reason: 'Ký ban hành' });
  pdfs.sealed = await pdfsig.sign(pdfs.officialOnly, pki.identities['agency-rsa']);
  pdfs.revokedOfficial = await pdfsig.sign(await pdfsig.sign(text, pki.identities['official-revoked']), pki.identities['agency-rsa']);
  pdfs.changed = changePageText(pdfs.sealed, 'Quyet dinh so 99/QD-UBND');
});
afterAll(async () => {
  pdfsig?.close();
  await f?.close();
});

const attachment = (name: string, bytes: Buffer) => [{ name, bytes, contentType: name.endsWith('.zip') ? 'application/zip' : 'application/pdf' }];

async function sendAs(policy: string, pdf: { name: string; bytes: Buffer }, options: { unsigned?: boolean } = { unsigned: true }) {
  await f.agencies.setSignaturePolicy(A.organId, policy);
  const bytes = await f.documentFrom(A, { to: [B.organId], attachments: attachment(pdf.name, pdf.bytes), ...options });
  return { bytes, res: await f.send(A, bytes) };
}

describe('policy document: the PDF signed by the competent official and sealed by the agency', () => {
  it('accepts an unsigned package whose decision carries both, and says who signed what in the report and the receipt', async () => {
    const { res } = await sendAs('document', { name: 'quyet-dinh.pdf', bytes: pdfs.sealed });
    expect(res.status).toBe(202);
    const report = await f.get(A, `/v1/packages/${res.body.packageId}/report`);
    expect(report.body.verification.signaturePolicy).toEqual({ policy: 'document', satisfiedBy: 'document' });
    expect(report.body.verification.documents.summary).toMatchObject({ pdfs: 1, signedPdfs: 1, officials: 1, agencySeals: 1, valid: 2 });
    const [official, seal] = report.body.verification.documents.files[0].signatures;
    expect(official).toMatchObject({ who: 'Nguyễn Văn An', role: 'official', verdict: 'valid' });
    expect(seal).toMatchObject({ who: 'UBND tỉnh Hà Nam', role: 'agency-seal', verdict: 'valid' });
    expect(res.body.receipt.receipt.detail).toMatchObject({
      signaturePolicy: { policy: 'document', satisfiedBy: 'document' },
      documentSignatures: { officials: 1, agencySeals: 1, signatures: [{ file: 'quyet-dinh.pdf', role: 'official', verdict: 'valid' }, { role: 'agency-seal', verdict: 'valid' }] },
    });
    // The recipient sees the same report, and the timeline names who signed.
    expect((await f.get(B, `/v1/packages/${res.body.packageId}/report`)).body.verification.documents.summary.officials).toBe(1);
    const documentId = (await f.store.getEnvelope(res.body.packageId))!.documentId;
    const timeline = await f.get(B, `/v1/documents/${encodeURIComponent(documentId)}/timeline`);
    expect(timeline.body.packages[0].documentSigners).toEqual([
      { file: 'quyet-dinh.pdf', who: 'Nguyễn Văn An', role: 'official', verdict: 'valid' },
      { file: 'quyet-dinh.pdf', who: 'UBND tỉnh Hà Nam', role: 'agency-seal', verdict: 'valid' },
    ]);
    // The statistics read the verdict recorded at acceptance: the one document A sent carries both.
    const stats = await request(f.app).get(`/v1/statistics?groupBy=day&agency=${A.organId}`).set('Authorization', `Bearer ${f.operatorToken}`);
    expect(stats.status).toBe(200);
    const today = stats.body.rows.filter((r: { agency: string }) => r.agency === A.organId).at(-1);
    expect(today).toMatchObject({ documentsSent: 1, officialSignatures: { state: 'known', documents: 1, signed: 1, share: 1 }, agencySeals: { state: 'known', documents: 1, signed: 1, share: 1 } });
    // An archivist reads on the document's page who signed the PDF, in which role, and the verdict.
    const { agent } = await loggedIn(buildUiApp(f), f.archivistToken);
    const page = (await agent.get(`/ui/documents/${encodeURIComponent(documentId)}`)).text;
    const pdfRows = page.slice(page.indexOf('Chữ ký số trong tệp PDF</h3>'));
    expect(pdfRows).toMatch(/quyet-dinh\.pdf<\/td>\s*<td>Nguyễn Văn An<\/td>\s*<td>Chữ ký số cá nhân<\/td>\s*<td><span class="badge good">Hợp lệ<\/span> <code>PDF_OK<\/code>/);
    expect(pdfRows).toMatch(/<td>UBND tỉnh Hà Nam(<br><span class="mono">000\.00\.00\.H40<\/span>)?<\/td>\s*<td>Chữ ký số của cơ quan, tổ chức<\/td>\s*<td><span class="badge good">Hợp lệ/);
  });

  it('refuses a revoked official, a decision changed after signing, and an official without the seal, each with its code and a rejected receipt', async () => {
    for (const [pdf, code] of [[pdfs.revokedOfficial, 'SIG_CERT_REVOKED'], [pdfs.changed, 'PDF_MODIFIED_AFTER_SIGNING'], [pdfs.officialOnly, 'SIG_DOCUMENT_NO_SEAL']] as const) {
      const before = await f.snapshot();
      const { bytes, res } = await sendAs('document', { name: 'quyet-dinh.pdf', bytes: pdf });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 422, code });
      expect(res.body.detail).toContain('quyet-dinh.pdf');
      expect(res.body.receipt.receipt).toMatchObject({ type: 'rejected', detail: { code } });
      expect(await f.snapshot()).toEqual({ ...before, chainSeq: before.chainSeq + 1 });
      expect(await f.store.blobs.has(sha256(bytes))).toBe(false);
    }
  });
});

describe('the other policies', () => {
  it('envelope (the default): the signed package is accepted, an invalid PDF signature is a warning in the report', async () => {
    const { res } = await sendAs('envelope', { name: 'quyet-dinh.pdf', bytes: pdfs.revokedOfficial }, {});
    expect(res.status).toBe(202);
    expect(res.body.receipt.receipt.detail).toMatchObject({ signaturePolicy: { policy: 'envelope', satisfiedBy: 'envelope' }, warnings: expect.arrayContaining(['SIG_DOCUMENT_SIGNATURE_INVALID']) });
    const { res: unsigned } = await sendAs('envelope', { name: 'quyet-dinh.pdf', bytes: pdfs.sealed });
    expect({ status: unsigned.status, code: unsigned.body.code }).toEqual({ status: 422, code: 'SIG_MISSING' });
  });

  it('either: an unsigned package with a signed and sealed decision is accepted on its documents', async () => {
    const { res } = await sendAs('either', { name: 'quyet-dinh.pdf', bytes: pdfs.sealed });
    expect(res.status).toBe(202);
    expect(res.body.receipt.receipt.detail.signaturePolicy).toEqual({ policy: 'either', satisfiedBy: 'document' });
  });

  it('none: an unsigned package without signed documents is accepted with a warning; a bad signature that is present is still refused', async () => {
    const { res } = await sendAs('none', { name: 'cong-van.pdf', bytes: minimalPdf('Cong van') });
    expect(res.status).toBe(202);
    expect(res.body.receipt.receipt.detail).toMatchObject({ signaturePolicy: { policy: 'none', satisfiedBy: 'nothing' }, warnings: expect.arrayContaining(['SIG_UNSIGNED_ACCEPTED']) });
    const { res: bad } = await sendAs('none', { name: 'quyet-dinh.pdf', bytes: pdfs.changed });
    expect({ status: bad.status, code: bad.body.code }).toEqual({ status: 422, code: 'PDF_MODIFIED_AFTER_SIGNING' });
  });
});

describe('hostile attachments', () => {
  it('a zip bomb and a traversal name are refused with their codes, nothing stored but the rejected receipt', async () => {
    const bomb = handZip([{ name: 'quyet-dinh.pdf', data: Buffer.alloc(64 * 1024 * 1024, 0x20) }]);
    const traversal = handZip([{ name: '../../etc/cron.d/x.pdf', data: pdfs.sealed }]);
    for (const [zip, code] of [[bomb, 'EDXML_ATTACHMENT_ZIP_RATIO'], [traversal, 'EDXML_ATTACHMENT_ZIP_ENTRY_NAME']] as const) {
      const before = await f.snapshot();
      const { bytes, res } = await sendAs('envelope', { name: 'van-ban.zip', bytes: zip }, {});
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 422, code });
      expect(await f.snapshot()).toEqual({ ...before, chainSeq: before.chainSeq + 1 });
      expect(await f.store.blobs.has(sha256(bytes))).toBe(false);
    }
  });
});
