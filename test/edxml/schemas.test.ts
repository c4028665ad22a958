import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { XmlDocument, XsdValidator } from 'libxml2-wasm';

const schema = (name: string) => readFileSync(new URL(`../../schemas/${name}`, import.meta.url), 'utf8');
const shared = (text: string) => {
  const start = text.indexOf('<!-- ===== shared types');
  const end = text.indexOf('<!-- ===== end of shared types');
  expect(start).toBeGreaterThan(0);
  return text.slice(start, end);
};

describe('the edXML schemas', () => {
  it('keep their shared types identical in the document and the status schema', () => {
    expect(shared(schema('edxml-edoc.xsd'))).toBe(shared(schema('edxml-status.xsd')));
  });

  it('keep their shared types identical in the field variants too', () => {
    expect(shared(schema('edxml-edoc.field.xsd'))).toBe(shared(schema('edxml-status.field.xsd')));
  });

  /** What schemas/README.md says the field variants change: this test fails on any other difference. */
  const fieldOf = (strictName: string, text: string) =>
    text
      .replace('<?xml version="1.0" encoding="UTF-8"?>\n', `<?xml version="1.0" encoding="UTF-8"?>\n<!-- The field profile's variant of ${strictName}: the same schema but for TraceHeader/OrganId, optional here (schemas/README.md). -->\n`)
      .replace(
        '  <xs:complexType name="TraceHeaderType">\n    <xs:all>\n      <xs:element name="OrganId" type="xs:string"/>',
        '  <!-- Field profile: OrganId optional. Some SDK installations send a TraceHeader holding only its Timestamp. -->\n  <xs:complexType name="TraceHeaderType">\n    <xs:all>\n      <xs:element name="OrganId" type="xs:string" minOccurs="0"/>',
      );

  it.each([
    ['edxml-edoc.xsd', 'edxml-edoc.field.xsd'],
    ['edxml-status.xsd', 'edxml-status.field.xsd'],
  ])('%s: its field variant differs only by TraceHeader/OrganId being optional', (strictName, fieldName) => {
    const strict = schema(strictName);
    expect(fieldOf(strictName, strict)).not.toBe(strict);
    expect(schema(fieldName)).toBe(fieldOf(strictName, strict));
  });

  it.each(['edxml-edoc.xsd', 'edxml-status.xsd', 'edxml-edoc.field.xsd', 'edxml-status.field.xsd'])('%s compiles with libxml2 and targets the QCVN 102 namespace', (name) => {
    const doc = XmlDocument.fromString(schema(name));
    const validator = XsdValidator.fromDoc(doc);
    expect(doc.root.attr('targetNamespace')?.value).toBe('http://www.mic.gov.vn/TBT/QCVN_102_2016');
    validator.dispose();
    doc.dispose();
  });
});

describe('docs/edxml.md', () => {
  it('documents every error and warning code', async () => {
    const { EDXML_ERROR_CODES, EDXML_WARNING_CODES } = await import('../../src/edxml/error-codes.js');
    const doc = readFileSync(new URL('../../docs/edxml.md', import.meta.url), 'utf8');
    for (const code of [...Object.keys(EDXML_ERROR_CODES), ...Object.keys(EDXML_WARNING_CODES)]) expect(doc).toContain(`\`${code}\``);
  });
});
