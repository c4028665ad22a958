/**
 * A first, byte-level pass over a package, before any XML parser sees it. It enforces the parse limits and the
 * no-DTD rule cheaply (jumping from '<' to '<' with Buffer.indexOf), and lifts every attachment's base64 text out
 * of the bytes handed to libxml2: the XML tree then holds a few kilobytes, while the attachments stay zero-copy
 * views of the caller's buffer. Base64 text contains neither '<' nor '&', so removing it cannot change whether the
 * rest is well-formed; text that is not pure base64 is left in place for libxml2 and the rules to judge.
 */
import { EdxmlError } from './edxml-error.js';
import type { EdxmlErrorCode } from './error-codes.js';
import type { ParseLimits } from './limits.js';
import { scanBase64, type Base64Stats } from './base64-text.js';

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

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const TARGET = Buffer.from('ContentTransferEncoded', 'latin1');
const DTD_DECLARATIONS = ['<!DOCTYPE', '<!ENTITY', '<!ELEMENT', '<!ATTLIST', '<!NOTATION'].map((s) => Buffer.from(s, 'latin1'));

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function isNameEnd(b: number | undefined): boolean {
  return b === undefined || isSpace(b) || b === SLASH || b === GT || b === 0x3d || b === LT;
}

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
  const fail = (code: EdxmlErrorCode, message: string, at: number, element?: string): never => {
    throw new EdxmlError(code, message, element !== undefined ? { line: lineAt(b, at), element } : { line: lineAt(b, at) });
  };
  if (n === 0) throw new EdxmlError('EDXML_EMPTY', 'The package is empty: send the edXML file itself');
  if (n > limits.maxBytes) {
    throw new EdxmlError('EDXML_TOO_LARGE', `The package is ${n} bytes, more than the ${limits.maxBytes} bytes accepted`);
  }
  checkEncoding(b);

  const spans: EncodedSpan[] = [];
  let pos = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
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
    const next = b[i + 1];
    if (next === 0x21 /* ! */) {
      let end: number;
      if (b[i + 2] === 0x2d && b[i + 3] === 0x2d) {
        end = b.indexOf('-->', i + 4, 'latin1');
        if (end < 0) break scan;
        end += 3;
      } else if (b.toString('latin1', i, i + 9) === '<![CDATA[') {
        end = b.indexOf(']]>', i + 9, 'latin1');
        if (end < 0) break scan;
        end += 3;
      } else {
        if (DTD_DECLARATIONS.some((d) => b.compare(d, 0, d.length, i, i + d.length) === 0)) {
          fail('EDXML_DTD_FORBIDDEN', 'The package declares a DOCTYPE or entities; edXML packages must not carry a DTD (it could expand entities or fetch external files). Remove it', i);
        }
        complete = false;
        break scan;
      }
      if (open) open.impure = true;
      else if (end - i > limits.maxTextLength) fail('EDXML_LIMIT_TEXT_LENGTH', `A comment or CDATA section is ${end - i} bytes long, more than the ${limits.maxTextLength} accepted`, i);
      pos = end;
    } else if (next === 0x3f /* ? */) {
      const end = b.indexOf('?>', i + 2, 'latin1');
      if (end < 0) break scan;
      if (open) open.impure = true;
      else if (end - i > limits.maxTextLength) fail('EDXML_LIMIT_TEXT_LENGTH', `A processing instruction is ${end - i} bytes long`, i);
      pos = end + 2;
    } else if (next === SLASH) {
      const nameStart = i + 2;
      let j = nameStart;
      while (!isNameEnd(b[j])) j++;
      const nameEnd = j;
      while (isSpace(b[j])) j++;
      if (b[j] !== GT || nameEnd === nameStart) {
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
      pos = j + 1;
    } else {
      const nameStart = i + 1;
      let j = nameStart;
      while (!isNameEnd(b[j])) {
        j++;
        if (j - nameStart > limits.maxNameLength) fail('EDXML_LIMIT_NAME_LENGTH', `An element name is longer than ${limits.maxNameLength} characters`, i);
      }
      const nameEnd = j;
      if (nameEnd === nameStart) {
        complete = false;
        break scan;
      }
      const element = b.toString('utf8', nameStart, Math.min(nameEnd, nameStart + 64));
      let selfClosing = false;
      for (;;) {
        while (isSpace(b[j])) j++;
        if (b[j] === GT) {
          j++;
          break;
        }
        if (b[j] === SLASH && b[j + 1] === GT) {
          j += 2;
          selfClosing = true;
          break;
        }
        const attrStart = j;
        while (!isNameEnd(b[j])) {
          j++;
          if (j - attrStart > limits.maxNameLength) fail('EDXML_LIMIT_NAME_LENGTH', `An attribute name is longer than ${limits.maxNameLength} characters`, i, element);
        }
        if (j === attrStart) {
          complete = false;
          break scan;
        }
        while (isSpace(b[j])) j++;
        if (b[j] !== 0x3d) {
          complete = false;
          break scan;
        }
        j++;
        while (isSpace(b[j])) j++;
        const quote = b[j];
        if (quote !== 0x22 && quote !== 0x27) {
          complete = false;
          break scan;
        }
        const valueEnd = b.indexOf(quote, j + 1);
        if (valueEnd < 0) {
          complete = false;
          break scan;
        }
        if (valueEnd - j - 1 > limits.maxAttributeLength) {
          fail('EDXML_LIMIT_ATTRIBUTE_LENGTH', `An attribute value is ${valueEnd - j - 1} bytes long, more than the ${limits.maxAttributeLength} accepted`, i, element);
        }
        j = valueEnd + 1;
      }
      if (++elements > limits.maxElements) fail('EDXML_LIMIT_ELEMENTS', `The package has more than ${limits.maxElements} elements`, i, element);
      if (open) open.impure = true;
      if (!selfClosing) {
        if (++depth > limits.maxDepth) fail('EDXML_LIMIT_DEPTH', `Elements are nested more than ${limits.maxDepth} levels deep`, i, element);
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
  for (let k = from; k < to; k++) if (!isSpace(b[k])) return k;
  return -1;
}

function checkEncoding(b: Buffer): void {
  const b0 = b[0];
  const b1 = b[1];
  if ((b0 === 0xfe && b1 === 0xff) || (b0 === 0xff && b1 === 0xfe) || b0 === 0x00 || (b0 === LT && b1 === 0x00)) {
    throw new EdxmlError('EDXML_ENCODING_UNSUPPORTED', 'The package is encoded in UTF-16 or UTF-32; QCVN 102 packages are UTF-8. Save it as UTF-8');
  }
  const start = b0 === 0xef ? 3 : 0;
  if (b.toString('latin1', start, start + 5) !== '<?xml') return;
  const end = b.indexOf('?>', start, 'latin1');
  const declaration = b.toString('latin1', start, end > 0 && end < start + 512 ? end : start + 512);
  const encoding = /\sencoding\s*=\s*["']([^"']*)["']/.exec(declaration)?.[1];
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) {
    throw new EdxmlError('EDXML_ENCODING_UNSUPPORTED', `The package declares encoding "${encoding.slice(0, 40)}"; QCVN 102 packages are UTF-8. Save it as UTF-8`, { line: 1 });
  }
}
