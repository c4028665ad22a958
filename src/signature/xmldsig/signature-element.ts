/**
 * Reads one ds:Signature element (a fragment of a package already scanned whole) into the few facts a verifier needs:
 * SignedInfo's algorithms and its one Reference, the SignatureValue, the X.509 certificates in KeyInfo, and an
 * optional SigningTime. It decides nothing; verify-package.ts applies the policy.
 */
import { declarationsOf, resolvePrefix, splitQName } from './canonicalizer.js';
import { DSIG_NS, type SignatureLocation } from './package-structure.js';
import { scanXml, type ScanHandler, type ScannedAttribute } from './xml-scanner.js';

export interface XmlElement {
  uri: string;
  local: string;
  attributes: Map<string, string>;
  children: XmlElement[];
  text: string;
  start: number;
  inScope: ReadonlyMap<string, string>;
}

class TreeBuilder implements ScanHandler {
  root: XmlElement | undefined;
  private readonly stack: XmlElement[] = [];
  constructor(private readonly buf: Buffer, private readonly outer: ReadonlyMap<string, string>) {}

  startElement(qname: string, attributes: ScannedAttribute[], start: number): void {
    const parent = this.stack[this.stack.length - 1];
    const decls = declarationsOf(attributes, start);
    const base = parent?.inScope ?? this.outer;
    const inScope = decls ? new Map([...base, ...decls]) : base;
    const [prefix, local] = splitQName(qname);
    const el: XmlElement = { uri: resolvePrefix(inScope, prefix, start, true), local, attributes: new Map(), children: [], text: '', start, inScope };
    for (const a of attributes) el.attributes.set(a.qname, a.value);
    if (parent) parent.children.push(el);
    else this.root = el;
    this.stack.push(el);
  }
  endElement(): void {
    this.stack.pop();
  }
  text(start: number, end: number): void {
    const top = this.stack[this.stack.length - 1];
    if (top) top.text += this.buf.toString('utf8', start, end);
  }
  chars(value: string): void {
    const top = this.stack[this.stack.length - 1];
    if (top) top.text += value;
  }
  processingInstruction(): void {}
  comment(): void {}
}

export function readElement(buf: Buffer, location: SignatureLocation): XmlElement {
  const builder = new TreeBuilder(buf, location.parentInScope);
  scanXml(buf, builder, { fragment: { start: location.start, end: location.end } });
  return builder.root!;
}

export function dsigChildren(el: XmlElement | undefined, local: string): XmlElement[] {
  return el ? el.children.filter((c) => c.uri === DSIG_NS && c.local === local) : [];
}

export function dsigChild(el: XmlElement | undefined, local: string): XmlElement | undefined {
  return dsigChildren(el, local)[0];
}

export function descendants(el: XmlElement): XmlElement[] {
  return el.children.flatMap((c) => [c, ...descendants(c)]);
}

export interface TransformSpec {
  algorithm: string;
  inclusivePrefixes?: string[];
  /** The Transform has child elements other than InclusiveNamespaces (XPath, XSLT...). */
  hasBody: boolean;
}

export interface ReferenceSpec {
  uri: string | undefined;
  transforms: TransformSpec[];
  digestAlgorithm: string | undefined;
  digestValue: string;
}

export interface SignatureParts {
  element: XmlElement;
  signedInfo?: XmlElement;
  canonicalization?: TransformSpec;
  signatureAlgorithm?: string;
  hmacOutputLength: boolean;
  references: ReferenceSpec[];
  signatureValue: string;
  certificates: string[];
  /** KeyValue, KeyName, RetrievalMethod... anything in KeyInfo besides X509Data. */
  otherKeyInfo: string[];
  signingTime?: string;
  /** SignedInfo, SignatureValue or KeyInfo appears more than once (a malformed or crafted Signature). */
  repeatedParts: string[];
}

const EXC_NS = 'http://www.w3.org/2001/10/xml-exc-c14n#';

function transformOf(el: XmlElement): TransformSpec {
  const inclusive = el.children.find((c) => c.uri === EXC_NS && c.local === 'InclusiveNamespaces');
  const prefixes = inclusive?.attributes.get('PrefixList')?.split(/\s+/).filter(Boolean);
  return {
    algorithm: el.attributes.get('Algorithm') ?? '',
    ...(prefixes ? { inclusivePrefixes: prefixes } : {}),
    hasBody: el.children.some((c) => c !== inclusive),
  };
}

export function readSignatureParts(element: XmlElement): SignatureParts {
  const signedInfo = dsigChild(element, 'SignedInfo');
  const c14n = dsigChild(signedInfo, 'CanonicalizationMethod');
  const method = dsigChild(signedInfo, 'SignatureMethod');
  const keyInfo = dsigChild(element, 'KeyInfo');
  const references = dsigChildren(signedInfo, 'Reference').map((r): ReferenceSpec => ({
    uri: r.attributes.get('URI'),
    transforms: dsigChildren(dsigChild(r, 'Transforms'), 'Transform').map(transformOf),
    digestAlgorithm: dsigChild(r, 'DigestMethod')?.attributes.get('Algorithm'),
    digestValue: dsigChild(r, 'DigestValue')?.text ?? '',
  }));
  const certificates = dsigChildren(keyInfo, 'X509Data').flatMap((d) => dsigChildren(d, 'X509Certificate').map((c) => c.text));
  const otherKeyInfo = (keyInfo?.children ?? []).filter((c) => !(c.uri === DSIG_NS && c.local === 'X509Data')).map((c) => c.local);
  const signingTime = descendants(element).find((e) => e.local === 'SigningTime')?.text.trim();
  const signatureAlgorithm = method?.attributes.get('Algorithm');
  return {
    element,
    ...(signedInfo ? { signedInfo } : {}),
    ...(c14n ? { canonicalization: transformOf(c14n) } : {}),
    ...(signatureAlgorithm ? { signatureAlgorithm } : {}),
    hmacOutputLength: method ? dsigChildren(method, 'HMACOutputLength').length > 0 : false,
    references,
    signatureValue: dsigChild(element, 'SignatureValue')?.text ?? '',
    certificates,
    otherKeyInfo,
    ...(signingTime ? { signingTime } : {}),
    repeatedParts: ['SignedInfo', 'SignatureValue', 'KeyInfo'].filter((name) => dsigChildren(element, name).length > 1),
  };
}
