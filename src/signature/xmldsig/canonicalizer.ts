/**
 * Streaming Canonical XML 1.0 (inclusive) and Exclusive XML Canonicalization 1.0 over the raw bytes, for the one case
 * a signed edXML package uses: the whole document (Reference URI="") minus the enveloped Signature, or one element
 * (SignedInfo) seen in its document's namespace context. Output goes to a sink (a running hash when verifying), so a
 * large attachment streams from the input buffer into the digest without a copy or a JS string.
 * Byte-equality with libxml2 (`xmllint --c14n` / `--exc-c14n`) is proven by test/signature/c14n-differential.test.ts.
 */
import { ByteFinder } from '../../edxml/xml-lexer.js';
import { scanXml, XmlScanError, type ScanHandler, type ScannedAttribute } from './xml-scanner.js';

export type C14nMode = 'inclusive' | 'exclusive';

export interface C14nOptions {
  mode: C14nMode;
  withComments?: boolean;
  /** Exclusive only: prefixes treated the inclusive way (InclusiveNamespaces PrefixList; '#default' for the default). */
  inclusivePrefixes?: readonly string[];
  /** Offset of an element left out with its subtree (the enveloped-signature transform). */
  omitElementAt?: number;
  /** Offset of the only element to output with its subtree (the rest only gives namespace context). */
  apexAt?: number;
  /**
   * Accept prefixes that are never declared (a namespace error, not a well-formedness one): real agency systems send
   * them (edoc.edxml). They bind to no namespace and are never rendered, as libxml2 canonicalizes them.
   */
  tolerateUndeclaredPrefixes?: boolean;
  /** Scan only this element (a fragment of a document already checked whole), with its ancestors' context. */
  fragment?: { start: number; end: number; inScope: ReadonlyMap<string, string>; xmlAttributes?: ReadonlyMap<string, string> };
  /** An earlier pass (readPackageStructure) already found the bytes to be UTF-8. */
  utf8Checked?: boolean;
}

export interface C14nSink {
  write(text: string): void;
  writeBytes(buf: Buffer, start: number, end: number): void;
}

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const EMPTY = new Map<string, string>();

interface Frame {
  inScope: ReadonlyMap<string, string>;
  /** Namespaces as the nearest output ancestor rendered them (EMPTY above the apex). */
  rendered: ReadonlyMap<string, string>;
  /** xml:* attributes in scope (inherited onto the apex by inclusive C14N). */
  xmlAttributes: ReadonlyMap<string, string>;
  output: boolean;
}

export function splitQName(qname: string): [prefix: string, local: string] {
  const colon = qname.indexOf(':');
  return colon < 0 ? ['', qname] : [qname.slice(0, colon), qname.slice(colon + 1)];
}

/** The namespace declarations an element carries, checked against the Namespaces in XML rules. */
export function declarationsOf(attributes: readonly ScannedAttribute[], offset: number): Map<string, string> | undefined {
  let decls: Map<string, string> | undefined;
  for (const a of attributes) {
    let prefix: string;
    if (a.qname === 'xmlns') prefix = '';
    else if (a.qname.startsWith('xmlns:')) prefix = a.qname.slice(6);
    else continue;
    if (prefix === 'xmlns' || (prefix === 'xml') !== (a.value === XML_NS) || (prefix !== '' && a.value === '')) {
      throw new XmlScanError('SIG_XML_MALFORMED', `Bad namespace declaration ${a.qname}="${a.value}"`, offset);
    }
    if (a.value !== '' && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(a.value)) {
      throw new XmlScanError('SIG_XML_MALFORMED', `Relative namespace URI "${a.value}" cannot be canonicalized`, offset);
    }
    if (prefix === 'xml') continue; // bound by definition; C14N never renders it
    (decls ??= new Map()).set(prefix, a.value);
  }
  return decls;
}

/** The URI a prefix is bound to; `tolerate` gives '' for an undeclared prefix, as libxml2 does after its warning. */
export function resolvePrefix(inScope: ReadonlyMap<string, string>, prefix: string, offset: number, tolerate = false): string {
  if (prefix === 'xml') return XML_NS;
  const uri = inScope.get(prefix);
  if (uri === undefined || (prefix !== '' && uri === '')) {
    if (prefix === '' || tolerate) return '';
    throw new XmlScanError('SIG_XML_MALFORMED', `Namespace prefix "${prefix}" is not declared`, offset);
  }
  return uri;
}

function escapeAttribute(value: string): string {
  return /[&<"\t\n\r]/.test(value)
    ? value.replace(/[&<"\t\n\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' })[c]!)
    : value;
}

function escapeText(value: string): string {
  return /[&<>\r]/.test(value) ? value.replace(/[&<>\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' })[c]!) : value;
}

/** Adds prefix `p` to `emitted` when its binding differs from what the nearest output ancestor rendered. */
function consider(p: string, inScope: ReadonlyMap<string, string>, parentRendered: ReadonlyMap<string, string>, emitted: [string, string][]): void {
  const uri = p === '' ? (inScope.get('') ?? '') : inScope.get(p);
  if (uri === undefined) return;
  const before = parentRendered.get(p) ?? (p === '' ? '' : undefined);
  if (before !== uri) emitted.push([p, uri]);
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

class Canonicalizer implements ScanHandler {
  private readonly frames: Frame[] = [];
  private readonly gt: ByteFinder;
  private skipDepth = 0;
  private rootDone = false;
  private readonly inclusivePrefixes: Set<string>;

  constructor(private readonly buf: Buffer, private readonly sink: C14nSink, private readonly o: C14nOptions) {
    this.gt = new ByteFinder(buf);
    this.inclusivePrefixes = new Set((o.inclusivePrefixes ?? []).map((p) => (p === '#default' ? '' : p)));
    const inScope = o.fragment?.inScope ?? EMPTY;
    this.frames.push({ inScope, rendered: EMPTY, xmlAttributes: o.fragment?.xmlAttributes ?? EMPTY, output: o.apexAt === undefined });
  }

  private get top(): Frame {
    return this.frames[this.frames.length - 1]!;
  }

  private get outputting(): boolean {
    return this.skipDepth === 0 && this.top.output;
  }

  startElement(qname: string, attributes: ScannedAttribute[], start: number): void {
    if (this.skipDepth > 0 || start === this.o.omitElementAt) {
      this.skipDepth++;
      return;
    }
    const parent = this.top;
    const decls = declarationsOf(attributes, start);
    const inScope = decls ? new Map([...parent.inScope, ...decls]) : parent.inScope;
    const output = parent.output || start === this.o.apexAt;
    const parentRendered = parent.output ? parent.rendered : EMPTY;
    let xmlAttributes = parent.xmlAttributes;
    // Per element, so nothing is allocated that an element without attributes does not need: most have none.
    const regular: { qname: string; uri: string; local: string; value: string }[] = [];
    let seen: Set<string> | undefined;
    for (const a of attributes) {
      if (a.qname === 'xmlns' || a.qname.startsWith('xmlns:')) continue;
      const [prefix, local] = splitQName(a.qname);
      const uri = prefix === '' ? '' : resolvePrefix(inScope, prefix, start, this.o.tolerateUndeclaredPrefixes);
      if (uri !== '') {
        const expanded = `{${uri}}${local}`;
        if (seen?.has(expanded)) throw new XmlScanError('SIG_XML_MALFORMED', `Attribute ${expanded} appears twice`, start);
        (seen ??= new Set()).add(expanded);
      }
      regular.push({ qname: a.qname, uri, local: uri === '' ? a.qname : local, value: a.value });
      if (prefix === 'xml') xmlAttributes = new Map([...xmlAttributes, [a.qname, a.value]]);
    }
    const [prefix] = splitQName(qname);
    resolvePrefix(inScope, prefix, start, this.o.tolerateUndeclaredPrefixes);
    if (!output) {
      this.frames.push({ inScope, rendered: EMPTY, xmlAttributes, output });
      return;
    }
    const isApex = !parent.output;
    if (isApex && this.o.mode === 'inclusive') {
      for (const [name, value] of parent.xmlAttributes) {
        if (!regular.some((r) => r.qname === name)) regular.push({ qname: name, uri: XML_NS, local: name.slice(4), value });
      }
    }
    const emitted: [string, string][] = [];
    if (this.o.mode === 'inclusive') {
      // Below the apex, what the parent rendered is exactly its scope, so only this element's declarations can
      // differ (and a package with thousands of declarations does not cost thousands per element).
      if (isApex) for (const p of inScope.keys()) consider(p, inScope, parentRendered, emitted);
      else if (decls) for (const p of decls.keys()) consider(p, inScope, parentRendered, emitted);
    } else if (regular.length === 0 && this.inclusivePrefixes.size === 0) {
      consider(prefix, inScope, parentRendered, emitted); // the common case: only the element's own prefix is used
    } else {
      const used = new Set<string>([prefix]);
      for (const r of regular) {
        const [ap] = splitQName(r.qname);
        if (ap !== '' && ap !== 'xml' && r.uri !== '') used.add(ap);
      }
      for (const p of this.inclusivePrefixes) if (inScope.has(p)) used.add(p);
      for (const p of used) consider(p, inScope, parentRendered, emitted);
    }
    let rendered = parentRendered;
    if (emitted.length > 0) {
      const next = new Map(parentRendered);
      for (const [p, uri] of emitted) next.set(p, uri);
      rendered = next;
    }
    if (emitted.length > 1) emitted.sort((a, b) => byCodePoint(a[0], b[0]));
    if (regular.length > 1) regular.sort((a, b) => byCodePoint(a.uri, b.uri) || byCodePoint(a.local, b.local));
    let out = `<${qname}`;
    for (const [p, uri] of emitted) out += p === '' ? ` xmlns="${escapeAttribute(uri)}"` : ` xmlns:${p}="${escapeAttribute(uri)}"`;
    for (const r of regular) out += ` ${r.qname}="${escapeAttribute(r.value)}"`;
    this.sink.write(out + '>');
    this.frames.push({ inScope, rendered, xmlAttributes, output });
  }

  endElement(qname: string): void {
    if (this.skipDepth > 0) {
      this.skipDepth--;
      return;
    }
    const frame = this.frames.pop()!;
    if (frame.output) this.sink.write(`</${qname}>`);
    if (this.frames.length === 1) this.rootDone = true;
  }

  text(start: number, end: number, cdata: boolean): void {
    if (!this.outputting) return;
    if (cdata) {
      this.sink.write(this.buf.toString('utf8', start, end).replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!));
      return;
    }
    let s = start;
    while (s < end) {
      const gt = this.gt.find(0x3e, s);
      if (gt >= end) {
        this.sink.writeBytes(this.buf, s, end);
        return;
      }
      if (gt > s) this.sink.writeBytes(this.buf, s, gt);
      this.sink.write('&gt;');
      s = gt + 1;
    }
  }

  chars(value: string): void {
    if (this.outputting) this.sink.write(escapeText(value));
  }

  /** Outside the root element: a newline separates PIs and comments from the document element (C14N §2.2). */
  private misc(text: string): void {
    if (this.frames.length > 1) {
      if (this.outputting) this.sink.write(text);
    } else if (!this.o.fragment) {
      this.sink.write(this.rootDone ? `\n${text}` : `${text}\n`);
    }
  }

  processingInstruction(target: string, data: string): void {
    this.misc(data === '' ? `<?${target}?>` : `<?${target} ${data}?>`);
  }

  comment(value: string): void {
    if (this.o.withComments) this.misc(`<!--${value}-->`);
  }
}

/** Canonicalizes `buf` (a whole document, or `options.fragment`) into `sink`. Throws XmlScanError on bad input. */
export function canonicalize(buf: Buffer, sink: C14nSink, options: C14nOptions): void {
  const fragment = options.fragment;
  scanXml(buf, new Canonicalizer(buf, sink, options), {
    ...(fragment ? { fragment: { start: fragment.start, end: fragment.end } } : {}),
    ...(options.utf8Checked ? { utf8Checked: true } : {}),
  });
}

/** A sink that gathers small writes into one string before handing them on, so a hash sees few large updates. */
export class BufferedSink implements C14nSink {
  private pending = '';
  constructor(private readonly target: { update(data: string | Uint8Array, encoding?: 'utf8'): unknown }) {}
  write(text: string): void {
    this.pending += text;
    if (this.pending.length > 32_768) this.flush();
  }
  writeBytes(buf: Buffer, start: number, end: number): void {
    if (end - start < 256) {
      this.pending += buf.toString('utf8', start, end);
      if (this.pending.length > 32_768) this.flush();
      return;
    }
    this.flush();
    this.target.update(buf.subarray(start, end));
  }
  flush(): void {
    if (this.pending !== '') this.target.update(this.pending, 'utf8');
    this.pending = '';
  }
}

/** Canonical form as bytes (tests, SignedInfo). */
export function canonicalBytes(buf: Buffer, options: C14nOptions): Buffer {
  const parts: Buffer[] = [];
  const sink = new BufferedSink({ update: (d: string | Uint8Array) => parts.push(typeof d === 'string' ? Buffer.from(d, 'utf8') : Buffer.from(d)) });
  canonicalize(buf, sink, options);
  sink.flush();
  return Buffer.concat(parts);
}
