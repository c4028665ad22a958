/** The edXML XSDs in schemas/, checked by libxml2's XSD validator. Compiled once per process and kept. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { XmlDocument, XmlValidateError, XsdValidator } from 'libxml2-wasm';
import { EdxmlError } from './edxml-error.js';
import type { PackageKind } from './model.js';
import type { EdxmlProfile } from './profile.js';
import { clean } from './xml-tree.js';

/**
 * The field profile's schemas are the strict ones with one relaxation, TraceHeader/OrganId optional (schemas/README.md
 * says what differs; test/edxml/schemas.test.ts checks that nothing else does).
 */
const SCHEMA_FILES: Record<EdxmlProfile, Record<PackageKind, string>> = {
  strict: { edoc: 'edxml-edoc.xsd', status: 'edxml-status.xsd' },
  field: { edoc: 'edxml-edoc.field.xsd', status: 'edxml-status.field.xsd' },
};
const validators = new Map<string, XsdValidator>();

/** schemas/ sits at the repository root, two levels above src/edxml and three above dist/src/edxml. */
export function schemaPath(kind: PackageKind, profile: EdxmlProfile = 'strict'): string {
  const file = SCHEMA_FILES[profile][kind];
  for (const up of ['../../schemas/', '../../../schemas/']) {
    const path = fileURLToPath(new URL(up + file, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`edXML schema ${file} not found next to the library`);
}

function validatorFor(kind: PackageKind, profile: EdxmlProfile): XsdValidator {
  const key = `${profile}:${kind}`;
  let validator = validators.get(key);
  if (!validator) {
    // The schema document stays alive with its validator for the life of the process; a profile never used is
    // never compiled.
    const schema = XmlDocument.fromBuffer(readFileSync(schemaPath(kind, profile)));
    validator = XsdValidator.fromDoc(schema);
    validators.set(key, validator);
  }
  return validator;
}

export function validateSchema(doc: XmlDocument, kind: PackageKind, profile: EdxmlProfile): void {
  try {
    validatorFor(kind, profile).validate(doc);
  } catch (error) {
    if (!(error instanceof XmlValidateError)) throw error;
    const first = error.details[0];
    const messages = error.details.slice(0, 3).map((d) => `${clean(d.message)}${d.line > 0 ? ` (line ${d.line})` : ''}`);
    const more = error.details.length > 3 ? ` ... and ${error.details.length - 3} more` : '';
    const label = kind === 'edoc' ? 'document' : 'status';
    throw new EdxmlError('EDXML_SCHEMA_INVALID', `The ${label} package does not follow the edXML schema: ${messages.join('; ')}${more}`, first && first.line > 0 ? { line: first.line } : {}, { cause: error });
  }
}
