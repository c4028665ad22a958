/**
 * A single-pass XML 1.0 tokenizer for the verifier's fast path, on the lexical layer it shares with src/edxml's
 * raw-scan (src/edxml/xml-lexer.ts: whitespace, markup, tags, DTD refusal, XML declaration). It reads the raw package
 * bytes (never a re-serialised copy), hands out byte ranges for character data so a 30 MiB base64 attachment is never
 * turned into a JS string, and rejects what a signed edXML package must not hold: a DTD (hence any entity but the
 * five predefined ones), a non-UTF-8 encoding (reported apart, so the caller can take the reference path), malformed
 * markup. Above the lexer it checks what raw-scan leaves to libxml2: names, references, nesting, characters.
 */
import { isUtf8 } from 'node:buffer';
import {
  AMP, bomLength, ByteFinder, closingQuoteOf, CR, endTagEndAt, isUtf8Label, isWideEncoding, isXmlSpace, LF, LT, markupAt, nameEndAt, NO_EQUALS,
  readXmlDeclaration, skipSpace, SLASH, startTagEndAt, terminatorOf, valueQuoteAt,
} from '../../edxml/xml-lexer.js';

export type XmlScanErrorCode = 'SIG_XML_MALFORMED' | 'SIG_DTD_FORBIDDEN' | 'XML_ENCODING_UNSUPPORTED';

export class XmlScanError extends Error {
  constructor(readonly code: XmlScanErrorCode, message: string, readonly offset: number) {
    super(`${message} (byte ${offset})`);
    this.name = 'XmlScanError';
  }
}

export interface ScannedAttribute {
  qname: string;
  /** Value after reference expansion and attribute-value normalisation (XML 1.0 §3.3.3, every attribute CDATA). */
  value: string;
}

export interface ScanHandler {
  /** `start` is the offset of `<`, `tagEnd` the offset after `>`. */
  startElement(qname: string, attributes: ScannedAttribute[], start: number, tagEnd: number): void;
  /** Also sent for an empty-element tag; `end` is the offset after its `>`. */
  endElement(qname: string, end: number): void;
  /** Raw character data bytes. Outside CDATA they hold no `&`, `<` or CR; inside CDATA (`cdata`) no CR. */
  text(start: number, end: number, cdata: boolean): void;
  /** Characters from a reference or a normalised line break. */
  chars(value: string): void;
  processingInstruction(target: string, data: string): void;
  comment(value: string): void;
}

/** Far beyond any edXML package (about 10 levels); bounds the work namespace scopes cost per element. */
export const MAX_DEPTH = 256;

const NAME = /^[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*(?::[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*)?$/;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** Expands one reference body (between `&` and `;`); no DTD, so only the predefined entities and character refs. */
export function expandReference(body: string, offset: number): string {
  if (body.startsWith('#')) {
    const hex = body[1] === 'x';
    const digits = body.slice(hex ? 2 : 1);
    if (!(hex ? /^[0-9A-Fa-f]+$/ : /^[0-9]+$/).test(digits)) throw new XmlScanError('SIG_XML_MALFORMED', `Bad character reference &${body};`, offset);
    const cp = parseInt(digits, hex ? 16 : 10);
    if (!isXmlChar(cp)) throw new XmlScanError('SIG_XML_MALFORMED', `Character reference &${body}; is not an XML character`, offset);
    return String.fromCodePoint(cp);
  }
  const value = PREDEFINED[body];
  if (value === undefined) throw new XmlScanError('SIG_XML_MALFORMED', `Undeclared entity &${body}; (a package carries no DTD)`, offset);
  return value;
}

export interface ScanRange {
  start: number;
  end: number;
}

export interface ScanOptions {
  /** Scan exactly one element at fragment.start..fragment.end of a document already scanned whole. */
  fragment?: ScanRange;
  /**
   * 'skip': character data is handed over as one raw range, references and CRs unread (a structure-only pass; the
   * canonicalizing pass that follows reads and checks them). Default 'read'.
   */
  characterData?: 'read' | 'skip';
  /** The bytes were already found to be UTF-8 by an earlier pass. */
  utf8Checked?: boolean;
}

/** Scans a whole document, or one element of it (`options.fragment`). */
export function scanXml(buf: Buffer, handler: ScanHandler, options: ScanOptions = {}): void {
  new Scanner(buf, handler, options).run();
}

class Scanner {
  private pos: number;
  private readonly end: number;
  private readonly finder: ByteFinder;
  private readonly open: string[] = [];
  private rootSeen = false;

  private readonly fragment: ScanRange | undefined;

  constructor(private readonly buf: Buffer, private readonly h: ScanHandler, private readonly options: ScanOptions) {
    this.fragment = options.fragment;
    this.pos = this.fragment?.start ?? 0;
    this.end = this.fragment?.end ?? buf.length;
    this.finder = new ByteFinder(buf);
  }

  private fail(message: string, at = this.pos): never {
    throw new XmlScanError('SIG_XML_MALFORMED', message, at);
  }

  private str(start: number, end: number): string {
    return this.buf.toString('utf8', start, end);
  }

  run(): void {
    if (!this.fragment) this.prolog();
    const buf = this.buf;
    while (this.pos < this.end) {
      const depth = this.open.length;
      if (depth === 0) {
        if (isXmlSpace(buf[this.pos])) { this.pos++; continue; }
        if (buf[this.pos] !== LT) this.fail('Text outside the root element');
        if (this.fragment && this.rootSeen) this.fail('Fragment holds more than one element');
      }
      if (buf[this.pos] === LT) this.markup();
      else this.characterData();
    }
    if (this.open.length > 0) this.fail(`Element <${this.open[this.open.length - 1]}> is never closed`);
    if (!this.rootSeen) this.fail('No root element');
  }

  private prolog(): void {
    const buf = this.buf;
    if (isWideEncoding(buf)) throw new XmlScanError('XML_ENCODING_UNSUPPORTED', 'UTF-16 and UTF-32 documents are not read by the fast path', 0);
    this.pos = bomLength(buf);
    const declaration = readXmlDeclaration(buf, this.pos);
    if (declaration) {
      if (declaration.end < 0) this.fail('Unterminated XML declaration');
      const { version, encoding } = declaration;
      if (version !== '1.0') throw new XmlScanError(version === '1.1' ? 'XML_ENCODING_UNSUPPORTED' : 'SIG_XML_MALFORMED', `XML version ${version ?? '(missing)'}`, this.pos);
      if (encoding !== undefined && !isUtf8Label(encoding)) {
        throw new XmlScanError('XML_ENCODING_UNSUPPORTED', `Encoding ${encoding} is not read by the fast path`, this.pos);
      }
      this.pos = declaration.end;
    }
    if (!this.options.utf8Checked && !isUtf8(buf)) this.fail('The package is not valid UTF-8', 0);
  }

  private markup(): void {
    switch (markupAt(this.buf, this.pos)) {
      case 'start-tag': return this.startTag();
      case 'end-tag': return this.endTag();
      case 'pi': return this.pi();
      case 'comment': return this.comment();
      case 'cdata':
        if (this.open.length === 0) this.fail('CDATA section outside the root element');
        return this.cdata();
      case 'dtd':
        throw new XmlScanError('SIG_DTD_FORBIDDEN', 'A document type or markup declaration (DTD) is not allowed in a signed package', this.pos);
      default:
        this.fail('Unknown markup declaration');
    }
  }

  private pi(): void {
    const close = terminatorOf(this.buf, 'pi', this.pos, this.end);
    if (close < 0) this.fail('Unterminated processing instruction');
    let p = this.pos + 2;
    while (p < close && !isXmlSpace(this.buf[p])) p++;
    const target = this.str(this.pos + 2, p);
    if (!NAME.test(target) || target.includes(':')) this.fail(`Bad processing instruction target "${target}"`);
    if (target.toLowerCase() === 'xml') this.fail('XML declaration not at the start of the document');
    while (p < close && isXmlSpace(this.buf[p])) p++;
    this.h.processingInstruction(target, normaliseLineEnds(this.str(p, close)));
    this.pos = close + 2;
  }

  private comment(): void {
    const close = terminatorOf(this.buf, 'comment', this.pos, this.end);
    if (close < 0) this.fail('Unterminated comment');
    const body = this.str(this.pos + 4, close);
    if (body.includes('--') || body.endsWith('-')) this.fail('"--" inside a comment');
    this.h.comment(normaliseLineEnds(body));
    this.pos = close + 3;
  }

  private cdata(): void {
    const close = terminatorOf(this.buf, 'cdata', this.pos, this.end);
    if (close < 0) this.fail('Unterminated CDATA section');
    let s = this.pos + 9;
    while (s < close) {
      const cr = this.finder.find(CR, s);
      const stop = Math.min(cr, close);
      if (stop > s) this.h.text(s, stop, true);
      if (stop === close) break;
      this.h.chars('\n');
      s = stop + 1;
      if (this.buf[s] === LF && s < close) s++;
    }
    this.pos = close + 3;
  }

  private endTag(): void {
    const nameStart = this.pos + 2;
    const nameEnd = nameEndAt(this.buf, nameStart, this.end);
    const after = endTagEndAt(this.buf, nameEnd, this.end);
    if (after < 0 || nameEnd === nameStart) this.fail('Bad end tag');
    const name = this.str(nameStart, nameEnd);
    const expected = this.open.pop();
    if (name !== expected) this.fail(`End tag </${name}> does not match <${expected ?? ''}>`);
    this.pos = after;
    this.h.endElement(name, after);
  }

  private startTag(): void {
    if (this.open.length === 0 && this.rootSeen) this.fail('More than one root element');
    const buf = this.buf, start = this.pos, end = this.end;
    let p = nameEndAt(buf, start + 1, end);
    const qname = this.str(start + 1, p);
    if (!NAME.test(qname)) this.fail(`Bad element name "${qname}"`);
    if (this.open.length >= MAX_DEPTH) this.fail(`Elements nested more than ${MAX_DEPTH} deep`);
    const attributes: ScannedAttribute[] = [];
    let names: Set<string> | undefined;
    let selfClosing = false;
    for (;;) {
      const item = skipSpace(buf, p, end);
      const tagEnd = startTagEndAt(buf, item, end);
      if (tagEnd >= 0) {
        selfClosing = buf[item] === SLASH;
        p = tagEnd;
        break;
      }
      const nameEnd = nameEndAt(buf, item, end);
      if (item === p || nameEnd === item) this.fail(`Bad start tag <${qname}>`, item); // XML wants S before each attribute
      const name = this.str(item, nameEnd);
      if (!NAME.test(name)) this.fail(`Bad attribute name "${name}"`, item);
      const quote = valueQuoteAt(buf, nameEnd, end);
      if (quote < 0) this.fail(quote === NO_EQUALS ? `Attribute ${name} has no value` : `Attribute ${name} value is not quoted`, nameEnd);
      const close = closingQuoteOf(buf, quote, end);
      if (close < 0) this.fail(`Unterminated value of attribute ${name}`, quote);
      if (names?.has(name)) this.fail(`Attribute ${name} appears twice`, item);
      (names ??= new Set()).add(name);
      attributes.push({ qname: name, value: this.attributeValue(quote + 1, close) });
      p = close + 1;
    }
    this.pos = p;
    this.rootSeen = true;
    this.open.push(qname);
    this.h.startElement(qname, attributes, start, p);
    if (selfClosing) {
      this.open.pop();
      this.h.endElement(qname, p);
    }
  }

  private attributeValue(start: number, end: number): string {
    const raw = this.str(start, end);
    if (raw.includes('<')) this.fail('"<" inside an attribute value', start);
    if (!/[&\t\n\r]/.test(raw)) return raw;
    let out = '';
    for (let i = 0; i < raw.length; i++) {
      const ch = raw[i]!;
      if (ch === '&') {
        const semi = raw.indexOf(';', i);
        if (semi < 0) this.fail('Unterminated reference in an attribute value', start);
        out += expandReference(raw.slice(i + 1, semi), start);
        i = semi;
      } else if (ch === '\r') {
        out += ' ';
        if (raw[i + 1] === '\n') i++;
      } else if (ch === '\n' || ch === '\t') out += ' ';
      else out += ch;
    }
    return out;
  }

  private characterData(): void {
    const lt = Math.min(this.finder.find(LT, this.pos), this.end);
    if (lt >= this.end) this.fail('Character data runs past the end of the document');
    if (this.options.characterData === 'skip') {
      this.h.text(this.pos, lt, false);
      this.pos = lt;
      return;
    }
    let s = this.pos;
    while (s < lt) {
      const amp = this.finder.find(AMP, s), cr = this.finder.find(CR, s);
      const stop = Math.min(amp, cr, lt);
      if (stop > s) this.h.text(s, stop, false);
      if (stop === lt) break;
      if (stop === amp) {
        const semi = this.buf.indexOf(0x3b, stop);
        if (semi < 0 || semi > lt || semi - stop > 40) this.fail('Bad reference', stop);
        this.h.chars(expandReference(this.buf.toString('latin1', stop + 1, semi), stop));
        s = semi + 1;
      } else {
        this.h.chars('\n');
        s = stop + 1;
        if (this.buf[s] === LF && s < lt) s++;
      }
    }
    this.pos = lt;
  }
}

function normaliseLineEnds(value: string): string {
  return value.includes('\r') ? value.replace(/\r\n?/g, '\n') : value;
}
