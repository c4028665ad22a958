/**
 * First pass over a package: is it well-formed, where are its XMLDSig Signature elements, and where does QCVN 102 put
 * one (inside edXMLHeader, after TraceHeaderList). Every Signature anywhere is found, including inside another
 * Signature or in the body, because wrapping attacks hide a second one where a careless verifier does not look.
 */
import { declarationsOf, resolvePrefix, splitQName } from './canonicalizer.js';
import { scanXml, type ScanHandler, type ScannedAttribute } from './xml-scanner.js';

export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';

export interface ElementName {
  uri: string;
  local: string;
}

export interface SignatureLocation {
  start: number;
  end: number;
  /** Names from the root down to the Signature's parent. */
  ancestors: ElementName[];
  /** The element just before it among its siblings, if any. */
  previousSibling?: ElementName;
  /** Namespaces in scope at its parent, and xml:* attributes inherited from its ancestors. */
  parentInScope: ReadonlyMap<string, string>;
  parentXmlAttributes: ReadonlyMap<string, string>;
}

export interface PackageStructure {
  signatures: SignatureLocation[];
  /** Where a new Signature goes: after TraceHeaderList in edXMLHeader, else at the end of edXMLHeader. */
  insertion?: { offset: number; inScope: ReadonlyMap<string, string>; xmlAttributes: ReadonlyMap<string, string> };
  /** Elements named Signature outside the XMLDSig namespace (some agency systems write one): not a signature. */
  foreignSignatures: SignatureLocation[];
  /** Prefixes used but never declared (tolerated as libxml2 does; reported as a warning). */
  undeclaredPrefixes: string[];
}

interface Open {
  name: ElementName;
  inScope: ReadonlyMap<string, string>;
  xmlAttributes: ReadonlyMap<string, string>;
  lastChild?: ElementName;
  signature?: SignatureLocation;
}

class StructureReader implements ScanHandler {
  readonly result: PackageStructure = { signatures: [], foreignSignatures: [], undeclaredPrefixes: [] };
  private readonly stack: Open[] = [];

  private resolve(inScope: ReadonlyMap<string, string>, prefix: string, at: number): string {
    if (prefix !== '' && prefix !== 'xml' && !inScope.has(prefix) && !this.result.undeclaredPrefixes.includes(prefix)) {
      this.result.undeclaredPrefixes.push(prefix);
    }
    return resolvePrefix(inScope, prefix, at, true);
  }

  startElement(qname: string, attributes: ScannedAttribute[], start: number): void {
    const parent = this.stack[this.stack.length - 1];
    const decls = declarationsOf(attributes, start);
    const inScope = decls ? new Map([...(parent?.inScope ?? []), ...decls]) : (parent?.inScope ?? new Map<string, string>());
    let xmlAttributes = parent?.xmlAttributes ?? new Map<string, string>();
    for (const a of attributes) {
      const [p] = splitQName(a.qname);
      if (p === 'xml') xmlAttributes = new Map([...xmlAttributes, [a.qname, a.value]]);
      else if (p !== '' && p !== 'xmlns') this.resolve(inScope, p, start);
    }
    const [prefix, local] = splitQName(qname);
    const name = { uri: this.resolve(inScope, prefix, start), local };
    const open: Open = { name, inScope, xmlAttributes };
    if (local === 'Signature') {
      open.signature = {
        start,
        end: -1,
        ancestors: this.stack.map((o) => o.name),
        ...(parent?.lastChild ? { previousSibling: parent.lastChild } : {}),
        parentInScope: parent?.inScope ?? new Map(),
        parentXmlAttributes: parent?.xmlAttributes ?? new Map(),
      };
      (name.uri === DSIG_NS ? this.result.signatures : this.result.foreignSignatures).push(open.signature);
    }
    this.stack.push(open);
  }

  endElement(_qname: string, end: number): void {
    const open = this.stack.pop()!;
    if (open.signature) open.signature.end = end;
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.lastChild = open.name;
    const n = open.name;
    if (n.uri === EDXML_NS && parent?.name.uri === EDXML_NS && parent.name.local === 'edXMLHeader' && this.stack.length === 3) {
      if (n.local === 'TraceHeaderList') this.result.insertion = { offset: end, inScope: parent.inScope, xmlAttributes: parent.xmlAttributes };
    }
    if (n.uri === EDXML_NS && n.local === 'edXMLHeader' && this.stack.length === 2 && !this.result.insertion) {
      // No TraceHeaderList (status packages): the Signature closes the header. `end` is after `</...>`; back up to `<`.
      this.result.insertion = { offset: -end, inScope: open.inScope, xmlAttributes: open.xmlAttributes };
    }
  }

  text(): void {}
  chars(): void {}
  processingInstruction(): void {}
  comment(): void {}
}

/**
 * Scans the package's markup once; throws XmlScanError (malformed, DTD, unsupported encoding). Character data is
 * skipped here: references in it are read and checked by the canonicalizing pass that always follows.
 */
export function readPackageStructure(buf: Buffer): PackageStructure {
  const reader = new StructureReader();
  scanXml(buf, reader, { characterData: 'skip' });
  const result = reader.result;
  if (result.insertion && result.insertion.offset < 0) {
    const headerEnd = -result.insertion.offset;
    result.insertion.offset = buf.lastIndexOf('</', headerEnd, 'latin1');
  }
  return result;
}

/** Is this where QCVN 102 puts the package's Signature: edXML/edXMLEnvelope/edXMLHeader, after TraceHeaderList? */
export function isExpectedPlace(location: SignatureLocation): boolean {
  const path = location.ancestors.map((a) => (a.uri === EDXML_NS ? a.local : `{${a.uri}}${a.local}`)).join('/');
  if (path !== 'edXML/edXMLEnvelope/edXMLHeader') return false;
  const prev = location.previousSibling;
  return !prev || (prev.uri === EDXML_NS && (prev.local === 'TraceHeaderList' || prev.local === 'MessageHeader'));
}
