/**
 * The PDF object syntax (ISO 32000-1 §7.3) we need to read signature dictionaries and to write an incremental
 * update: a small tokenizer/parser over bytes and a serializer. Streams are located, never decoded.
 */

export type PdfValue =
  | { kind: 'dict'; entries: Map<string, PdfValue> }
  | { kind: 'array'; items: PdfValue[] }
  | { kind: 'name'; value: string }
  | { kind: 'number'; value: number; raw: string }
  | { kind: 'string'; bytes: Buffer; hex: boolean; start: number; end: number }
  | { kind: 'ref'; num: number; gen: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' };

export type PdfDict = Extract<PdfValue, { kind: 'dict' }>;

/** An indirect object "n g obj ... endobj" as found in the file (start -1 when it came from an object stream). */
export interface IndirectObject {
  num: number;
  gen: number;
  value: PdfValue;
  /** Offset of "n g obj" and of the byte after "endobj" (or after the stream when it has no endobj). */
  start: number;
  end: number;
  /** Where the raw (still encoded) stream data lies, for stream objects. */
  stream?: { start: number; end: number };
}


export class PdfSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at byte ${offset}`);
  }
}

/** Nesting deeper than this is hostile input, not a document: refuse it before the stack does. */
const MAX_DEPTH = 64;

const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIMITERS = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);

export function isWhitespace(byte: number | undefined): boolean {
  return byte !== undefined && WHITESPACE.has(byte);
}

function isRegular(byte: number | undefined): boolean {
  return byte !== undefined && !WHITESPACE.has(byte) && !DELIMITERS.has(byte);
}

/** Skips whitespace and comments; returns the offset of the next token. */
export function skipBlank(buf: Uint8Array, pos: number): number {
  let p = pos;
  while (p < buf.length) {
    const b = buf[p];
    if (isWhitespace(b)) p++;
    else if (b === 0x25) {
      while (p < buf.length && buf[p] !== 0x0a && buf[p] !== 0x0d) p++;
    } else break;
  }
  return p;
}

function readRegular(buf: Uint8Array, pos: number): { text: string; end: number } {
  let p = pos;
  while (p < buf.length && isRegular(buf[p])) p++;
  return { text: Buffer.from(buf.subarray(pos, p)).toString('latin1'), end: p };
}

/** Reads an unsigned integer token at `pos` (after blanks), or undefined if the next token is not one. */
export function readInteger(buf: Uint8Array, pos: number): { value: number; end: number } | undefined {
  const p = skipBlank(buf, pos);
  const { text, end } = readRegular(buf, p);
  if (!/^\d{1,15}$/.test(text)) return undefined;
  return { value: Number(text), end };
}

/** Reads a bare keyword (obj, endobj, stream, R, trailer...) at `pos` after blanks. */
export function readKeyword(buf: Uint8Array, pos: number): { text: string; end: number } {
  return readRegular(buf, skipBlank(buf, pos));
}

function parseLiteralString(buf: Uint8Array, start: number): { bytes: Buffer; end: number } {
  const out: number[] = [];
  let depth = 1;
  let p = start + 1;
  while (p < buf.length) {
    const b = buf[p++] as number;
    if (b === 0x5c) {
      const e = buf[p++];
      if (e === undefined) break;
      const simple: Record<number, number> = { 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x62: 0x08, 0x66: 0x0c, 0x28: 0x28, 0x29: 0x29, 0x5c: 0x5c };
      if (simple[e] !== undefined) out.push(simple[e] as number);
      else if (e >= 0x30 && e <= 0x37) {
        let v = e - 0x30;
        for (let i = 0; i < 2 && (buf[p] ?? 0) >= 0x30 && (buf[p] ?? 0) <= 0x37; i++) v = v * 8 + ((buf[p++] as number) - 0x30);
        out.push(v & 0xff);
      } else if (e === 0x0d) {
        if (buf[p] === 0x0a) p++;
      } else if (e !== 0x0a) out.push(e);
      continue;
    }
    if (b === 0x28) depth++;
    if (b === 0x29 && --depth === 0) return { bytes: Buffer.from(out), end: p };
    out.push(b);
  }
  throw new PdfSyntaxError('unterminated string', start);
}

function parseHexString(buf: Uint8Array, start: number): { bytes: Buffer; end: number } {
  const close = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).indexOf(0x3e, start + 1);
  if (close < 0) throw new PdfSyntaxError('unterminated hex string', start);
  let hex = Buffer.from(buf.subarray(start + 1, close)).toString('latin1').replace(/[\0\t\n\f\r ]/g, '');
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw new PdfSyntaxError('bad hex string', start);
  if (hex.length % 2) hex += '0';
  return { bytes: Buffer.from(hex, 'hex'), end: close + 1 };
}

/** Parses one PDF value at `pos` (blanks first). Indirect references `n g R` are recognised. */
export function parseValue(buf: Uint8Array, pos: number, depth = 0): { value: PdfValue; end: number } {
  if (depth > MAX_DEPTH) throw new PdfSyntaxError('objects nested too deeply', pos);
  const p = skipBlank(buf, pos);
  const b = buf[p];
  if (b === undefined) throw new PdfSyntaxError('unexpected end of data', p);
  if (b === 0x3c && buf[p + 1] === 0x3c) {
    const entries = new Map<string, PdfValue>();
    let q = p + 2;
    for (;;) {
      q = skipBlank(buf, q);
      if (buf[q] === 0x3e && buf[q + 1] === 0x3e) return { value: { kind: 'dict', entries }, end: q + 2 };
      const key = parseValue(buf, q, depth + 1);
      if (key.value.kind !== 'name') throw new PdfSyntaxError('dictionary key is not a name', q);
      const val = parseValue(buf, key.end, depth + 1);
      entries.set(key.value.value, val.value);
      q = val.end;
    }
  }
  if (b === 0x5b) {
    const items: PdfValue[] = [];
    let q = p + 1;
    for (;;) {
      q = skipBlank(buf, q);
      if (buf[q] === 0x5d) return { value: { kind: 'array', items }, end: q + 1 };
      const item = parseValue(buf, q, depth + 1);
      items.push(item.value);
      q = item.end;
    }
  }
  if (b === 0x28) {
    const s = parseLiteralString(buf, p);
    return { value: { kind: 'string', bytes: s.bytes, hex: false, start: p, end: s.end }, end: s.end };
  }
  if (b === 0x3c) {
    const s = parseHexString(buf, p);
    return { value: { kind: 'string', bytes: s.bytes, hex: true, start: p, end: s.end }, end: s.end };
  }
  if (b === 0x2f) {
    const { text, end } = readRegular(buf, p + 1);
    const value = text.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return { value: { kind: 'name', value }, end };
  }
  const { text, end } = readRegular(buf, p);
  if (text === 'true' || text === 'false') return { value: { kind: 'bool', value: text === 'true' }, end };
  if (text === 'null') return { value: { kind: 'null' }, end };
  if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) {
    if (/^\d+$/.test(text)) {
      const gen = readInteger(buf, end);
      if (gen) {
        const r = readKeyword(buf, gen.end);
        if (r.text === 'R') return { value: { kind: 'ref', num: Number(text), gen: gen.value }, end: r.end };
      }
    }
    return { value: { kind: 'number', value: Number(text), raw: text }, end };
  }
  throw new PdfSyntaxError(`unexpected token "${text.slice(0, 20) || String.fromCharCode(b)}"`, p);
}

function escapeLiteral(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/[\\()]/g, (c) => `\\${c}`).replace(/\r/g, '\\r');
}

function serializeName(name: string): string {
  return `/${name.replace(/[^!-~]|[#()<>[\]{}/%]/g, (c) => `#${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}`;
}

export function serialize(value: PdfValue): string {
  switch (value.kind) {
    case 'dict':
      return `<<${[...value.entries].map(([k, v]) => `${serializeName(k)} ${serialize(v)}`).join(' ')}>>`;
    case 'array':
      return `[${value.items.map(serialize).join(' ')}]`;
    case 'name':
      return serializeName(value.value);
    case 'number':
      return value.raw;
    case 'string':
      return value.hex ? `<${value.bytes.toString('hex')}>` : `(${escapeLiteral(value.bytes)})`;
    case 'ref':
      return `${value.num} ${value.gen} R`;
    case 'bool':
      return String(value.value);
    case 'null':
      return 'null';
  }
}

/** Builders, so writers read like the dictionaries they make. */
export const pdf = {
  name: (value: string): PdfValue => ({ kind: 'name', value }),
  int: (value: number): PdfValue => ({ kind: 'number', value, raw: String(Math.trunc(value)) }),
  ref: (num: number, gen = 0): PdfValue => ({ kind: 'ref', num, gen }),
  array: (items: PdfValue[]): PdfValue => ({ kind: 'array', items }),
  dict: (entries: Record<string, PdfValue>): PdfDict => ({ kind: 'dict', entries: new Map(Object.entries(entries)) }),
  /** A text string (§7.9.2.2): PDFDocEncoding-safe ASCII as is, anything else UTF-16BE with a BOM (Vietnamese names). */
  text: (value: string): PdfValue => {
    const ascii = /^[\x20-\x7e]*$/.test(value);
    const bytes = ascii ? Buffer.from(value, 'latin1') : Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(value, 'utf16le').swap16()]);
    return { kind: 'string', bytes, hex: !ascii, start: -1, end: -1 };
  },
};

/**
 * PDFDocEncoding (ISO 32000-1 Annex D.2) where it differs from Latin-1: 0x18-0x1F are spacing accents, 0x80-0xA0 are
 * typographic marks and a few letters; 0x7F, 0x9F and 0xAD are undefined (kept as U+FFFD).
 */
const PDF_DOC_ENCODING: Record<number, string> = {
  0x18: '\u02d8', 0x19: '\u02c7', 0x1a: '\u02c6', 0x1b: '\u02d9', 0x1c: '\u02dd', 0x1d: '\u02db', 0x1e: '\u02da', 0x1f: '\u02dc',
  0x7f: '\ufffd', 0x80: '\u2022', 0x81: '\u2020', 0x82: '\u2021', 0x83: '\u2026', 0x84: '\u2014', 0x85: '\u2013', 0x86: '\u0192',
  0x87: '\u2044', 0x88: '\u2039', 0x89: '\u203a', 0x8a: '\u2212', 0x8b: '\u2030', 0x8c: '\u201e', 0x8d: '\u201c', 0x8e: '\u201d',
  0x8f: '\u2018', 0x90: '\u2019', 0x91: '\u201a', 0x92: '\u2122', 0x93: '\ufb01', 0x94: '\ufb02', 0x95: '\u0141', 0x96: '\u0152',
  0x97: '\u0160', 0x98: '\u0178', 0x99: '\u017d', 0x9a: '\u0131', 0x9b: '\u0142', 0x9c: '\u0153', 0x9d: '\u0161', 0x9e: '\u017e',
  0x9f: '\ufffd', 0xa0: '\u20ac', 0xad: '\ufffd',
};

function pdfDocEncoded(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) out += PDF_DOC_ENCODING[b] ?? String.fromCharCode(b);
  return out;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a PDF text string: UTF-16BE with its BOM; UTF-8 with its BOM (PDF 2.0); else, when the bytes are valid
 * UTF-8 and not pure ASCII, UTF-8 (poppler's pdfsig writes the signer's /Name that way: "Nguyễn Văn An" read as
 * PDFDocEncoding would be "Nguyá»n VÄn An"); else PDFDocEncoding. A PDFDocEncoding string with accented letters is
 * almost never valid UTF-8 (a lone 0xE9 "é" is not), so the guess costs nothing in practice.
 */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const body = Buffer.from(bytes.subarray(2, bytes.length - (bytes.length % 2)));
    return body.swap16().toString('utf16le');
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  if (bytes.some((b) => b >= 0x80)) {
    try {
      return strictUtf8.decode(bytes);
    } catch {
      // not UTF-8: PDFDocEncoding below
    }
  }
  return pdfDocEncoded(bytes);
}

export function dictGet(dict: PdfValue | undefined, key: string): PdfValue | undefined {
  return dict?.kind === 'dict' ? dict.entries.get(key) : undefined;
}
