/** validatePackage and checkPackage: the edXML schema plus the rules, on bytes or on a package parsed earlier. */
import { EdxmlError } from './edxml-error.js';
import type { EdxmlPackage, EdxmlWarning, PackageKind } from './model.js';
import { openPackage, openScanned } from './open-package.js';
import { applyRules } from './package-rules.js';
import { memoOf, readOpened } from './parse-package.js';
import { splitReadOptions, type ReadOptions } from './profile.js';
import { validateSchema } from './schema-validator.js';

export interface ValidationResult {
  kind: PackageKind;
  warnings: EdxmlWarning[];
}

export interface CheckedPackage {
  package: EdxmlPackage;
  warnings: EdxmlWarning[];
}

/**
 * Parse, schema and rules in one pass: what the gateway runs on every upload. Throws EdxmlError with the first
 * problem found; returns the typed package and the warnings otherwise. `options.profile`: 'field' (default) or
 * 'strict' (src/edxml/profile.ts).
 */
export function checkPackage(bytes: Uint8Array, options?: ReadOptions): CheckedPackage {
  const { profile } = splitReadOptions(options);
  const opened = openPackage(bytes, options);
  let pkg: EdxmlPackage;
  try {
    validateSchema(opened.doc, opened.kind, profile);
    pkg = readOpened(opened);
  } finally {
    opened.doc.dispose();
  }
  return { package: pkg, warnings: applyRules(pkg, memoOf(pkg)!.facts, profile) };
}

export function validatePackage(input: Uint8Array | EdxmlPackage, options?: ReadOptions): ValidationResult {
  if (input instanceof Uint8Array) {
    const { package: pkg, warnings } = checkPackage(input, options);
    return { kind: pkg.kind, warnings };
  }
  const memo = memoOf(input);
  if (!memo) {
    throw new EdxmlError('EDXML_SCHEMA_INVALID', 'Only packages returned by parsePackage (or the raw bytes) can be validated');
  }
  const { profile } = splitReadOptions(options);
  if (profile === 'strict' && memo.namespaceError) throw memo.namespaceError;
  const opened = openScanned(new Uint8Array(0), { skeleton: memo.skeleton, spans: [], complete: true }, profile);
  try {
    validateSchema(opened.doc, opened.kind, profile);
  } finally {
    opened.doc.dispose();
  }
  return { kind: input.kind, warnings: applyRules(input, memo.facts, profile) };
}
