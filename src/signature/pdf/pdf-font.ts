/**
 * A TrueType font for the text of a visible signature (the official's name and the signing time, in Vietnamese):
 * the standard 14 PDF fonts have no "ễ" or "ă", so the font file is embedded (FontFile2, FlateDecode) as a Type0 /
 * CIDFontType2 font with Identity-H encoding, glyphs addressed by their ids, widths from hmtx and a ToUnicode map
 * so the text can be copied and searched. Only the tables needed are read: head, hhea, hmtx, cmap (format 4 or 12),
 * OS/2 (embedding permission, cap height), post (italic angle).
 */
import { deflateSync } from 'node:zlib';
import type { UpdatedObject } from './pdf-incremental-update.js';
import { PdfSignatureError } from './pdf-signature-error.js';

const MAX_FONT_BYTES = 30 * 1024 * 1024;

export interface TrueTypeFont {
  bytes: Buffer;
  unitsPerEm: number;
  bbox: [number, number, number, number];
  ascent: number;
  descent: number;
  capHeight: number;
  italicAngle: number;
  /** Glyph id of a character, 0 (.notdef) when the font has none. */
  glyphOf(codePoint: number): number;
  /** Advance width of a glyph, in 1/1000 em. */
  widthOf(glyph: number): number;
}

function invalid(message: string): PdfSignatureError {
  return new PdfSignatureError('PDF_APPEARANCE_INVALID', `The signature font: ${message}`);
}

function tables(buf: Buffer): Map<string, Buffer> {
  if (buf.length < 12) throw invalid('the file is too short to be a TrueType font.');
  const version = buf.readUInt32BE(0);
  if (version !== 0x00010000 && version !== 0x74727565) throw invalid('it is not a TrueType font (.ttf); OpenType CFF (.otf) and collections are not embedded.');
  const count = buf.readUInt16BE(4);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const at = 12 + i * 16;
    if (at + 16 > buf.length) throw invalid('its table directory is truncated.');
    const offset = buf.readUInt32BE(at + 8);
    const length = buf.readUInt32BE(at + 12);
    if (offset + length > buf.length) throw invalid('a table reaches past the end of the file.');
    out.set(buf.toString('latin1', at, at + 4), buf.subarray(offset, offset + length));
  }
  return out;
}

function cmapLookup(cmap: Buffer): (cp: number) => number {
  const count = cmap.readUInt16BE(2);
  const subtables: Array<{ platform: number; encoding: number; table: Buffer }> = [];
  for (let i = 0; i < count; i++) {
    const at = 4 + i * 8;
    subtables.push({ platform: cmap.readUInt16BE(at), encoding: cmap.readUInt16BE(at + 2), table: cmap.subarray(cmap.readUInt32BE(at + 4)) });
  }
  const full = subtables.find((s) => s.table.readUInt16BE(0) === 12 && (s.platform === 3 || s.platform === 0));
  if (full) {
    const groups = full.table.readUInt32BE(12);
    return (cp) => {
      for (let g = 0; g < groups; g++) {
        const at = 16 + g * 12;
        const start = full.table.readUInt32BE(at);
        if (cp >= start && cp <= full.table.readUInt32BE(at + 4)) return full.table.readUInt32BE(at + 8) + cp - start;
      }
      return 0;
    };
  }
  const bmp = subtables.find((s) => s.table.readUInt16BE(0) === 4 && (s.platform === 3 || s.platform === 0));
  if (!bmp) throw invalid('it has no Unicode character map.');
  const t = bmp.table;
  const segments = t.readUInt16BE(6) / 2;
  const ends = 14;
  const starts = ends + segments * 2 + 2;
  const deltas = starts + segments * 2;
  const ranges = deltas + segments * 2;
  return (cp) => {
    if (cp > 0xffff) return 0;
    for (let s = 0; s < segments; s++) {
      if (cp > t.readUInt16BE(ends + s * 2)) continue;
      const start = t.readUInt16BE(starts + s * 2);
      if (cp < start) return 0;
      const delta = t.readInt16BE(deltas + s * 2);
      const rangeOffset = t.readUInt16BE(ranges + s * 2);
      if (rangeOffset === 0) return (cp + delta) & 0xffff;
      const at = ranges + s * 2 + rangeOffset + (cp - start) * 2;
      const glyph = at + 2 <= t.length ? t.readUInt16BE(at) : 0;
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}

export function readTrueTypeFont(bytes: Uint8Array): TrueTypeFont {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length > MAX_FONT_BYTES) throw invalid(`the file is larger than ${MAX_FONT_BYTES} bytes.`);
  const t = tables(buf);
  const [head, hhea, hmtx, cmap] = ['head', 'hhea', 'hmtx', 'cmap'].map((n) => t.get(n));
  if (!head || !hhea || !hmtx || !cmap) throw invalid('it lacks one of the head, hhea, hmtx or cmap tables.');
  const os2 = t.get('OS/2');
  // fsType bit 1: "restricted license embedding": the font's licence forbids putting it in a document.
  if (os2 && (os2.readUInt16BE(8) & 0x000f) === 0x0002) throw invalid('its licence forbids embedding it in documents.');
  const unitsPerEm = head.readUInt16BE(18);
  const scale = (v: number) => Math.round((v * 1000) / unitsPerEm);
  const metrics = hhea.readUInt16BE(34);
  const post = t.get('post');
  const ascent = scale(hhea.readInt16BE(4));
  return {
    bytes: buf,
    unitsPerEm,
    bbox: [scale(head.readInt16BE(36)), scale(head.readInt16BE(38)), scale(head.readInt16BE(40)), scale(head.readInt16BE(42))],
    ascent,
    descent: scale(hhea.readInt16BE(6)),
    capHeight: os2 && os2.length >= 90 && os2.readUInt16BE(0) >= 2 ? scale(os2.readInt16BE(88)) : ascent,
    italicAngle: post ? post.readInt32BE(4) / 65536 : 0,
    glyphOf: cmapLookup(cmap),
    widthOf: (glyph) => scale(hmtx.readUInt16BE(Math.min(glyph, metrics - 1) * 4)),
  };
}

/** A text run in the font: the glyph ids as an Identity-H hex string, and its width in 1/1000 em. */
export function glyphRun(font: TrueTypeFont, text: string): { hex: string; width: number; glyphs: Array<{ glyph: number; codePoint: number }> } {
  const glyphs = [...text.normalize('NFC')].map((ch) => ({ glyph: font.glyphOf(ch.codePointAt(0)!), codePoint: ch.codePointAt(0)! }));
  return {
    hex: glyphs.map((g) => g.glyph.toString(16).padStart(4, '0')).join(''),
    width: glyphs.reduce((sum, g) => sum + font.widthOf(g.glyph), 0),
    glyphs,
  };
}

/** The objects of the embedded font, numbered from `first`: Type0 (at `first`), CIDFont, descriptor, file, ToUnicode. */
export function fontObjects(font: TrueTypeFont, first: number, used: Array<{ glyph: number; codePoint: number }>): UpdatedObject[] {
  const [type0, cid, descriptor, file, toUnicode] = [first, first + 1, first + 2, first + 3, first + 4];
  const unique = [...new Map(used.filter((g) => g.glyph !== 0).map((g) => [g.glyph, g])).values()].sort((a, b) => a.glyph - b.glyph);
  const widths = unique.map((g) => `${g.glyph} [${font.widthOf(g.glyph)}]`).join(' ');
  const utf16 = (cp: number) => Buffer.from(String.fromCodePoint(cp), 'utf16le').swap16().toString('hex');
  const cmap = [
    '/CIDInit /ProcSet findresource begin 12 dict begin begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def',
    '1 begincodespacerange <0000> <FFFF> endcodespacerange',
    `${unique.length} beginbfchar`,
    ...unique.map((g) => `<${g.glyph.toString(16).padStart(4, '0')}> <${utf16(g.codePoint)}>`),
    'endbfchar endcmap CMapName currentdict /CMap defineresource pop end end',
  ].join('\n');
  const packed = deflateSync(font.bytes);
  const stream = (dict: string, data: Buffer) => `${dict.replace(/>>$/, ` /Length ${data.length}>>`)}\nstream\n${data.toString('latin1')}\nendstream`;
  return [
    { num: type0, gen: 0, body: `<</Type /Font /Subtype /Type0 /BaseFont /EdxSignatureFont /Encoding /Identity-H /DescendantFonts [${cid} 0 R] /ToUnicode ${toUnicode} 0 R>>` },
    { num: cid, gen: 0, body: `<</Type /Font /Subtype /CIDFontType2 /BaseFont /EdxSignatureFont /CIDSystemInfo <</Registry (Adobe) /Ordering (Identity) /Supplement 0>> /FontDescriptor ${descriptor} 0 R /DW 1000 /W [${widths}] /CIDToGIDMap /Identity>>` },
    { num: descriptor, gen: 0, body: `<</Type /FontDescriptor /FontName /EdxSignatureFont /Flags 32 /FontBBox [${font.bbox.join(' ')}] /ItalicAngle ${font.italicAngle} /Ascent ${font.ascent} /Descent ${font.descent} /CapHeight ${font.capHeight} /StemV 80 /FontFile2 ${file} 0 R>>` },
    { num: file, gen: 0, body: stream(`<</Filter /FlateDecode /Length1 ${font.bytes.length}>>`, packed) },
    { num: toUnicode, gen: 0, body: stream('<<>>', Buffer.from(cmap, 'latin1')) },
  ];
}
