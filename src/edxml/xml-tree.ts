/**
 * libxml2 (compiled to wasm) as the well-formedness gate, and small helpers to walk its tree. Documents live in wasm
 * memory: whoever opens one disposes it.
 */
import { ParseOption, XmlDocument, XmlElement, XmlParseError, XmlXPath, type ErrorDetail } from 'libxml2-wasm';
import { EdxmlError } from './edxml-error.js';

// Never NOENT / DTDLOAD / DTDATTR / XINCLUDE: no entity is expanded and nothing outside the bytes is read.
const PARSE_OPTIONS = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE | ParseOption.XML_PARSE_HUGE | ParseOption.XML_PARSE_BIG_LINES;

export function openXml(bytes: Uint8Array): XmlDocument {
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromBuffer(bytes, { option: PARSE_OPTIONS });
  } catch (error) {
    throw parseFailure(error);
  }
  if (doc.dtd !== null) {
    doc.dispose();
    throw new EdxmlError('EDXML_DTD_FORBIDDEN', 'The package declares a DOCTYPE; edXML packages must not carry a DTD. Remove it');
  }
  return doc;
}

function parseFailure(error: unknown): EdxmlError {
  if (!(error instanceof XmlParseError)) {
    return new EdxmlError('EDXML_NOT_WELL_FORMED', 'The package could not be read as XML', {}, { cause: error });
  }
  const first: ErrorDetail | undefined = error.details[0];
  const text = clean(first?.message ?? error.message);
  const where = first && first.line > 0 ? { line: first.line } : {};
  if (/namespace|prefix/i.test(text) && first?.level === 2) {
    const more = error.details.length > 1 ? ` (and ${error.details.length - 1} more namespace problem(s))` : '';
    return new EdxmlError('EDXML_NAMESPACE_ERROR', `The package is not namespace-well-formed: ${text}${more}. Declare every prefix (xmlns:prefix="...") on the element that uses it or an ancestor`, where, { cause: error });
  }
  if (/entity/i.test(text) && /not defined|declared/i.test(text)) {
    return new EdxmlError('EDXML_NOT_WELL_FORMED', `The package uses an entity reference that is not one of XML's five built-in entities: ${text}`, where, { cause: error });
  }
  return new EdxmlError('EDXML_NOT_WELL_FORMED', `The package is not well-formed XML: ${text}`, where, { cause: error });
}

export function clean(message: string): string {
  return message.replace(/\{http:\/\/www\.mic\.gov\.vn\/TBT\/QCVN_102_2016\}/g, '').replace(/\s+/g, ' ').trim();
}

/** `*`: the element children. Compiled once per thread, kept for the thread's life. */
let elementChildren: XmlXPath | undefined;

/**
 * The element children, selected in wasm: walking `firstChild`/`next` made a JS object for every node, the whitespace
 * text between elements included, and libxml2-wasm's node constructors never stay optimised (docs/performance.md).
 * Measured with `checkPackage` on the sample package in one thread: 0.51–0.53 ms of CPU per package instead of
 * 0.62–0.63.
 */
export function childElements(parent: XmlElement): XmlElement[] {
  elementChildren ??= XmlXPath.compile('*');
  return parent.find(elementChildren).filter((node): node is XmlElement => node instanceof XmlElement);
}

/** Text of a leaf, whole even when split by comments, CDATA or character references; trimmed; empty = absent. */
export function textOf(element: XmlElement | undefined): string | undefined {
  if (!element) return undefined;
  const value = element.content.trim();
  return value === '' ? undefined : value;
}
