import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { buildDocumentPackage, buildStatusPackage, checkPackage, EdxmlError, parsePackage, QCVN102_NAMESPACE, type DocumentPackageInput, type EdocPackage, type StatusPackage } from '../../src/edxml/index.js';

const base: DocumentPackageInput = {
  from: { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ', email: 'vpcp@gov.vn' },
  to: [{ organId: '000.00.00.H41', organName: 'UBND Tỉnh Nghệ An' }, { organId: '28.22.H17' }],
  code: { codeNumber: '7816', codeNotation: 'VPCP-TTĐT' },
  promulgationInfo: { place: 'Hà Nội', promulgationDate: '2018/09/28' },
  documentType: { type: '1', typeDetail: '0', typeName: 'Công văn' },
  subject: 'V/v kết nối <liên thông> & phần mềm',
  content: 'Nội dung',
  signerInfo: { competence: 'TL. BỘ TRƯỞNG', position: 'Cục trưởng', fullName: 'Nguyễn Thanh Phúc' },
  dueDate: '2018/10/28',
  toPlaces: ['Các bộ', 'UBND các tỉnh'],
  otherInfo: { priority: 3, appendixes: ['Phụ lục I'] },
  steeringType: '1',
  attachments: [
    { name: 'cong-van.pdf', bytes: Buffer.from('%PDF-1.4 nội dung'), description: 'Công văn' },
    { name: 'ghi-chu.txt', bytes: Buffer.from('ghi chú'), zip: false, contentType: 'text/plain' },
  ],
};

describe('building packages', () => {
  it('writes a document package laid out like the samples', () => {
    const text = buildDocumentPackage(base).toString('utf8');
    expect(text.startsWith(`<?xml version="1.0" encoding="UTF-8"?>\n<edXML xmlns="${QCVN102_NAMESPACE}">\n  <edXML:edXMLEnvelope xmlns:edXML="${QCVN102_NAMESPACE}">`)).toBe(true);
    expect(text).toContain('<edXML:Bussiness>');
    expect(text).not.toContain('<edXML:Business>');
    expect(text.indexOf('<AttachmentEncoded>')).toBeGreaterThan(text.indexOf('</edXML:edXMLEnvelope>'));
    expect(text).toContain(`<edXML:ContentTransferEncoded xmlns:edXML="${QCVN102_NAMESPACE}">`);
    expect(text).toContain('V/v kết nối &lt;liên thông&gt; &amp; phần mềm');
  });

  it('round-trips a document through parse', () => {
    const pkg = parsePackage(buildDocumentPackage(base)) as EdocPackage;
    expect(pkg).toMatchObject({
      kind: 'edoc',
      from: base.from,
      to: base.to,
      documentId: '000.00.00.G22,2018/09/28,7816/VPCP-TTĐT',
      code: base.code,
      promulgationInfo: base.promulgationInfo,
      documentType: base.documentType,
      subject: base.subject,
      content: base.content,
      signerInfo: base.signerInfo,
      dueDate: base.dueDate,
      toPlaces: base.toPlaces,
      otherInfo: { priority: 3, appendixes: ['Phụ lục I'] },
      steeringType: '1',
      responseFor: [],
      business: { businessDocType: 0, spelling: 'Bussiness', replacementInfoList: [] },
      signature: { present: false },
    });
    expect(pkg.traceHeaders).toEqual([{ organId: '000.00.00.G22', timestamp: expect.stringMatching(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/) }]);
    expect(pkg.manifest.references.map((r) => r.contentId)).toEqual(pkg.attachments.map((a) => a.contentId));
  });

  it('zips each attachment like the SDK, or keeps it as is when asked', () => {
    const pkg = parsePackage(buildDocumentPackage(base)) as EdocPackage;
    const [zipped, plain] = pkg.attachments;
    expect(zipped).toMatchObject({ name: 'cong-van.pdf', contentType: 'application/zip', description: 'Công văn' });
    expect(Buffer.from(unzipSync(zipped!.bytes())['cong-van.pdf']!).toString()).toBe('%PDF-1.4 nội dung');
    expect(plain).toMatchObject({ name: 'ghi-chu.txt', contentType: 'text/plain' });
    expect(plain!.bytes().toString()).toBe('ghi chú');
  });

  it.each([
    [1, { responseFor: [{ organId: '000.00.00.G22', documentId: '000.00.00.G22,2018/01/02,1/VPCP' }], business: { businessDocType: 1 as const, businessDocReason: 'Thu hồi' } }],
    [2, { business: { businessDocType: 2 as const, documentId: '000.00.00.G22,2018/01/02,1/VPCP', businessDocumentInfo: { documentInfo: '1', documentReceiver: '1', receiverList: [{ organId: '000.00.00.H41', receiverType: '0' }] } } }],
    [3, { business: { businessDocType: 3 as const, replacementInfoList: [{ documentId: '000.00.00.G22,2018/01/02,1/VPCP', organIdList: ['000.00.00.H41'] }] } }],
  ])('round-trips business type %i with the reference to the original where the type puts it', (type, extra) => {
    const { package: pkg, warnings } = checkPackage(buildDocumentPackage({ ...base, ...extra }));
    expect((pkg as EdocPackage).business?.businessDocType).toBe(type);
    expect((pkg as EdocPackage).business).toMatchObject(extra.business);
    expect(warnings.map((w) => w.code)).toEqual(['EDXML_WARN_ORGAN_ID_NOT_CLASSIC']);
  });

  it('round-trips a status package', () => {
    const bytes = buildStatusPackage({
      from: { organId: '000.00.00.H41', organName: 'UBND Tỉnh Nghệ An' },
      responseFor: { organId: '000.00.00.G22', code: '7816/VPCP-TTĐT', promulgationDate: '2018/09/28', documentId: '000.00.00.G22,2018/09/28,7816/VPCP-TTĐT' },
      staffInfo: { department: 'Văn thư', staff: 'Nguyễn Thị Ngọc Trâm' },
      statusCode: '06',
      description: 'Hoàn thành',
      timestamp: '2018/09/30 10:00:00',
    });
    const pkg = checkPackage(bytes).package as StatusPackage;
    expect(pkg).toEqual({
      kind: 'status',
      from: { organId: '000.00.00.H41', organName: 'UBND Tỉnh Nghệ An' },
      responseFor: { organId: '000.00.00.G22', code: '7816/VPCP-TTĐT', promulgationDate: '2018/09/28', documentId: '000.00.00.G22,2018/09/28,7816/VPCP-TTĐT' },
      staffInfo: { department: 'Văn thư', staff: 'Nguyễn Thị Ngọc Trâm' },
      statusCode: '06',
      description: 'Hoàn thành',
      timestamp: '2018/09/30 10:00:00',
      traceHeaders: [],
      signature: { present: false },
    });
  });

  it('never hands out a package the gateway would refuse', () => {
    const code = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return (error as EdxmlError).code;
      }
      return 'built';
    };
    expect(code(() => buildDocumentPackage({ ...base, to: [{ organId: '000.00.00.H41' }, { organId: '000.00.00.H41' }] }))).toBe('EDXML_RULE_DUPLICATE_RECIPIENT');
    expect(code(() => buildDocumentPackage({ ...base, subject: 'a\u0001b' }))).toBe('EDXML_BUILD_INVALID');
    expect(code(() => buildDocumentPackage({ ...base, business: { businessDocType: 1 } }))).toBe('EDXML_RULE_MISSING_ORIGINAL');
    expect(code(() => buildStatusPackage({ from: { organId: '000.00.00.H41' }, responseFor: { documentId: 'x' }, statusCode: '99' as never }))).toBe('EDXML_RULE_UNKNOWN_STATUS_CODE');
  });
});

describe('SDK-style zip wrapping', () => {
  it('unwraps a one-file zip and leaves anything else alone', async () => {
    const { zipSync } = await import('fflate');
    const { unwrapSingleFileZip } = await import('../../src/edxml/index.js');
    expect(unwrapSingleFileZip(zipSync({ 'a.doc': Buffer.from('văn bản') }))).toEqual({ name: 'a.doc', bytes: new Uint8Array(Buffer.from('văn bản')) });
    expect(unwrapSingleFileZip(zipSync({ 'a.doc': Buffer.from('1'), 'b.doc': Buffer.from('2') }))).toBeUndefined();
    expect(unwrapSingleFileZip(Buffer.from('%PDF-1.4'))).toBeUndefined();
    expect(unwrapSingleFileZip(zipSync({ 'big.bin': new Uint8Array(100_000) }), 50_000)).toBeUndefined();
  });
});
