/**
 * The byte-level lexical layer of XML 1.0 shared by the two scanners that read a package's raw bytes:
 * src/edxml/raw-scan.ts (limits and attachment spans, before libxml2 parses) and src/signature/xmldsig/xml-scanner.ts
 * (the streaming canonicalizer and the Signature placement). One whitespace rule (XML's S), one reading of markup and
 * tags, one DTD refusal, one reading of the XML declaration; each scanner turns a problem into its own error code.
 * Markup is ASCII, so scanning UTF-8 bytes for it is exact. Searches are Buffer.indexOf or short loops over a name,
 * and nothing here allocates per tag: a 30 MiB attachment costs one indexOf, not a byte loop.
 */

export const LT = 0x3c;
export const GT = 0x3e;
export const AMP = 0x26;
export const SLASH = 0x2f;
export const EQ = 0x3d;
export const CR = 0x0d;
export const LF = 0x0a;

/** XML's S production: space, tab, CR, LF. Nothing else (no NBSP, no form feed) separates markup. */
export function isXmlSpace(b: number | undefined): boolean {
  return b === 0x20 || b === LF || b === CR || b === 0x09;
}

export function skipSpace(buf: Buffer, p: number, end: number): number {
  while (p < end && isXmlSpace(buf[p])) p++;
  return p;
}

/** Where a name starting at `p` ends: at S, '/', '>', '=', '<' or `end`. Whether it is a good name is the caller's. */
export function nameEndAt(buf: Buffer, p: number, end: number): number {
  while (p < end) {
    const b = buf[p];
    if (b === 0x20 || b === LF || b === CR || b === 0x09 || b === SLASH || b === GT || b === EQ || b === LT) break;
    p++;
  }
  return p;
}

/** Finds the next occurrence of a byte; remembers it, so a forward scan costs O(n) per byte value in total. */
export class ByteFinder {
  private readonly next = new Map<number, number>();
  constructor(private readonly buf: Buffer) {}
  find(byte: number, from: number): number {
    const cached = this.next.get(byte);
    if (cached !== undefined && cached >= from) return cached;
    const found = this.buf.indexOf(byte, from);
    const at = found < 0 ? this.buf.length : found;
    this.next.set(byte, at);
    return at;
  }
}

/**
 * What the markup opening with the '<' at `lt` is. 'dtd' is a document type declaration or any markup declaration
 * (ENTITY, ELEMENT, ATTLIST, NOTATION): both scanners refuse it, since a DTD could expand entities or fetch files.
 */
export type MarkupKind = 'start-tag' | 'end-tag' | 'comment' | 'cdata' | 'pi' | 'dtd' | 'unknown';

const DTD_KEYWORDS = ['<!DOCTYPE', '<!ENTITY', '<!ELEMENT', '<!ATTLIST', '<!NOTATION'].map((s) => Buffer.from(s, 'latin1'));
const CDATA_OPEN = Buffer.from('<![CDATA[', 'latin1');

export function markupAt(buf: Buffer, lt: number): MarkupKind {
  const next = buf[lt + 1];
  if (next === 0x3f) return 'pi';
  if (next === SLASH) return 'end-tag';
  if (next !== 0x21) return 'start-tag';
  if (buf[lt + 2] === 0x2d && buf[lt + 3] === 0x2d) return 'comment';
  if (startsWith(buf, lt, CDATA_OPEN)) return 'cdata';
  return DTD_KEYWORDS.some((k) => startsWith(buf, lt, k)) ? 'dtd' : 'unknown';
}

function startsWith(buf: Buffer, at: number, prefix: Buffer): boolean {
  return at + prefix.length <= buf.length && buf.compare(prefix, 0, prefix.length, at, at + prefix.length) === 0;
}

/** Markup that runs to a fixed terminator: its body starts `open` bytes after '<' and ends at `close`. */
export type DelimitedKind = 'comment' | 'cdata' | 'pi';
export const DELIMITERS: Readonly<Record<DelimitedKind, { open: number; close: string }>> = {
  comment: { open: 4, close: '-->' },
  cdata: { open: 9, close: ']]>' },
  pi: { open: 2, close: '?>' },
};

/** Offset of the terminator of the comment, CDATA section or PI opening at `lt`, or -1 when none ends before `end`. */
export function terminatorOf(buf: Buffer, kind: DelimitedKind, lt: number, end = buf.length): number {
  const { open, close } = DELIMITERS[kind];
  const at = buf.indexOf(close, lt + open, 'latin1');
  return at < 0 || at + close.length > end ? -1 : at;
}

/*
 * Tags are read with small functions over offsets, not a tokenizer object: V8 inlines them into each scanner's tag
 * loop and positions stay in locals (measured with `npm run bench:edxml` and a markup-heavy document, docs/xmldsig.md).
 */

/** At `p` inside a start tag (after any S): the offset just past '>' or '/>' when the tag closes here, else -1. */
export function startTagEndAt(buf: Buffer, p: number, end: number): number {
  const b = buf[p];
  if (b === GT && p < end) return p + 1;
  if (b === SLASH && buf[p + 1] === GT && p + 1 < end) return p + 2;
  return -1;
}

/** Whether `tagEnd`, an offset startTagEndAt returned, closes an empty-element tag ('/>'): before a plain '>' stands
 * a quote, S or a name byte, never '/' (a name stops at '/', and '/' not followed by '>' is no tag end). */
export function isEmptyElementEnd(buf: Buffer, tagEnd: number): boolean {
  return buf[tagEnd - 2] === SLASH;
}

/** What stands where an attribute's `= "value"` should. */
export const NO_EQUALS = -1;
export const UNQUOTED = -2;

/** After an attribute name ending at `p`: S? '=' S? then the opening quote's offset, or NO_EQUALS / UNQUOTED. */
export function valueQuoteAt(buf: Buffer, p: number, end: number): number {
  p = skipSpace(buf, p, end);
  if (buf[p] !== EQ || p >= end) return NO_EQUALS;
  p = skipSpace(buf, p + 1, end);
  const quote = buf[p];
  return (quote === 0x22 || quote === 0x27) && p < end ? p : UNQUOTED;
}

/** The offset of the quote that closes the value opened at `quote`, or -1. The value may hold '>' (and '<': judged by the caller). */
export function closingQuoteOf(buf: Buffer, quote: number, end: number): number {
  const close = buf.indexOf(buf[quote]!, quote + 1);
  return close < 0 || close >= end ? -1 : close;
}

/** After an end tag's name ending at `p`: S? '>' and the offset just past it, or -1. */
export function endTagEndAt(buf: Buffer, p: number, end: number): number {
  p = skipSpace(buf, p, end);
  return buf[p] === GT && p < end ? p + 1 : -1;
}

/** UTF-16 or UTF-32, by byte order mark or by a NUL among the first two bytes of '<': neither scanner reads those. */
export function isWideEncoding(buf: Uint8Array): boolean {
  const b0 = buf[0];
  const b1 = buf[1];
  return (b0 === 0xfe && b1 === 0xff) || (b0 === 0xff && b1 === 0xfe) || b0 === 0x00 || (b0 === LT && b1 === 0x00);
}

/** Length of a UTF-8 byte order mark at the start (0 or 3). */
export function bomLength(buf: Uint8Array): number {
  return buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
}

export interface XmlDeclaration {
  /** Offset just past '?>', or -1 when the declaration is never closed (its first 512 bytes are then read). */
  end: number;
  version?: string;
  encoding?: string;
}

/** The XML declaration opening at `at` (after any BOM), or undefined when the document starts otherwise. */
export function readXmlDeclaration(buf: Buffer, at: number): XmlDeclaration | undefined {
  if (buf.toString('latin1', at, at + 5) !== '<?xml' || !isXmlSpace(buf[at + 5])) return undefined;
  const close = buf.indexOf('?>', at, 'latin1');
  const text = buf.toString('latin1', at, close < 0 ? Math.min(buf.length, at + 512) : close);
  const version = /\sversion\s*=\s*["']([^"']*)["']/.exec(text)?.[1];
  const encoding = /\sencoding\s*=\s*["']([^"']*)["']/.exec(text)?.[1];
  return { end: close < 0 ? -1 : close + 2, ...(version !== undefined ? { version } : {}), ...(encoding !== undefined ? { encoding } : {}) };
}

export function isUtf8Label(encoding: string): boolean {
  return /^utf-?8$/i.test(encoding);
}
