/**
 * A first, byte-level pass over a package, before any XML parser sees it. It enforces the parse limits and the
 * no-DTD rule cheaply (jumping from '<' to '<' with Buffer.indexOf), and lifts every attachment's base64 text out
 * of the bytes handed to libxml2: the XML tree then holds a few kilobytes, while the attachments stay zero-copy
 * views of the caller's buffer. Base64 text contains neither '<' nor '&', so removing it cannot change whether the
 * rest is well-formed; text that is not pure base64 is left in place for libxml2 and the rules to judge.
 * Its lexical layer (whitespace, markup, tags, DTD refusal, XML declaration) is xml-lexer.ts, shared with the XMLDSig
 * scanner; syntax the lexer cannot read marks the scan incomplete and is left to libxml2 to report.
 */
import { EdxmlError } from './edxml-error.js';
import type { EdxmlErrorCode } from './error-codes.js';
import type { ParseLimits } from './limits.js';
import { scanBase64, type Base64Stats } from './base64-text.js';
import {
  bomLength, closingQuoteOf, DELIMITERS, endTagEndAt, isEmptyElementEnd, isUtf8Label, isWideEncoding, isXmlSpace, LT, markupAt, nameEndAt,
  readXmlDeclaration, skipSpace, startTagEndAt, terminatorOf, valueQuoteAt,
} from './xml-lexer.js';

/** One ContentTransferEncoded element, in document order. */
export interface EncodedSpan {
  start: number;
  end: number;
  /** Set when the text was valid base64 and was cut out of the skeleton; otherwise read it from the XML tree. */
  stats?: Base64Stats;
}

export interface RawScan {
  /** What libxml2 parses: the package with attachment texts replaced by their line feeds (same line numbers). */
  skeleton: Uint8Array;
  spans: EncodedSpan[];
  /** False when the scan met syntax it does not understand; such input is never well-formed XML. */
  complete: boolean;
}

const TARGET = Buffer.from('ContentTransferEncoded', 'latin1');

export function lineAt(bytes: Uint8Array, offset: number): number {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let line = 1;
  for (let at = buf.indexOf(0x0a); at >= 0 && at < offset; at = buf.indexOf(0x0a, at + 1)) line++;
  return line;
}

interface OpenAttachment {
  nameStart: number;
  nameEnd: number;
  depth: number;
  contentStart: number;
  impure: boolean;
}

export function scanPackageBytes(bytes: Uint8Array, limits: ParseLimits): RawScan {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = b.length;
  const fail = (code: EdxmlErrorCode, message: string, at: number, element?: string): never => failAt(b, code, message, at, element);
  if (n === 0) throw new EdxmlError('EDXML_EMPTY', 'The package is empty: send the edXML file itself');
  if (n > limits.maxBytes) {
    throw new EdxmlError('EDXML_TOO_LARGE', `The package is ${n} bytes, more than the ${limits.maxBytes} bytes accepted`);
  }
  checkEncoding(b);

  const spans: EncodedSpan[] = [];
  let pos = bomLength(b);
  let depth = 0;
  let elements = 0;
  let open: OpenAttachment | undefined;
  let complete = true;
  let first = true;

  scan: while (pos < n) {
    const i = b.indexOf(LT, pos);
    const runEnd = i < 0 ? n : i;
    if (first) {
      first = false;
      const junk = firstNonSpace(b, pos, runEnd);
      if (junk >= 0) {
        const sample = b.toString('utf8', junk, Math.min(junk + 16, runEnd)).replace(/\s+/g, ' ');
        fail('EDXML_NOT_WELL_FORMED', `The file does not start with XML: ${runEnd - junk} stray bytes ("${sample}") come before the first tag; remove them`, junk);
      }
    }
    if (!open && runEnd - pos > limits.maxTextLength) {
      fail('EDXML_LIMIT_TEXT_LENGTH', `A text value is ${runEnd - pos} bytes long, more than the ${limits.maxTextLength} accepted outside attachments`, pos);
    }
    if (i < 0) break;
    const kind = markupAt(b, i);
    if (kind === 'comment' || kind === 'cdata' || kind === 'pi') {
      const close = terminatorOf(b, kind, i);
      if (close < 0) break scan;
      const end = close + DELIMITERS[kind].close.length;
      if (open) open.impure = true;
      else if (end - i > limits.maxTextLength) {
        fail('EDXML_LIMIT_TEXT_LENGTH', kind === 'pi' ? `A processing instruction is ${end - i} bytes long` : `A comment or CDATA section is ${end - i} bytes long, more than the ${limits.maxTextLength} accepted`, i);
      }
      pos = end;
    } else if (kind === 'dtd') {
      fail('EDXML_DTD_FORBIDDEN', 'The package declares a DOCTYPE or entities; edXML packages must not carry a DTD (it could expand entities or fetch external files). Remove it', i);
    } else if (kind === 'unknown') {
      complete = false;
      break scan;
    } else if (kind === 'end-tag') {
      const nameStart = i + 2;
      const nameEnd = nameEndAt(b, nameStart, n);
      const after = endTagEndAt(b, nameEnd, n);
      if (after < 0 || nameEnd === nameStart) {
        complete = false;
        break scan;
      }
      if (open && depth === open.depth) {
        if (b.compare(b, open.nameStart, open.nameEnd, nameStart, nameEnd) !== 0) {
          complete = false;
          break scan;
        }
        spans.push(attachmentSpan(b, open, i));
        open = undefined;
      }
      depth--;
      pos = after;
    } else {
      const nameStart = i + 1;
      const nameEnd = nameEndAt(b, nameStart, n);
      if (nameEnd - nameStart > limits.maxNameLength) fail('EDXML_LIMIT_NAME_LENGTH', `An element name is longer than ${limits.maxNameLength} characters`, i);
      if (nameEnd === nameStart) {
        complete = false;
        break scan;
      }
      const j = startTagEnd(b, i, nameStart, nameEnd, limits);
      if (j < 0) {
        complete = false;
        break scan;
      }
      if (++elements > limits.maxElements) fail('EDXML_LIMIT_ELEMENTS', `The package has more than ${limits.maxElements} elements`, i, elementName(b, nameStart, nameEnd));
      if (open) open.impure = true;
      if (!isEmptyElementEnd(b, j)) {
        if (++depth > limits.maxDepth) fail('EDXML_LIMIT_DEPTH', `Elements are nested more than ${limits.maxDepth} levels deep`, i, elementName(b, nameStart, nameEnd));
        if (!open && isAttachmentText(b, nameStart, nameEnd)) open = { nameStart, nameEnd, depth, contentStart: j, impure: false };
      } else if (!open && isAttachmentText(b, nameStart, nameEnd)) {
        spans.push({ start: j, end: j });
      }
      pos = j;
    }
  }
  if (open) complete = false;
  if (spans.length > limits.maxAttachments) {
    throw new EdxmlError('EDXML_LIMIT_ATTACHMENTS', `The package has ${spans.length} attachments, more than the ${limits.maxAttachments} accepted`);
  }
  return { skeleton: buildSkeleton(b, spans), spans, complete };
}

function failAt(b: Buffer, code: EdxmlErrorCode, message: string, at: number, element?: string): never {
  throw new EdxmlError(code, message, element !== undefined ? { line: lineAt(b, at), element } : { line: lineAt(b, at) });
}

/** The element's name for an error message (made only then: it is a string per tag otherwise). */
function elementName(b: Buffer, nameStart: number, nameEnd: number): string {
  return b.toString('utf8', nameStart, Math.min(nameEnd, nameStart + 64));
}

/**
 * The attributes of the start tag whose name ends at `p`, checked against the limits: the offset just past its '>' or
 * '/>', or -1 for syntax the lexer cannot read. Apart from the main loop, so that V8 inlines the lexer into it.
 */
function startTagEnd(b: Buffer, lt: number, nameStart: number, nameEnd: number, limits: ParseLimits): number {
  const n = b.length;
  const fail = (code: EdxmlErrorCode, message: string): never => failAt(b, code, message, lt, elementName(b, nameStart, nameEnd));
  let p = nameEnd;
  for (;;) {
    p = skipSpace(b, p, n);
    const tagEnd = startTagEndAt(b, p, n);
    if (tagEnd >= 0) return tagEnd;
    const attributeEnd = nameEndAt(b, p, n);
    if (attributeEnd - p > limits.maxNameLength) fail('EDXML_LIMIT_NAME_LENGTH', `An attribute name is longer than ${limits.maxNameLength} characters`);
    const quote = attributeEnd === p ? -1 : valueQuoteAt(b, attributeEnd, n);
    const close = quote < 0 ? -1 : closingQuoteOf(b, quote, n);
    if (close < 0) return -1;
    if (close - quote - 1 > limits.maxAttributeLength) {
      fail('EDXML_LIMIT_ATTRIBUTE_LENGTH', `An attribute value is ${close - quote - 1} bytes long, more than the ${limits.maxAttributeLength} accepted`);
    }
    p = close + 1;
  }
}

function isAttachmentText(b: Buffer, nameStart: number, nameEnd: number): boolean {
  const localStart = nameEnd - TARGET.length;
  if (localStart < nameStart) return false;
  if (localStart > nameStart && b[localStart - 1] !== 0x3a) return false;
  return b.compare(TARGET, 0, TARGET.length, localStart, nameEnd) === 0;
}

function attachmentSpan(b: Buffer, open: OpenAttachment, end: number): EncodedSpan {
  if (open.impure) return { start: open.contentStart, end };
  const stats = scanBase64(b, open.contentStart, end);
  return stats.valid ? { start: open.contentStart, end, stats } : { start: open.contentStart, end };
}

function buildSkeleton(b: Buffer, spans: EncodedSpan[]): Uint8Array {
  const cut = spans.filter((s) => s.stats !== undefined && s.end > s.start);
  if (cut.length === 0) return b;
  const pieces: Buffer[] = [];
  let at = 0;
  for (const span of cut) {
    pieces.push(b.subarray(at, span.start), Buffer.alloc(span.stats!.newlines, 0x0a));
    at = span.end;
  }
  pieces.push(b.subarray(at));
  return Buffer.concat(pieces);
}

function firstNonSpace(b: Buffer, from: number, to: number): number {
  for (let k = from; k < to; k++) if (!isXmlSpace(b[k])) return k;
  return -1;
}

function checkEncoding(b: Buffer): void {
  if (isWideEncoding(b)) {
    throw new EdxmlError('EDXML_ENCODING_UNSUPPORTED', 'The package is encoded in UTF-16 or UTF-32; QCVN 102 packages are UTF-8. Save it as UTF-8');
  }
  const encoding = readXmlDeclaration(b, bomLength(b))?.encoding;
  if (encoding !== undefined && !isUtf8Label(encoding)) {
    throw new EdxmlError('EDXML_ENCODING_UNSUPPORTED', `The package declares encoding "${encoding.slice(0, 40)}"; QCVN 102 packages are UTF-8. Save it as UTF-8`, { line: 1 });
  }
}
