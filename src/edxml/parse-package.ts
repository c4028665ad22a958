/** parsePackage: bytes to the typed model, without the schema and rule checks (see checkPackage for both). */
import type { ParseLimits } from './limits.js';
import type { EdxmlPackage } from './model.js';
import { openPackage, type OpenPackage } from './open-package.js';
import { readEdoc } from './read-edoc.js';
import { readStatus } from './read-status.js';
import type { ReadFacts } from './tree-reader.js';

/** What validatePackage needs to check a package parsed earlier without the caller keeping the bytes. */
export interface ParseMemo {
  skeleton: Uint8Array;
  facts: ReadFacts;
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
  memos.set(pkg, { skeleton: opened.scan.skeleton, facts: opened.facts });
  return pkg;
}

/**
 * Parses a package safely (no DTD, no entity expansion, size and depth limits) into the typed model. Attachments are
 * views of `bytes`, decoded on demand: keep `bytes` unchanged while you use them. Throws EdxmlError.
 */
export function parsePackage(bytes: Uint8Array, limits?: Partial<ParseLimits>): EdxmlPackage {
  const opened = openPackage(bytes, limits);
  try {
    return readOpened(opened);
  } finally {
    opened.doc.dispose();
  }
}
