/**
 * libxml2's own C14N (xmlC14NExecute, through libxml2-wasm: already a dependency) as the in-process reference the
 * streaming canonicalizer is compared with. Parsed without DTD loading or network, with XML_PARSE_HUGE for large text
 * nodes. libxml2-wasm refuses a document with undeclared namespace prefixes (a level-2 error), which xmllint only
 * warns about: such documents are compared with xmllint instead (c14n-differential.test.ts).
 */
import { ParseOption, XmlC14NMode, XmlDocument, type XmlOutputBufferHandler } from 'libxml2-wasm';
import type { C14nMode } from '../../src/signature/index.js';

const PARSE = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE | ParseOption.XML_PARSE_HUGE;
const NS = { ds: 'http://www.w3.org/2000/09/xmldsig#' };

export interface Libxml2C14nOptions {
  withComments?: boolean;
  /** Exclusive only: the InclusiveNamespaces PrefixList. */
  inclusivePrefixes?: string[];
  /** XPath (prefix ds bound) of elements taken out of the tree first: the enveloped-signature transform. */
  remove?: string;
  /** XPath of the one element to canonicalize, in its document's namespace context (SignedInfo). */
  apex?: string;
}

export function libxml2Parses(xml: Buffer): boolean {
  try {
    XmlDocument.fromBuffer(xml, { option: PARSE }).dispose();
    return true;
  } catch {
    return false;
  }
}

export function libxml2Canonical(xml: Buffer, mode: C14nMode, options: Libxml2C14nOptions = {}): Buffer {
  const doc = XmlDocument.fromBuffer(xml, { option: PARSE });
  try {
    if (options.remove) for (const node of doc.find(options.remove, NS)) node.remove();
    const parts: Buffer[] = [];
    // The chunk is a view of wasm memory that libxml2 reuses: copy it.
    const handler: XmlOutputBufferHandler = { write: (chunk) => { parts.push(Buffer.from(chunk)); return chunk.byteLength; }, close: () => true };
    const c14n = {
      mode: mode === 'exclusive' ? XmlC14NMode.XML_C14N_EXCLUSIVE_1_0 : XmlC14NMode.XML_C14N_1_0,
      withComments: options.withComments ?? false,
      ...(options.inclusivePrefixes ? { inclusiveNamespacePrefixes: options.inclusivePrefixes } : {}),
    };
    if (options.apex) {
      const apex = doc.get(options.apex, NS);
      if (!apex) throw new Error(`libxml2Canonical: no ${options.apex}`);
      apex.canonicalize(handler, c14n);
    } else {
      doc.canonicalize(handler, c14n);
    }
    return Buffer.concat(parts);
  } finally {
    doc.dispose();
  }
}
