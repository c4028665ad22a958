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

  it.each(['edxml-edoc.xsd', 'edxml-status.xsd'])('%s compiles with libxml2 and targets the QCVN 102 namespace', (name) => {
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
