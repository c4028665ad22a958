import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPackage, EdxmlError, parsePackage, validatePackage, type EdocPackage, type StatusPackage } from '../../src/edxml/index.js';

const DIR = new URL('../fixtures/edxml/', import.meta.url);
const sample = (name: string): Buffer => readFileSync(new URL(name, DIR));
const SAMPLES = readdirSync(DIR).filter((f) => f.endsWith('.edxml'));

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof EdxmlError) return error.code;
    throw error;
  }
  return 'accepted';
}

/**
 * The real packages from the government SDK's example project, classified as their README says, in the field
 * profile (the default). edoc.edxml uses the edXML prefix outside the element that declares it, an undeclared xlink
 * prefix, and a JMeter placeholder where the attachment's base64 should be: the SDK's parser reads all three, so the
 * field profile accepts it with a warning for each, and the strict profile refuses it
 * (test/edxml/field-profile.test.ts takes the deviations one at a time).
 */
describe('the SDK sample packages', () => {
  const expected: Record<string, { kind?: 'edoc' | 'status'; code?: string; warnings?: string[] }> = {
    'edoc.edxml': { kind: 'edoc', warnings: ['EDXML_WARN_XLINK_PREFIX_UNDECLARED', 'EDXML_WARN_EDXML_PREFIX_UNDECLARED', 'EDXML_WARN_EMPTY_RESPONSE_FOR', 'EDXML_WARN_ORGAN_ID_NOT_CLASSIC', 'EDXML_WARN_ATTACHMENT_NOT_BASE64'] },
    'edoc_new.edxml': { code: 'EDXML_NOT_WELL_FORMED' },
    'edoc_new_clean.edxml': { kind: 'edoc', warnings: ['EDXML_WARN_ORGAN_ID_NOT_CLASSIC'] },
    'edoc_update.edxml': { kind: 'edoc', warnings: [] },
    'edoc_replacement.edxml': { kind: 'edoc', warnings: [] },
    'edoc_revocation.edxml': { kind: 'edoc', warnings: [] },
  };

  it('covers every sample file', () => {
    expect(SAMPLES.length).toBe(16);
  });

  it.each(SAMPLES)('%s is classified as the README says', (file) => {
    const want = expected[file] ?? { kind: 'status', warnings: [] };
    if (want.code) {
      expect(codeOf(() => checkPackage(sample(file)))).toBe(want.code);
      return;
    }
    const { package: pkg, warnings } = checkPackage(sample(file));
    expect(pkg.kind).toBe(want.kind);
    expect(warnings.map((w) => w.code)).toEqual(want.warnings);
    expect(validatePackage(sample(file))).toEqual({ kind: want.kind, warnings });
  });

  it.each(SAMPLES.filter((f) => f !== 'edoc.edxml'))('%s: the strict profile gives the same answer', (file) => {
    const want = expected[file] ?? { kind: 'status', warnings: [] };
    if (want.code) {
      expect(codeOf(() => checkPackage(sample(file), { profile: 'strict' }))).toBe(want.code);
      return;
    }
    expect(checkPackage(sample(file), { profile: 'strict' }).warnings).toEqual(checkPackage(sample(file)).warnings);
  });

  it('edoc_new.edxml: the message names the stray bytes and line 1', () => {
    expect(() => checkPackage(sample('edoc_new.edxml'))).toThrow(/stray bytes \("1212"\).*line 1/);
  });

  it('edoc.edxml, strict profile: the message names the undeclared prefix and its line', () => {
    expect(codeOf(() => checkPackage(sample('edoc.edxml'), { profile: 'strict' }))).toBe('EDXML_NAMESPACE_ERROR');
    expect(() => parsePackage(sample('edoc.edxml'), { profile: 'strict' })).toThrow(/xlink.*line 116/);
  });

  it('edoc_new_clean.edxml warns about the non-classic recipient code, with its line', () => {
    const { warnings } = checkPackage(sample('edoc_new_clean.edxml'));
    expect(warnings).toEqual([expect.objectContaining({ code: 'EDXML_WARN_ORGAN_ID_NOT_CLASSIC', element: 'MessageHeader/To/OrganId', line: 18 })]);
    expect(warnings[0]!.message).toContain('28.22.H17');
  });

  it('reads an update (type 2) with its original and the receivers it changes', () => {
    const pkg = parsePackage(sample('edoc_update.edxml')) as EdocPackage;
    expect(pkg.to.map((t) => t.organId)).toEqual(['000.00.00.H41', '000.00.00.H14', '000.00.00.G17']);
    expect(pkg.documentId).toBe('000.00.00.G22,2015/09/30,7816/VPCP-TTĐT');
    expect(pkg.code).toEqual({ codeNumber: '7816', codeNotation: 'VPCP-TTĐT' });
    expect(pkg.promulgationInfo).toEqual({ place: 'Hà Nội', promulgationDate: '2018/09/28' });
    expect(pkg.documentType).toEqual({ type: '1', typeDetail: '0', typeName: 'Công văn' });
    expect(pkg.otherInfo?.priority).toBe(0);
    expect(pkg.otherInfo?.appendixes).toEqual(['Công văn về việc kết nối, liên thông phần mềm quản lý văn bản']);
    expect(pkg.toPlaces).toEqual(['Cac bo va co quan ngang bo', 'Uy ban nhan dan cac tinh, TP']);
    expect(pkg.traceHeaders).toEqual([{ organId: '000.00.00.G22', timestamp: '2018/09/28 00:00:00' }]);
    expect(pkg.business).toMatchObject({
      businessDocType: 2,
      documentId: '000.00.00.G22,2014/02/30,7806/VPCP-TTĐT',
      spelling: 'Bussiness',
      businessDocumentInfo: { documentInfo: '1', documentReceiver: '1', receiverList: [{ organId: '000.00.00.H41', receiverType: '0' }, { organId: '000.00.00.H14', receiverType: '1' }] },
    });
    expect(pkg.signature).toEqual({ present: true, signatureAlgorithm: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', namespaceUri: 'http://www.mic.gov.vn/TBT/QCVN_102_2016' });
  });

  it('reads a revocation (type 1) through MessageHeader/ResponseFor', () => {
    const pkg = parsePackage(sample('edoc_revocation.edxml')) as EdocPackage;
    expect(pkg.business?.businessDocType).toBe(1);
    expect(pkg.responseFor).toEqual([{ organId: '000.00.00.H14', code: '267/VPCP-TTĐT', documentId: '000.00.04.G14,2012/08/06,267/VPCP-TTĐT', promulgationDate: '2018/09/28' }]);
  });

  it('reads a replacement (type 3) through ReplacementInfoList', () => {
    const pkg = parsePackage(sample('edoc_replacement.edxml')) as EdocPackage;
    expect(pkg.business?.businessDocType).toBe(3);
    expect(pkg.business?.replacementInfoList).toHaveLength(2);
    expect(pkg.business?.replacementInfoList[0]).toEqual({ documentId: '000.00.00.G22,2014/01/30,7806/VPCP-TTĐT', organIdList: ['000.00.00.H41', '000.00.00.H14'] });
  });

  it('keeps the attachment as a view of the input and decodes it on demand to the zip the SDK made', () => {
    const input = sample('edoc_new_clean.edxml');
    const pkg = parsePackage(input) as EdocPackage;
    expect(pkg.manifest).toEqual({ version: '1.0', references: [{ contentId: 'cid:209', contentType: 'application/zip', description: '1896_QD-TTg_m_294779.doc', attachmentName: '1896_QD-TTg_m_294779.doc' }] });
    const [attachment] = pkg.attachments;
    expect(attachment).toMatchObject({ contentId: 'cid:209', name: '1896_QD-TTg_m_294779.doc', contentType: 'application/zip', description: '1896_QD-TTg_m_294779.doc' });
    expect(attachment!.encoded().buffer).toBe(input.buffer);
    const text = attachment!.encoded().toString('latin1');
    expect(input.toString('latin1')).toContain(`>${text}</edXML:ContentTransferEncoded>`);
    const decoded = attachment!.bytes();
    expect(decoded.equals(Buffer.from(text, 'base64'))).toBe(true);
    expect(attachment!.decodedSize()).toBe(decoded.length);
    expect(decoded.subarray(0, 4)).toEqual(Buffer.from('PK\u0003\u0004', 'latin1'));
  });

  it('reads status packages: code, ResponseFor, staff and time', () => {
    const pkg = parsePackage(sample('status_rejection_02.edxml')) as StatusPackage;
    expect(pkg).toMatchObject({
      kind: 'status',
      statusCode: '02',
      from: { organId: '000.00.00.H41', organName: 'UBND Tỉnh Nghệ An' },
      responseFor: { organId: '000.00.00.G22', code: '7816/VPCP-TTĐT', promulgationDate: '2015/09/30', documentId: '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT' },
      staffInfo: { department: 'Phong hanh chinh', staff: 'Nguyen thi ngoc tram', mobile: '84912000001', email: 'ngoctram@nghean.vn' },
      description: 'Văn thư - Phòng Văn thư - Lưu trữ: Từ chối không tiếp nhận văn bản điện tử',
      timestamp: '2015/09/20 11:08:36',
      signature: { present: false },
    });
  });

  it.each([
    ['status_inbox_01.edxml', '01'],
    ['status_rejection_02.edxml', '02'],
    ['status_acceptance_03.edxml', '03'],
    ['status_assignment_04.edxml', '04'],
    ['status_processing_05.edxml', '05'],
    ['status_finish_06.edxml', '06'],
    ['status_cancellation_13.edxml', '13'],
    ['status_change-acceptance_15.edxml', '15'],
    ['status_change-rejection_16.edxml', '16'],
  ])('%s carries StatusCode %s', (file, code) => {
    expect((parsePackage(sample(file)) as StatusPackage).statusCode).toBe(code);
  });
});

describe('edoc.edxml with its defects repaired keeps what real senders do, in both profiles', () => {
  const repaired = (): Buffer =>
    Buffer.from(
      sample('edoc.edxml')
        .toString('utf8')
        .replace('<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">', '<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016" xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016" xmlns:xlink="http://www.w3.org/1999/xlink">')
        .replace('${__StringFromFile(test.txt,,,)}', Buffer.from('%PDF-1.4 test').toString('base64')),
      'utf8',
    );

  it('is valid: DocumentId after SteeringType, an empty ResponseFor, a UUID DocumentId, an xmldsig Signature', () => {
    const { package: pkg, warnings } = checkPackage(repaired(), { profile: 'strict' });
    expect(checkPackage(repaired()).warnings).toEqual(warnings);
    const edoc = pkg as EdocPackage;
    expect(edoc.documentId).toBe('9fbfbad2-f1f8-4256-a2eb-50fb1061cddb');
    expect(edoc.responseFor).toEqual([]);
    expect(edoc.signature).toEqual({ present: true, signatureAlgorithm: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', namespaceUri: 'http://www.w3.org/2000/09/xmldsig#' });
    expect(edoc.attachments[0]!.bytes().toString()).toBe('%PDF-1.4 test');
    expect(warnings.map((w) => w.code).sort()).toEqual(['EDXML_WARN_EMPTY_RESPONSE_FOR', 'EDXML_WARN_ORGAN_ID_NOT_CLASSIC']);
  });
});
