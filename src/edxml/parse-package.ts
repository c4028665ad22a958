/** parsePackage: bytes to the typed model, without the schema and rule checks (see checkPackage for both). */
import type { EdxmlError } from './edxml-error.js';
import type { EdxmlPackage } from './model.js';
import { openPackage, type OpenPackage } from './open-package.js';
import type { ReadOptions } from './profile.js';
import { readEdoc } from './read-edoc.js';
import { readStatus } from './read-status.js';
import type { ReadFacts } from './tree-reader.js';

/** What validatePackage needs to check a package parsed earlier without the caller keeping the bytes. */
export interface ParseMemo {
  /** What libxml2 parsed (see OpenPackage.parsed). */
  skeleton: Uint8Array;
  facts: ReadFacts;
  /** Set when the package was read in the field profile past a namespace error the strict profile refuses. */
  namespaceError?: EdxmlError;
}

const memos = new WeakMap<EdxmlPackage, ParseMemo>();

export function memoOf(pkg: EdxmlPackage): ParseMemo | undefined {
  return memos.get(pkg);
}

export function readOpened(opened: OpenPackage): EdxmlPackage {
  const pkg: EdxmlPackage =
    opened.kind === 'status'
      ? readStatus({ message: opened.message, header: opened.header })
      : readEdoc({ message: opened.message, header: opened.header, envelope: opened.envelope, root: opened.root }, opened.doc, opened.bytes, opened.scan.spans);
  memos.set(pkg, { skeleton: opened.parsed, facts: opened.facts, ...(opened.namespaceError ? { namespaceError: opened.namespaceError } : {}) });
  return pkg;
}

/**
 * Parses a package safely (no DTD, no entity expansion, size and depth limits) into the typed model. Attachments are
 * views of `bytes`, decoded on demand: keep `bytes` unchanged while you use them. Throws EdxmlError. The profile
 * (default field) matters here only for the undeclared `edXML`/`xlink` prefixes; the rest is validation's.
 */
export function parsePackage(bytes: Uint8Array, options?: ReadOptions): EdxmlPackage {
  const opened = openPackage(bytes, options);
  try {
    return readOpened(opened);
  } finally {
    opened.doc.dispose();
  }
}
