/**
 * The two namespace prefixes real senders use with no declaration in scope, as the government SDK's own sample
 * (edoc.edxml) does: `edXML` on AttachmentEncoded and its children, outside the envelope that declares it, and
 * `xlink` on edXMLManifest/Reference. The SDK's parser reads XML without namespaces, so it never notices; libxml2
 * reads with them and calls the package not namespace-well-formed.
 *
 * In the field profile, and only for those two prefixes, the parser is handed the package with `xmlns:edXML` (the
 * QCVN 102 namespace, what every SDK package binds it to) and `xmlns:xlink` (XLink) declared on the root element. A
 * declaration on the root is in scope only where no nearer one is, so it gives a meaning to exactly the uses that had
 * none and changes nothing else. Only the bytes handed to the parser get it: the package as received, the bytes the
 * axis stores and forwards, stay as they are. The second parse is as strict as the first, so anything else wrong
 * (another undeclared prefix, a real well-formedness error) still fails.
 */
import { XmlParseError, type XmlDocument } from 'libxml2-wasm';
import { EdxmlError } from './edxml-error.js';
import type { EdxmlWarningCode } from './error-codes.js';
import { QCVN102_NAMESPACE, XLINK_NAMESPACE, type EdxmlWarning } from './model.js';
import type { EdxmlProfile } from './profile.js';
import { openXml } from './xml-tree.js';

interface KnownPrefix {
  uri: string;
  code: EdxmlWarningCode;
  namespace: string;
}

const KNOWN: ReadonlyMap<string, KnownPrefix> = new Map([
  ['edXML', { uri: QCVN102_NAMESPACE, code: 'EDXML_WARN_EDXML_PREFIX_UNDECLARED', namespace: 'the QCVN 102 namespace' }],
  ['xlink', { uri: XLINK_NAMESPACE, code: 'EDXML_WARN_XLINK_PREFIX_UNDECLARED', namespace: 'the XLink namespace' }],
]);

/**
 * libxml2's words (parser.c, xmlNsErr) for a prefix with no declaration in scope, on an element (`... on NAME ...`) or
 * on an attribute (`... for ATTRIBUTE on NAME ...`). A message in any other words is not recognised, and the package
 * stays refused: a change of wording in a libxml2 upgrade can make the field profile stricter, never looser.
 */
const UNDECLARED = /^Namespace prefix (\S+) (?:for (\S+) )?on (\S+) is not defined$/;

export interface OpenedXml {
  doc: XmlDocument;
  /** What libxml2 parsed: the input, or a copy with the missing declarations on the root. */
  parsed: Uint8Array;
  warnings: EdxmlWarning[];
  /** The error the strict profile gives this package, when the field profile read it anyway. */
  namespaceError?: EdxmlError;
}

interface Uses {
  count: number;
  line: number;
  element: string;
}

export function openWithKnownPrefixes(skeleton: Uint8Array, profile: EdxmlProfile): OpenedXml {
  try {
    return { doc: openXml(skeleton), parsed: skeleton, warnings: [] };
  } catch (error) {
    if (profile !== 'field' || !(error instanceof EdxmlError) || error.code !== 'EDXML_NAMESPACE_ERROR') throw error;
    const uses = undeclaredPrefixes(error.cause);
    const known = uses && [...uses].filter(([prefix]) => KNOWN.has(prefix));
    const parsed = known && known.length > 0 ? declareOnRoot(skeleton, known.map(([prefix]) => prefix)) : undefined;
    if (!known || !parsed) throw error;
    // Another prefix used undeclared makes this parse fail, now with a message that names it.
    return { doc: openXml(parsed), parsed, warnings: known.map(([prefix, use]) => warningFor(prefix, use)), namespaceError: error };
  }
}

/** The prefixes libxml2 found used undeclared, when that is every problem it reported; undefined otherwise. */
function undeclaredPrefixes(cause: unknown): Map<string, Uses> | undefined {
  if (!(cause instanceof XmlParseError) || cause.details.length === 0) return undefined;
  const uses = new Map<string, Uses>();
  for (const detail of cause.details) {
    const m = UNDECLARED.exec(detail.message.trim());
    if (!m) return undefined;
    const seen = uses.get(m[1]!);
    if (seen) seen.count++;
    else uses.set(m[1]!, { count: 1, line: detail.line, element: m[2] ? `${m[3]!}/@${m[1]!}:${m[2]}` : `${m[1]!}:${m[3]!}` });
  }
  return uses;
}

function warningFor(prefix: string, use: Uses): EdxmlWarning {
  const known = KNOWN.get(prefix)!;
  const where = use.count > 1 ? `${use.count} times, first` : 'once,';
  return {
    code: known.code,
    message: `The prefix ${prefix} is used ${where} at line ${use.line} (${use.element}) with no xmlns:${prefix} declaration in scope; it was read as ${known.namespace} (${known.uri}), as the government SDK reads it. Declare xmlns:${prefix}="${known.uri}" on the root element`,
    line: use.line,
    element: use.element,
  };
}

const LT = 0x3c;

function isNameEnd(b: number | undefined): boolean {
  return b === undefined || b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x2f || b === 0x3e;
}

/**
 * A copy of `bytes` with the prefixes declared right after the root element's name, on the same line (line numbers
 * stay right). The byte scan has already refused anything but the XML declaration, comments, processing
 * instructions and white space before the root, and any DOCTYPE; undefined when the root cannot be found anyway.
 * Undefined too when the root itself uses one of the prefixes: the package must say itself that it is edXML (the
 * root's namespace is checked next), so a declaration is only ever lent to elements below a root that has one.
 */
function declareOnRoot(bytes: Uint8Array, prefixes: string[]): Uint8Array | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = b.indexOf(LT);
  while (at >= 0) {
    const next = b[at + 1];
    if (next === 0x3f /* ? */) {
      const end = b.indexOf('?>', at + 2, 'latin1');
      at = end < 0 ? -1 : b.indexOf(LT, end + 2);
    } else if (next === 0x21 /* ! */) {
      if (b.toString('latin1', at, at + 4) !== '<!--') return undefined;
      const end = b.indexOf('-->', at + 4, 'latin1');
      at = end < 0 ? -1 : b.indexOf(LT, end + 3);
    } else {
      let nameEnd = at + 1;
      while (!isNameEnd(b[nameEnd])) nameEnd++;
      if (nameEnd === at + 1) return undefined;
      const name = b.toString('latin1', at + 1, nameEnd);
      if (prefixes.some((p) => name.startsWith(`${p}:`))) return undefined;
      const declarations = prefixes.map((p) => ` xmlns:${p}="${KNOWN.get(p)!.uri}"`).join('');
      return Buffer.concat([b.subarray(0, nameEnd), Buffer.from(declarations, 'latin1'), b.subarray(nameEnd)]);
    }
  }
  return undefined;
}
