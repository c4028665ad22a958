import { describe, expect, it } from 'vitest';
import { decodeText, parseValue, pdf, PdfSyntaxError, serialize } from '../../src/signature/pdf/pdf-syntax.js';
import { readCrossReference, scanObjects } from '../../src/signature/pdf/pdf-objects.js';
import { parsePdfDate } from '../../src/signature/pdf/pdf-signature-dictionaries.js';
import { minimalPdf } from '../fixtures/pdf/minimal-pdf.js';

const parse = (text: string) => parseValue(Buffer.from(text, 'latin1'), 0).value;

describe('the PDF object syntax the signature code reads and writes', () => {
  it('reads a signature dictionary with references, escapes and a hex /Contents, and knows where /Contents sits', () => {
    const text = '<</Type /Sig /ByteRange [0 10 20 5] /Name (Nguy\\(n\\) \\101) /V 12 0 R /Contents <0a0B>>>';
    const value = parse(text);
    expect(value.kind).toBe('dict');
    if (value.kind !== 'dict') return;
    expect(serialize(value.entries.get('V')!)).toBe('12 0 R');
    const name = value.entries.get('Name');
    expect(name?.kind === 'string' && name.bytes.toString('latin1')).toBe('Nguy(n) A');
    const contents = value.entries.get('Contents');
    expect(contents?.kind === 'string' && [contents.hex, contents.bytes.toString('hex'), contents.start, contents.end]).toEqual([true, '0a0b', text.indexOf('<0a'), text.indexOf('<0a') + 6]);
  });

  it('writes Vietnamese text as UTF-16BE with a BOM and reads it back', () => {
    const written = serialize(pdf.text('Nguyễn Văn An'));
    expect(written.startsWith('<feff')).toBe(true);
    const back = parse(written);
    expect(back.kind === 'string' && decodeText(back.bytes)).toBe('Nguyễn Văn An');
  });

  it('refuses hostile nesting instead of overflowing the stack', () => {
    expect(() => parse('['.repeat(10_000))).toThrow(PdfSyntaxError);
  });

  it('parses PDF dates with and without an offset', () => {
    expect(parsePdfDate("D:20261122180000+07'00'")).toBe('2026-11-22T11:00:00.000Z');
    expect(parsePdfDate('D:20261122180000Z')).toBe('2026-11-22T18:00:00.000Z');
    expect(parsePdfDate('yesterday')).toBeUndefined();
  });
});

describe('finding objects in a PDF', () => {
  it('reads the cross-reference table of a generated PDF and finds every object at its offset', () => {
    const file = minimalPdf();
    const xref = readCrossReference(file);
    expect(xref.kind).toBe('table');
    expect(serialize(xref.trailer.entries.get('Root')!)).toBe('1 0 R');
    for (const obj of scanObjects(file)) expect(xref.entries.get(obj.num)).toEqual({ offset: obj.start, gen: 0 });
  });

  it('walks the body without being fooled by "obj" inside a stream', () => {
    const file = minimalPdf('Cong van 9 0 obj << /Evil true >> endobj');
    const nums = scanObjects(file).map((o) => o.num);
    expect(nums).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('rejects a cross-reference chain that loops', () => {
    const file = minimalPdf();
    const xrefAt = file.lastIndexOf('xref\n0');
    const looped = Buffer.from(file.toString('latin1').replace('/Root 1 0 R', `/Root 1 0 R /Prev ${xrefAt}`), 'latin1');
    expect(() => readCrossReference(looped)).toThrow(/loops/);
  });
});
