/**
 * Bytes to an open XML tree, safely: the byte scan (limits, no DTD, attachments lifted out), then libxml2, then the
 * checks that make it an edXML package at all (root element, namespace, which kind).
 */
import type { XmlDocument, XmlElement } from 'libxml2-wasm';
import { EdxmlError } from './edxml-error.js';
import { resolveLimits } from './limits.js';
import { QCVN102_NAMESPACE, type PackageKind } from './model.js';
import { splitReadOptions, type EdxmlProfile, type ReadOptions } from './profile.js';
import { scanPackageBytes, type RawScan } from './raw-scan.js';
import { newFacts, TreeReader, type ReadFacts } from './tree-reader.js';
import { openWithKnownPrefixes } from './undeclared-prefixes.js';

export interface OpenPackage {
  bytes: Uint8Array;
  scan: RawScan;
  doc: XmlDocument;
  /** The bytes libxml2 parsed: the skeleton, with the field profile's prefix declarations when it needed them. */
  parsed: Uint8Array;
  /** What the strict profile would have said about the namespaces, when the field profile read past it. */
  namespaceError?: EdxmlError;
  kind: PackageKind;
  facts: ReadFacts;
  root: TreeReader;
  envelope: TreeReader;
  header: TreeReader;
  message: TreeReader;
}

/** Opens the tree of a package; the caller must dispose `doc`. */
export function openPackage(bytes: Uint8Array, options?: ReadOptions): OpenPackage {
  const { limits, profile } = splitReadOptions(options);
  const scan = scanPackageBytes(bytes, resolveLimits(limits));
  return openScanned(bytes, scan, profile);
}

export function openScanned(bytes: Uint8Array, scan: RawScan, profile: EdxmlProfile): OpenPackage {
  const { doc, parsed, warnings, namespaceError } = openWithKnownPrefixes(scan.skeleton, profile);
  try {
    if (!scan.complete) throw new EdxmlError('EDXML_NOT_WELL_FORMED', 'The package could not be read safely: its markup is malformed');
    const located = locate(doc.root);
    located.facts.warnings.push(...warnings);
    return { bytes, scan, doc, parsed, ...(namespaceError ? { namespaceError } : {}), ...located };
  } catch (error) {
    doc.dispose();
    throw error;
  }
}

function locate(rootElement: XmlElement): Omit<OpenPackage, 'bytes' | 'scan' | 'doc' | 'parsed' | 'namespaceError'> {
  if (rootElement.name !== 'edXML') {
    throw new EdxmlError('EDXML_NOT_EDXML', `The root element is <${rootElement.name.slice(0, 40)}>, not <edXML>: this is not an edXML package`, { line: rootElement.line, element: rootElement.name.slice(0, 40) });
  }
  if (rootElement.namespaceUri !== QCVN102_NAMESPACE) {
    const actual = rootElement.namespaceUri ? `"${rootElement.namespaceUri.slice(0, 80)}"` : 'no namespace';
    throw new EdxmlError('EDXML_WRONG_NAMESPACE', `The edXML root element is in ${actual}; it must be in ${QCVN102_NAMESPACE}`, { line: rootElement.line, element: 'edXML' });
  }
  const facts = newFacts();
  const root = new TreeReader(rootElement, 'edXML', facts);
  const envelope = root.one('edXMLEnvelope') ?? absent('edXMLEnvelope', root);
  const header = envelope.one('edXMLHeader') ?? absent('edXMLHeader', envelope);
  const messageReader = header.one('MessageHeader') ?? absent('MessageHeader', header);
  const message = new TreeReader(messageReader.element, 'MessageHeader', facts);
  const kind: PackageKind = message.children().some((e) => e.name === 'StatusCode') ? 'status' : 'edoc';
  return { kind, facts, root, envelope, header, message };
}

function absent(name: string, parent: TreeReader): never {
  throw new EdxmlError('EDXML_SCHEMA_INVALID', `<${parent.element.name}> has no <${name}>: the package does not have the edXML structure`, { line: parent.line, element: name });
}
