/**
 * The field profile (the default) and the strict one, one deviation at a time. Each variant is a clean SDK sample
 * with exactly one deviation real systems send written in: the field profile accepts it with its own warning, the
 * strict profile refuses it with the code it always had. The security rules hold in both.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPackage, EdxmlError, parsePackage, validatePackage, type EdocPackage, type EdxmlProfile, type StatusPackage } from '../../src/edxml/index.js';

const DIR = new URL('../fixtures/edxml/', import.meta.url);
const sample = (name: string): Buffer => readFileSync(new URL(name, DIR));
const NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';

/** A sample with some text replaced; each replacement must match exactly once, so a variant never silently equals its base. */
function variant(name: string, ...edits: [string | RegExp, string][]): Buffer {
  let text = sample(name).toString('utf8');
  for (const [from, to] of edits) {
    const count = typeof from === 'string' ? text.split(from).length - 1 : (text.match(new RegExp(from.source, 'g')) ?? []).length;
    expect(count, `${String(from)} in ${name}`).toBe(1);
    text = text.replace(from, to);
  }
  return Buffer.from(text, 'utf8');
}

function outcome(input: Uint8Array, profile?: EdxmlProfile): string {
  try {
    checkPackage(input, profile ? { profile } : undefined);
  } catch (error) {
    if (error instanceof EdxmlError) return error.code;
    throw error;
  }
  return 'accepted';
}

const warningCodes = (input: Uint8Array, profile?: EdxmlProfile) => checkPackage(input, profile ? { profile } : undefined).warnings.map((w) => w.code);

/** edoc_update.edxml is a clean sample: no warning in either profile. */
const BASE = 'edoc_update.edxml';
const PLACEHOLDER = '${__StringFromFile(test.txt,,,)}';

const DEVIATIONS: { name: string; input: () => Buffer; warning: string; strict: string }[] = [
  {
    name: 'From and To OrganIds of systems connected through the SaaS (vxp.saas.03)',
    input: () => variant(BASE, [/<edXML:From>\s*<edXML:OrganId>000\.00\.00\.G22<\/edXML:OrganId>/, '<edXML:From>\n          <edXML:OrganId>vxp.saas.03</edXML:OrganId>'], [/<edXML:To>\s*<edXML:OrganId>000\.00\.00\.H41<\/edXML:OrganId>/, '<edXML:To>\n          <edXML:OrganId>vxp.saas.01</edXML:OrganId>']),
    warning: 'EDXML_WARN_ORGAN_ID_SYSTEM',
    strict: 'EDXML_RULE_ORGAN_ID_INVALID',
  },
  {
    name: 'a TraceHeader holding only a Timestamp',
    input: () => variant(BASE, [/(<edXML:TraceHeader>\s*)<edXML:OrganId>000\.00\.00\.G22<\/edXML:OrganId>/, '$1']),
    warning: 'EDXML_WARN_TRACE_HEADER_NO_ORGAN_ID',
    strict: 'EDXML_SCHEMA_INVALID',
  },
  {
    name: 'xlink:href on edXMLManifest/Reference with no xmlns:xlink in scope (as in edoc.edxml)',
    input: () => variant(BASE, ['<edXML:Reference>', '<edXML:Reference xlink:href="">']),
    warning: 'EDXML_WARN_XLINK_PREFIX_UNDECLARED',
    strict: 'EDXML_NAMESPACE_ERROR',
  },
  {
    name: 'the edXML prefix on AttachmentEncoded, outside the envelope that declares it (as in edoc.edxml)',
    input: () => variant(BASE, ['<AttachmentEncoded>', '<edXML:AttachmentEncoded>'], ['</AttachmentEncoded>', '</edXML:AttachmentEncoded>'], ['<Attachment>', '<edXML:Attachment>'], ['</Attachment>', '</edXML:Attachment>']),
    warning: 'EDXML_WARN_EDXML_PREFIX_UNDECLARED',
    strict: 'EDXML_NAMESPACE_ERROR',
  },
  {
    name: 'an attachment whose text is not base64 (the JMeter placeholder of edoc.edxml)',
    input: () => variant(BASE, [/(<edXML:ContentTransferEncoded[^>]*>)[^<]*</, `$1${PLACEHOLDER}<`]),
    warning: 'EDXML_WARN_ATTACHMENT_NOT_BASE64',
    strict: 'EDXML_ATTACHMENT_BAD_BASE64',
  },
];

describe('each deviation real systems send', () => {
  it('the base sample is clean in both profiles', () => {
    expect(warningCodes(sample(BASE))).toEqual([]);
    expect(warningCodes(sample(BASE), 'strict')).toEqual([]);
  });

  it.each(DEVIATIONS)('$name: field accepts it with $warning, strict refuses it with $strict', ({ input, warning, strict }) => {
    const bytes = input();
    const codes = warningCodes(bytes);
    expect(codes.length).toBeGreaterThan(0);
    expect(new Set(codes)).toEqual(new Set([warning]));
    expect(warningCodes(bytes, 'field')).toEqual(codes);
    expect(outcome(bytes, 'strict')).toBe(strict);
    expect(validatePackage(bytes).warnings.map((w) => w.code)).toEqual(codes);
    expect(() => validatePackage(bytes, { profile: 'strict' })).toThrow(expect.objectContaining({ code: strict }));
  });

  it('a package parsed in the field profile is still refused when validated in the strict one', () => {
    for (const { input, strict } of DEVIATIONS) {
      const pkg = parsePackage(input());
      expect(validatePackage(pkg).warnings.length).toBeGreaterThan(0);
      expect(() => validatePackage(pkg, { profile: 'strict' })).toThrow(expect.objectContaining({ code: strict }));
    }
  });

  it('SaaS codes: every one is warned about where it stands, read and compared exactly as written', () => {
    const { package: pkg, warnings } = checkPackage(DEVIATIONS[0]!.input());
    const edoc = pkg as EdocPackage;
    expect(edoc.from.organId).toBe('vxp.saas.03');
    expect(edoc.to.map((t) => t.organId)).toEqual(['vxp.saas.01', '000.00.00.H14', '000.00.00.G17']);
    expect(warnings.map((w) => [w.element, w.line])).toEqual([['MessageHeader/From/OrganId', 7], ['MessageHeader/To[1]/OrganId', 17]]);
    expect(warnings[0]!.message).toContain('"vxp.saas.03"');
    const twoCases = variant(BASE, [/<edXML:To>\s*<edXML:OrganId>000\.00\.00\.H14<\/edXML:OrganId>/, '<edXML:To><edXML:OrganId>VXP.SAAS.01</edXML:OrganId>'], [/<edXML:To>\s*<edXML:OrganId>000\.00\.00\.H41<\/edXML:OrganId>/, '<edXML:To><edXML:OrganId>vxp.saas.01</edXML:OrganId>']);
    expect((checkPackage(twoCases).package as EdocPackage).to.map((t) => t.organId)).toEqual(['vxp.saas.01', 'VXP.SAAS.01', '000.00.00.G17']);
    const twice = variant(BASE, [/<edXML:To>\s*<edXML:OrganId>000\.00\.00\.H14<\/edXML:OrganId>/, '<edXML:To><edXML:OrganId>vxp.saas.01</edXML:OrganId>'], [/<edXML:To>\s*<edXML:OrganId>000\.00\.00\.H41<\/edXML:OrganId>/, '<edXML:To><edXML:OrganId>vxp.saas.01</edXML:OrganId>']);
    expect(outcome(twice)).toBe('EDXML_RULE_DUPLICATE_RECIPIENT');
  });

  it('SaaS codes in a status package: From and ResponseFor', () => {
    const input = variant('status_acceptance_03.edxml', ['<edXML:OrganId>000.00.00.H41</edXML:OrganId>', '<edXML:OrganId>vxp.saas.01</edXML:OrganId>'], ['<edXML:OrganId>000.00.00.G22</edXML:OrganId>', '<edXML:OrganId>vxp.saas.03</edXML:OrganId>']);
    const { package: pkg, warnings } = checkPackage(input);
    expect((pkg as StatusPackage).responseFor?.organId).toBe('vxp.saas.03');
    expect(warnings.map((w) => [w.code, w.element])).toEqual([['EDXML_WARN_ORGAN_ID_SYSTEM', 'MessageHeader/From/OrganId'], ['EDXML_WARN_ORGAN_ID_SYSTEM', 'MessageHeader/ResponseFor/OrganId']]);
    expect(outcome(input, 'strict')).toBe('EDXML_RULE_ORGAN_ID_INVALID');
    expect(() => checkPackage(input, { profile: 'strict' })).toThrow(/vxp\.saas\.01.*the field profile accepts it/);
  });

  it.each([
    ['65 characters', 'a'.repeat(65)],
    ['a space', 'vxp saas.03'],
    ['a slash', 'vxp/saas.03'],
    ['a colon', 'vxp:saas'],
    ['a non-ASCII letter', 'vxp.sàas.03'],
  ])('an OrganId with %s is refused in the field profile too', (_what, code) => {
    const input = variant(BASE, [/<edXML:To>\s*<edXML:OrganId>000\.00\.00\.H41<\/edXML:OrganId>/, `<edXML:To><edXML:OrganId>${code}</edXML:OrganId>`]);
    expect(outcome(input)).toBe('EDXML_RULE_ORGAN_ID_INVALID');
    expect(() => checkPackage(input)).toThrow(/up to 64 characters of letters, digits/);
  });

  it('a TraceHeader without OrganId: read with an empty organId and located; one without Timestamp stays refused', () => {
    const { package: pkg, warnings } = checkPackage(DEVIATIONS[1]!.input());
    expect((pkg as EdocPackage).traceHeaders).toEqual([{ organId: '', timestamp: '2018/09/28 00:00:00' }]);
    expect(warnings).toEqual([expect.objectContaining({ line: 86, element: 'TraceHeaderList/TraceHeader' })]);
    const noTimestamp = variant(BASE, [/<edXML:Timestamp>2018\/09\/28 00:00:00<\/edXML:Timestamp>/, '']);
    expect(outcome(noTimestamp)).toBe('EDXML_SCHEMA_INVALID');
  });

  it('a TraceHeader without OrganId in a status package (the status schema has the same relaxation)', () => {
    const input = variant('status_acceptance_03.edxml', ['</edXML:MessageHeader>', '</edXML:MessageHeader>\n<edXML:TraceHeaderList><edXML:TraceHeader><edXML:Timestamp>2015/09/20 11:08:36</edXML:Timestamp></edXML:TraceHeader></edXML:TraceHeaderList>']);
    expect(warningCodes(input)).toEqual(['EDXML_WARN_TRACE_HEADER_NO_ORGAN_ID']);
    expect(outcome(input, 'strict')).toBe('EDXML_SCHEMA_INVALID');
  });

  it('an undeclared edXML prefix: the attachment is still a view of the bytes received, which stay unchanged', () => {
    const input = DEVIATIONS[3]!.input();
    const copy = Buffer.from(input);
    const { package: pkg, warnings } = checkPackage(input);
    expect(input.equals(copy)).toBe(true);
    const [attachment] = (pkg as EdocPackage).attachments;
    expect(attachment!.encoded().buffer).toBe(input.buffer);
    expect(attachment!.bytes().subarray(0, 4)).toEqual(Buffer.from('PK\u0003\u0004', 'latin1'));
    expect(warnings).toEqual([expect.objectContaining({ line: 150, element: 'edXML:AttachmentEncoded', message: expect.stringContaining('used 2 times, first at line 150') })]);
  });

  it('an attachment that is not base64: the warning says so, and decoding it still fails with its code', () => {
    const { package: pkg, warnings } = checkPackage(DEVIATIONS[4]!.input());
    expect(warnings[0]!.message).toMatch(/cid:209 .*is not valid base64: character 1 is not base64.*nobody can decode/);
    expect(() => (pkg as EdocPackage).attachments[0]!.bytes()).toThrow(expect.objectContaining({ code: 'EDXML_ATTACHMENT_BAD_BASE64' }));
  });
});

describe('the SDK sample edoc.edxml, all its deviations at once', () => {
  it('field: accepted, each deviation its own warning with its line', () => {
    const { package: pkg, warnings } = checkPackage(sample('edoc.edxml'));
    expect(warnings.map((w) => [w.code, w.line])).toEqual([
      ['EDXML_WARN_XLINK_PREFIX_UNDECLARED', 116],
      ['EDXML_WARN_EDXML_PREFIX_UNDECLARED', 125],
      ['EDXML_WARN_EMPTY_RESPONSE_FOR', 59],
      ['EDXML_WARN_ORGAN_ID_NOT_CLASSIC', 76],
      ['EDXML_WARN_ATTACHMENT_NOT_BASE64', 126],
    ]);
    const edoc = pkg as EdocPackage;
    expect(edoc.documentId).toBe('9fbfbad2-f1f8-4256-a2eb-50fb1061cddb');
    expect(edoc.attachments.map((a) => [a.contentId, a.name, a.contentType])).toEqual([['cid:36b8a92e-f054-11e7-842b-005056b672fc', 'GUIDE_INSTALL OPENVPN.SIGNED.PDF', 'application/pdf']]);
    expect(edoc.manifest.references.map((r) => r.contentId)).toEqual(['cid:36b8a92e-f054-11e7-842b-005056b672fc']);
  });

  it('strict: refused as before, naming the undeclared prefix and its line', () => {
    expect(outcome(sample('edoc.edxml'), 'strict')).toBe('EDXML_NAMESPACE_ERROR');
    expect(() => parsePackage(sample('edoc.edxml'), { profile: 'strict' })).toThrow(/xlink.*line 116/);
  });
});

describe('what the field profile does not relax', () => {
  it('edoc_new.edxml (junk before the XML declaration) is refused in both profiles', () => {
    expect(outcome(sample('edoc_new.edxml'))).toBe('EDXML_NOT_WELL_FORMED');
    expect(outcome(sample('edoc_new.edxml'), 'strict')).toBe('EDXML_NOT_WELL_FORMED');
  });

  it.each([
    ['an internal DTD subset', '<!DOCTYPE edXML [<!ELEMENT edXML ANY>]>\n'],
    ['an external entity', '<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'],
  ])('%s is refused in both profiles, even beside the deviations the field profile accepts', (_what, doctype) => {
    const input = Buffer.from(sample('edoc.edxml').toString('utf8').replace(`<edXML xmlns="${NS}">`, `${doctype}<edXML xmlns="${NS}">`).replace('Hà Nội', '&xxe;'), 'utf8');
    expect(outcome(input)).toBe('EDXML_DTD_FORBIDDEN');
    expect(outcome(input, 'strict')).toBe('EDXML_DTD_FORBIDDEN');
  });

  it('the limits hold in both profiles', () => {
    expect(outcome(sample('edoc.edxml'))).toBe('accepted');
    expect(() => checkPackage(sample('edoc.edxml'), { maxBytes: 1000 })).toThrow(expect.objectContaining({ code: 'EDXML_TOO_LARGE' }));
    expect(() => checkPackage(sample('edoc.edxml'), { maxDepth: 4, profile: 'strict' })).toThrow(expect.objectContaining({ code: 'EDXML_LIMIT_DEPTH' }));
  });

  it('a prefix other than edXML and xlink used undeclared is refused, and named, in the field profile', () => {
    const other = variant(BASE, ['<edXML:Reference>', '<edXML:Reference xsi:type="x">']);
    expect(outcome(other)).toBe('EDXML_NAMESPACE_ERROR');
    const both = variant(BASE, ['<edXML:Reference>', '<edXML:Reference xlink:href="" xsi:type="x">']);
    expect(() => checkPackage(both)).toThrow(/prefix xsi .*line 141/);
    const element = variant(BASE, ['<edXML:DueDate>', '<foo:DueDate>'], ['</edXML:DueDate>', '</foo:DueDate>']);
    expect(outcome(element)).toBe('EDXML_NAMESPACE_ERROR');
  });

  it('the root must itself be in the edXML namespace: an undeclared edXML prefix on the root is not lent one', () => {
    const xml = sample('edoc_update.edxml').toString('utf8').replace(`<edXML xmlns="${NS}">`, '<edXML:edXML>').replace(/<\/edXML>\s*$/, '</edXML:edXML>\n');
    const input = Buffer.from(xml, 'utf8');
    expect(outcome(input)).toBe('EDXML_NAMESPACE_ERROR');
    expect(outcome(Buffer.from(sample('edoc.edxml').toString('utf8').replace(`<edXML xmlns="${NS}">`, '<edXML xmlns="http://example.com/other">'), 'utf8'))).toBe('EDXML_WRONG_NAMESPACE');
  });

  it('a well-formedness error beside an undeclared prefix is refused in the field profile', () => {
    const input = variant(BASE, ['<edXML:Reference>', '<edXML:Reference xlink:href="">'], ['</edXML:Subject>', '</edXML:Content>']);
    expect(outcome(input)).not.toBe('accepted');
  });

  it('an unknown profile is a programming error, not a quiet fallback to the lenient one', () => {
    expect(() => checkPackage(sample(BASE), { profile: 'Strict' as EdxmlProfile })).toThrow(TypeError);
  });
});
