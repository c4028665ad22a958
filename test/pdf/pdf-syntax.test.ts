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

  it('reads text strings in every encoding writers use: UTF-16BE and UTF-8 with BOM, UTF-8 without (pdfsig), PDFDocEncoding', () => {
    const utf8 = Buffer.from('Nguyễn Văn An', 'utf8');
    expect(decodeText(utf8)).toBe('Nguyễn Văn An'); // poppler's pdfsig writes /Name like this; Latin-1 gave "Nguyá»\u0085n VÄ\u0083n An"
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]))).toBe('Nguyễn Văn An');
    expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('Trần Thị Bình', 'utf16le').swap16()]))).toBe('Trần Thị Bình');
    expect(decodeText(Buffer.from('Le Van Cuong', 'latin1'))).toBe('Le Van Cuong');
    // PDFDocEncoding: 0xE9 alone is not UTF-8, so it is é; 0x80, 0x84, 0x92 and 0xA0 are the bullet, em dash, (TM) and euro.
    expect(decodeText(Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x84, 0x92, 0xa0]))).toBe('Café •—™€');
    expect(decodeText(Buffer.from([0x18, 0x1f]))).toBe('\u02d8\u02dc');
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
