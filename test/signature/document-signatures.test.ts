/**
 * The signatures inside a package's documents, end to end below the exchange: an edXML package whose PDF attachments
 * were signed by poppler's pdfsig (not by our signer), zipped as the SDK zips them, opened by src/edxml, verified by
 * verifyDocumentSignatures with the real certificate validator (OCSP and CRLs from the test PKI's server), and judged
 * by the agency's signature policy.
 */
import { Worker } from 'node:worker_threads';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentFiles, buildDocumentPackage, parsePackage, type DocumentPackageInput, type EdocPackage } from '../../src/edxml/index.js';
import { createCertificateValidator } from '../../src/pki/index.js';
import type { TestPki } from '../../src/pki/test-pki/index.js';
import { evaluateSignaturePolicy, verifyDocumentSignatures, type DocumentSignaturesReport, type SignaturePolicyName } from '../../src/signature/documents/index.js';
import { signPdf } from '../../src/signature/pdf/index.js';
import { verifyPackage } from '../../src/signature/xmldsig/index.js';
import { testSigner } from '../../src/pki/test-pki/index.js';
import { minimalPdf } from '../fixtures/pdf/minimal-pdf.js';
import { openPdfsigSigner, type PdfsigSigner } from '../fixtures/pdf/pdfsig-signer.js';
import { changePageText } from '../fixtures/pdf/tamper.js';
import { servedTestPki, type ServedPki } from '../pki/pki-fixture.js';
import { handZip } from '../edxml/zip-fixtures.js';

let served: ServedPki;
let pki: TestPki;
let pdfsig: PdfsigSigner;
const pdfs: Record<'sealed' | 'officialOnly' | 'revokedOfficial' | 'changed' | 'sealOnly', Buffer> = {} as never;

beforeAll(async () => {
  served = await servedTestPki();
  pki = served.pki;
  pdfsig = openPdfsigSigner(pki);
  const text = minimalPdf('Quyet dinh so 12/QD-UBND');
  const official = await pdfsig.sign(text, pki.identities['official-rsa'], { reason: 'Ký ban hành' });
  pdfs.officialOnly = official;
  pdfs.sealed = await pdfsig.sign(official, pki.identities['agency-rsa']);
  pdfs.revokedOfficial = await pdfsig.sign(await pdfsig.sign(text, pki.identities['official-revoked']), pki.identities['agency-rsa']);
  pdfs.changed = changePageText(pdfs.sealed, 'Quyet dinh so 99/QD-UBND');
  pdfs.sealOnly = await pdfsig.sign(text, pki.identities['agency-rsa']);
});

afterAll(async () => {
  pdfsig?.close();
  await served?.server.close();
});

function edoc(attachments: DocumentPackageInput['attachments']): EdocPackage & { bytes: Buffer } {
  const bytes = buildDocumentPackage({
    from: { organId: '000.00.00.H40', organName: 'UBND tỉnh Hà Nam' },
    to: [{ organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' }],
    code: { codeNumber: '12', codeNotation: 'QĐ-UBND' },
    subject: 'Quyết định phê duyệt',
    attachments,
  });
  return Object.assign(parsePackage(bytes) as EdocPackage, { bytes });
}

async function documentsOf(pkg: EdocPackage): Promise<DocumentSignaturesReport> {
  const validator = createCertificateValidator({ trustAnchors: [pki.root.certificate] });
  return verifyDocumentSignatures(attachmentFiles(pkg.attachments), { validator, policy: { revocation: 'fail-closed' } });
}

async function judge(policy: SignaturePolicyName, attachments: DocumentPackageInput['attachments']) {
  const pkg = edoc(attachments);
  const documents = await documentsOf(pkg);
  const envelope = await verifyPackage(pkg.bytes, { validator: createCertificateValidator({ trustAnchors: [pki.root.certificate] }) });
  return { documents, envelope, decision: evaluateSignaturePolicy({ policy, envelope, documents, senderOrganId: '000.00.00.H40' }) };
}

describe('PDFs signed with pdfsig, inside an unsigned package, under the policy "document"', () => {
  it('the official\'s signature and the agency\'s seal on the decision: accepted, and the report says who signed what', async () => {
    const { documents, envelope, decision } = await judge('document', [{ name: 'quyet-dinh.pdf', bytes: pdfs.sealed, contentId: 'cid:qd' }]);
    expect(envelope.code).toBe('SIG_MISSING');
    expect(decision).toMatchObject({ accepted: true, satisfiedBy: 'document', warnings: [] });
    expect(documents.summary).toMatchObject({ files: 1, pdfs: 1, signedPdfs: 1, signatures: 2, valid: 2, officials: 1, agencySeals: 1 });
    const [file] = documents.files;
    expect(file).toMatchObject({ contentId: 'cid:qd', name: 'quyet-dinh.pdf', kind: 'pdf', status: 'signed', code: 'PDF_OK' });
    const [official, seal] = file!.signatures;
    expect(official).toMatchObject({ index: 1, who: 'Nguyễn Văn An', role: 'official', roleBasis: 'UID CCCD:', verdict: 'valid', code: 'PDF_OK', signingTimeSource: 'pdf-M', revocation: { status: 'good' } });
    expect(official!.certificate).toMatchObject({ sha256Fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/), serialNumber: pki.identities['official-rsa'].serialNumber, subject: expect.stringContaining('CN=Nguyễn Văn An') });
    expect(official!.certificate!.issuer).toContain('CA phục vụ các cơ quan Nhà nước G2 (TEST)');
    expect(Date.parse(official!.signingTime!)).toBeGreaterThan(Date.now() - 10 * 60_000);
    expect(official!.validityCheckedAt).toBe(new Date(official!.signingTime!).toISOString());
    expect(seal).toMatchObject({ index: 2, who: 'UBND tỉnh Hà Nam', role: 'agency-seal', agencyOrganId: '000.00.00.H40', verdict: 'valid', coversWholeDocument: true });
  });

  it('the report is plain data: it survives a structured clone and a JSON round trip unchanged', async () => {
    const { documents } = await judge('document', [{ name: 'quyet-dinh.pdf', bytes: pdfs.sealed }]);
    expect(structuredClone(documents)).toEqual(documents);
    expect(JSON.parse(JSON.stringify(documents))).toEqual(documents);
  });

  it('a revoked official: refused with SIG_CERT_REVOKED, naming the attachment and the signature', async () => {
    const { decision } = await judge('document', [{ name: 'quyet-dinh.pdf', bytes: pdfs.revokedOfficial, contentId: 'cid:qd' }]);
    expect(decision).toMatchObject({ accepted: false, code: 'SIG_CERT_REVOKED', contentId: 'cid:qd', attachmentName: 'quyet-dinh.pdf', file: 'quyet-dinh.pdf', signature: { index: 1, who: 'Lê Văn Cường', role: 'official' } });
  });

  it('the decision changed after it was signed and sealed: refused with PDF_MODIFIED_AFTER_SIGNING', async () => {
    const { decision, documents } = await judge('document', [{ name: 'quyet-dinh.pdf', bytes: pdfs.changed }]);
    expect(decision).toMatchObject({ accepted: false, code: 'PDF_MODIFIED_AFTER_SIGNING', signature: { index: 1 } });
    expect(documents.files[0]!.signatures.map((s) => [s.verdict, s.modifiedAfterSigning])).toEqual([['invalid', true], ['invalid', true]]);
  });

  it('an official without the agency\'s seal: refused with SIG_DOCUMENT_NO_SEAL', async () => {
    const { decision } = await judge('document', [{ name: 'quyet-dinh.pdf', bytes: pdfs.officialOnly, contentId: 'cid:qd' }]);
    expect(decision).toMatchObject({ accepted: false, code: 'SIG_DOCUMENT_NO_SEAL', contentId: 'cid:qd', signature: { who: 'Nguyễn Văn An' } });
  });

  it('a seal without the official: SIG_DOCUMENT_NO_OFFICIAL; no signed PDF: SIG_DOCUMENT_UNSIGNED; no PDF: SIG_DOCUMENT_NO_PDF', async () => {
    expect((await judge('document', [{ name: 'qd.pdf', bytes: pdfs.sealOnly }])).decision).toMatchObject({ accepted: false, code: 'SIG_DOCUMENT_NO_OFFICIAL' });
    expect((await judge('document', [{ name: 'qd.pdf', bytes: minimalPdf() }])).decision).toMatchObject({ accepted: false, code: 'SIG_DOCUMENT_UNSIGNED' });
    expect((await judge('document', [{ name: 'ghi-chu.txt', bytes: Buffer.from('ghi chú') }])).decision).toMatchObject({ accepted: false, code: 'SIG_DOCUMENT_NO_PDF' });
  });

  it('official and seal on different PDFs do not make one signed document: SIG_DOCUMENT_NO_SEAL', async () => {
    const { decision } = await judge('document', [{ name: 'a.pdf', bytes: pdfs.officialOnly }, { name: 'b.pdf', bytes: pdfs.sealOnly }]);
    expect(decision).toMatchObject({ accepted: false, code: 'SIG_DOCUMENT_NO_SEAL', file: 'a.pdf' });
  });

  it('several PDFs in one zip, the SDK way: the signed decision among them is found and named by its path', async () => {
    const bundle = zipSync({ 'quyet-dinh.pdf': pdfs.sealed, 'phu-luc/danh-sach.pdf': minimalPdf('Phu luc') });
    const { decision, documents } = await judge('document', [{ name: 'ho-so.zip', bytes: bundle, zip: false, contentType: 'application/zip' }]);
    expect(decision.accepted).toBe(true);
    expect(documents.files.map((f) => [f.name, f.status])).toEqual([['quyet-dinh.pdf', 'signed'], ['phu-luc/danh-sach.pdf', 'unsigned']]);
  });
});

describe('validity at the signing time', () => {
  it('an official whose certificate expired since signing: valid at the time signed, SIG_CERT_EXPIRED when judged now', async () => {
    const signedThen = await signPdf(minimalPdf(), testSigner(pki.identities['official-expired']), { signingTime: new Date(Date.now() - 60 * 86_400_000) });
    const validator = createCertificateValidator({ trustAnchors: [pki.root.certificate] });
    const files = [{ name: 'qd.pdf', bytes: signedThen }];
    const atSigning = await verifyDocumentSignatures(files, { validator });
    expect(atSigning.files[0]!.signatures[0]).toMatchObject({ who: 'Phạm Thị Dung', verdict: 'valid' });
    const now = await verifyDocumentSignatures(files, { validator, validityAt: 'now' });
    expect(now.files[0]!.signatures[0]).toMatchObject({ verdict: 'invalid', code: 'SIG_CERT_EXPIRED' });
  });

  it('a signing time claimed after its certificate expired: SIG_CERT_EXPIRED', async () => {
    const late = await signPdf(minimalPdf(), testSigner(pki.identities['official-expired']), { signingTime: new Date(Date.now() - 86_400_000) });
    const report = await verifyDocumentSignatures([{ name: 'qd.pdf', bytes: late }], { validator: createCertificateValidator({ trustAnchors: [pki.root.certificate] }) });
    expect(report.files[0]!.signatures[0]).toMatchObject({ verdict: 'invalid', code: 'SIG_CERT_EXPIRED' });
  });
});

describe('the other policies', () => {
  it('envelope: the unsigned package is refused SIG_MISSING even with a sealed PDF; a bad PDF signature is only a warning there', async () => {
    expect((await judge('envelope', [{ name: 'qd.pdf', bytes: pdfs.sealed }])).decision).toMatchObject({ accepted: false, code: 'SIG_MISSING' });
    const { decision } = await judge('envelope', [{ name: 'qd.pdf', bytes: pdfs.revokedOfficial }]);
    expect(decision.warnings.map((w) => w.code)).toContain('SIG_DOCUMENT_SIGNATURE_INVALID');
  });

  it('either: a sealed document stands in for the missing envelope signature; with neither signed, SIG_MISSING', async () => {
    expect((await judge('either', [{ name: 'qd.pdf', bytes: pdfs.sealed }])).decision).toMatchObject({ accepted: true, satisfiedBy: 'document' });
    expect((await judge('either', [{ name: 'qd.pdf', bytes: minimalPdf() }])).decision).toMatchObject({ accepted: false, code: 'SIG_MISSING' });
    expect((await judge('either', [{ name: 'qd.pdf', bytes: pdfs.revokedOfficial }])).decision).toMatchObject({ accepted: false, code: 'SIG_CERT_REVOKED' });
  });

  it('none: unsigned is accepted with a warning, but a signature that is present must still be valid', async () => {
    expect((await judge('none', [{ name: 'qd.pdf', bytes: minimalPdf() }])).decision).toMatchObject({ accepted: true, satisfiedBy: 'nothing', warnings: [{ code: 'SIG_UNSIGNED_ACCEPTED' }] });
    expect((await judge('none', [{ name: 'qd.pdf', bytes: pdfs.revokedOfficial }])).decision).toMatchObject({ accepted: false, code: 'SIG_CERT_REVOKED' });
  });
});

describe('hostile attachments never reach the PDF verifier', () => {
  it('a zip bomb and a path-traversal name are refused with their EDXML_ATTACHMENT_* code', async () => {
    const bomb = edoc([{ name: 'quyet-dinh.zip', bytes: handZip([{ name: 'quyet-dinh.pdf', data: new Uint8Array(64 * 1024 * 1024) }]), zip: false, contentType: 'application/zip', contentId: 'cid:bomb' }]);
    await expect(documentsOf(bomb)).rejects.toMatchObject({ code: 'EDXML_ATTACHMENT_ZIP_RATIO', details: { contentId: 'cid:bomb' } });
    const traversal = edoc([{ name: 'x.zip', bytes: handZip([{ name: '../../../tmp/quyet-dinh.pdf', data: pdfs.sealed }]), zip: false, contentType: 'application/zip' }]);
    await expect(documentsOf(traversal)).rejects.toMatchObject({ code: 'EDXML_ATTACHMENT_ZIP_ENTRY_NAME' });
  });
});

describe('from a worker thread, as the gateway\'s inspector threads call it', () => {
  it('a thread verifies the sealed decision and posts the report back unchanged in meaning', async () => {
    const script = `
      const { workerData, parentPort } = require('node:worker_threads');
      import('tsx/esm/api').then(async (tsx) => {
        tsx.register();
        const { verifyDocumentSignatures } = await import(${JSON.stringify(new URL('../../src/signature/documents/index.ts', import.meta.url).href)});
        const { createCertificateValidator } = await import(${JSON.stringify(new URL('../../src/pki/index.ts', import.meta.url).href)});
        const validator = createCertificateValidator({ trustAnchors: [workerData.root] });
        const report = await verifyDocumentSignatures([{ name: 'quyet-dinh.pdf', bytes: workerData.pdf }], { validator });
        parentPort.postMessage(report);
      });`;
    const worker = new Worker(script, { eval: true, workerData: { root: pki.root.certificate, pdf: pdfs.sealed } });
    const report = await new Promise<DocumentSignaturesReport>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(report.summary).toMatchObject({ officials: 1, agencySeals: 1, valid: 2 });
    expect(report.files[0]!.signatures.map((s) => s.who)).toEqual(['Nguyễn Văn An', 'UBND tỉnh Hà Nam']);
  });
});
