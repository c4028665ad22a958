import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { insertAt, signatureInsertionOffset } from '../../src/signature/signature-placement.js';

const sample = readFileSync(new URL('../fixtures/edxml/edoc.edxml', import.meta.url));

describe('where the enveloped Signature goes in an edXML package', () => {
  it('is right after TraceHeaderList inside edXMLHeader, as in the samples', () => {
    const offset = signatureInsertionOffset(sample);
    expect(offset).toBeDefined();
    expect(sample.subarray(0, offset).toString('latin1')).toMatch(/<\/edXML:TraceHeaderList>$/);
    expect(sample.subarray(offset!).toString('latin1')).toMatch(/^\s*<Signature /);
  });

  it('keeps every other byte of the package as received', () => {
    const offset = signatureInsertionOffset(sample)!;
    const out = insertAt(sample, offset, Buffer.from('<S/>'));
    expect(Buffer.concat([out.subarray(0, offset), out.subarray(offset + 4)]).equals(sample)).toBe(true);
  });

  it('finds no place in a document without edXMLHeader/TraceHeaderList', () => {
    expect(signatureInsertionOffset(Buffer.from('<edXML:edXMLEnvelope xmlns:edXML="x"><edXML:edXMLHeader></edXML:edXMLHeader></edXML:edXMLEnvelope>'))).toBeUndefined();
  });
});
