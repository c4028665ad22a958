import { describe, expect, it } from 'vitest';
import { checkPackage, parsePackage, parseOrganId, validatePackage, EdxmlError, type EdocPackage } from '../../src/edxml/index.js';
import { attachment, bytes, edocXml, HELLO_BASE64 } from './packages.js';

const edoc = (xml: string): EdocPackage => checkPackage(bytes(xml)).package as EdocPackage;

describe('reading text the way XML means it', () => {
  it('reads a value whole when comments, CDATA and character references split it', () => {
    const pkg = edoc(edocXml({ subject: '<edXML:Subject>V/v <!-- ghi chú -->kết<![CDATA[ nối <liên thông>]]> &#273;&amp;&#x111;</edXML:Subject>' }));
    expect(pkg.subject).toBe('V/v kết nối <liên thông> đ&đ');
  });

  it('normalises CRLF line endings', () => {
    const pkg = edoc(edocXml({ subject: '<edXML:Subject>dòng 1\ndòng 2</edXML:Subject>' }).replace(/\n/g, '\r\n'));
    expect(pkg.subject).toBe('dòng 1\ndòng 2');
  });

  it('accepts a byte-order mark', () => {
    expect(checkPackage(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes(edocXml())])).package.kind).toBe('edoc');
  });

  it('does not mistake DOCTYPE text inside a comment or CDATA for a DTD', () => {
    const xml = edocXml({ subject: '<edXML:Subject><![CDATA[<!DOCTYPE x [<!ENTITY a "b">]>]]></edXML:Subject>' }).replace('<edXML:DueDate>', '<!-- <!DOCTYPE edXML> --><edXML:DueDate>');
    expect(edoc(xml).subject).toBe('<!DOCTYPE x [<!ENTITY a "b">]>');
  });

  it('accepts the Business spelling some systems use', () => {
    const pkg = edoc(edocXml({ business: '<edXML:Business><edXML:BusinessDocType>0</edXML:BusinessDocType><edXML:BusinessDocReason>mới</edXML:BusinessDocReason></edXML:Business>' }));
    expect(pkg.business).toMatchObject({ businessDocType: 0, businessDocReason: 'mới', spelling: 'Business' });
  });

  it('accepts MessageHeader children in the orders real senders use', () => {
    const xml = edocXml().replace(/(<edXML:DocumentId>.*?<\/edXML:DocumentId>)([\s\S]*?)(<edXML:SteeringType>1<\/edXML:SteeringType>)/, '$2$3$1');
    expect(xml.indexOf('<edXML:DocumentId>')).toBeGreaterThan(xml.indexOf('<edXML:SteeringType>'));
    expect(edoc(xml).documentId).toBe('000.00.00.G22,2018/09/28,7816/VPCP-TTĐT');
  });

  it('treats an empty ResponseFor as absent, with a warning', () => {
    const { package: pkg, warnings } = checkPackage(bytes(edocXml({ responseFor: '<edXML:ResponseFor><edXML:OrganId></edXML:OrganId><edXML:Code> </edXML:Code><edXML:PromulgationDate></edXML:PromulgationDate><edXML:DocumentId></edXML:DocumentId></edXML:ResponseFor>' })));
    expect((pkg as EdocPackage).responseFor).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(['EDXML_WARN_EMPTY_RESPONSE_FOR']);
  });

  it('keeps DocumentId opaque: a date part of 2014/02/30 is not checked', () => {
    expect(edoc(edocXml({ documentId: '<edXML:DocumentId>000.00.00.G22,2014/02/30,7806/VPCP-TTĐT</edXML:DocumentId>' })).documentId).toBe('000.00.00.G22,2014/02/30,7806/VPCP-TTĐT');
  });

  it('counts Subject length in characters, not UTF-8 bytes', () => {
    expect(edoc(edocXml({ subject: `<edXML:Subject>${'đ'.repeat(500)}</edXML:Subject>` })).subject).toHaveLength(500);
  });
});

describe('attachments', () => {
  const raw = Buffer.from(Array.from({ length: 3000 }, (_, k) => k % 251));
  const wrapped = raw.toString('base64').replace(/(.{76})/g, '$1\r\n');

  it('decodes line-wrapped base64 and keeps line numbers after it right', () => {
    const xml = edocXml({ attachments: attachment('cid:1', wrapped) + '<Bad/>' });
    try {
      checkPackage(bytes(xml));
      expect.unreachable();
    } catch (error) {
      expect((error as EdxmlError).code).toBe('EDXML_SCHEMA_INVALID');
      expect((error as EdxmlError).line).toBe(xml.split('\n').findIndex((l) => l.includes('<Bad/>')) + 1);
    }
    const pkg = edoc(edocXml({ attachments: attachment('cid:1', wrapped) }));
    expect(pkg.attachments[0]!.bytes().equals(raw)).toBe(true);
    expect(pkg.attachments[0]!.decodedSize()).toBe(raw.length);
  });

  it('reads base64 written with character references or CDATA through the parser', () => {
    const text = raw.toString('base64');
    const split = `${text.slice(0, 100)}&#13;&#10;${text.slice(100, 200)}<![CDATA[${text.slice(200)}]]>`;
    const pkg = edoc(edocXml({ attachments: attachment('cid:1', split) }));
    expect(pkg.attachments[0]!.bytes().equals(raw)).toBe(true);
  });

  it('leaves invalid base64 to validation: parse succeeds, bytes() refuses it, strict refuses it, field warns', () => {
    const input = bytes(edocXml({ attachments: attachment('cid:1', 'not*base64') }));
    const pkg = parsePackage(input) as EdocPackage;
    expect(pkg.attachments[0]!.isValidBase64()).toBe(false);
    expect(() => pkg.attachments[0]!.bytes()).toThrow(expect.objectContaining({ code: 'EDXML_ATTACHMENT_BAD_BASE64' }));
    expect(() => validatePackage(pkg, { profile: 'strict' })).toThrow(expect.objectContaining({ code: 'EDXML_ATTACHMENT_BAD_BASE64' }));
    expect(validatePackage(pkg).warnings.map((w) => w.code)).toEqual(['EDXML_WARN_ATTACHMENT_NOT_BASE64']);
  });

  it('warns about an empty attachment', () => {
    const { warnings } = checkPackage(bytes(edocXml({ attachments: attachment('cid:1', '') })));
    expect(warnings.map((w) => w.code)).toEqual(['EDXML_WARN_EMPTY_ATTACHMENT']);
  });

  it('validates a package parsed earlier the same way as its bytes', () => {
    const input = bytes(edocXml({ attachments: attachment('cid:1', HELLO_BASE64) }));
    expect(validatePackage(parsePackage(input))).toEqual(validatePackage(input));
    const broken = bytes(edocXml().replace('<edXML:DueDate>', '<edXML:Unknown/><edXML:DueDate>'));
    expect(() => validatePackage(parsePackage(broken))).toThrow(expect.objectContaining({ code: 'EDXML_SCHEMA_INVALID' }));
  });
});

describe('agency codes (OrganId)', () => {
  it('parses the classic form into its levels', () => {
    expect(parseOrganId('000.00.15.H51')).toEqual({ valid: true, classic: true, levels: { level1: 'H51', level2: '15', level3: '00', level4: '000' } });
  });

  it('accepts the SĐ1:2022 form with a warning', () => {
    expect(parseOrganId('28.22.H17')).toMatchObject({ valid: true, classic: false, warning: expect.stringContaining('classic') });
    expect(parseOrganId('A'.repeat(35)).valid).toBe(true);
  });

  it.each(['', 'a.00.00.G22', 'A'.repeat(36), '000.00.00-G22', '000.00.00.G22 '])('rejects %j', (code) => {
    expect(parseOrganId(code)).toMatchObject({ valid: false, classic: false, warning: expect.any(String) });
  });
});
