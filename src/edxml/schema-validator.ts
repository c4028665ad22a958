/** The edXML XSDs in schemas/, checked by libxml2's XSD validator. Compiled once per process and kept. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { XmlDocument, XmlValidateError, XsdValidator } from 'libxml2-wasm';
import { EdxmlError } from './edxml-error.js';
import type { PackageKind } from './model.js';
import { clean } from './xml-tree.js';

const SCHEMA_FILES: Record<PackageKind, string> = { edoc: 'edxml-edoc.xsd', status: 'edxml-status.xsd' };
const validators = new Map<PackageKind, XsdValidator>();

/** schemas/ sits at the repository root, two levels above src/edxml and three above dist/src/edxml. */
export function schemaPath(kind: PackageKind): string {
  for (const up of ['../../schemas/', '../../../schemas/']) {
    const path = fileURLToPath(new URL(up + SCHEMA_FILES[kind], import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`edXML schema ${SCHEMA_FILES[kind]} not found next to the library`);
}

function validatorFor(kind: PackageKind): XsdValidator {
  let validator = validators.get(kind);
  if (!validator) {
    // The schema document stays alive with its validator for the life of the process.
    const schema = XmlDocument.fromBuffer(readFileSync(schemaPath(kind)));
    validator = XsdValidator.fromDoc(schema);
    validators.set(kind, validator);
  }
  return validator;
}

export function validateSchema(doc: XmlDocument, kind: PackageKind): void {
  try {
    validatorFor(kind).validate(doc);
  } catch (error) {
    if (!(error instanceof XmlValidateError)) throw error;
    const first = error.details[0];
    const messages = error.details.slice(0, 3).map((d) => `${clean(d.message)}${d.line > 0 ? ` (line ${d.line})` : ''}`);
    const more = error.details.length > 3 ? ` ... and ${error.details.length - 3} more` : '';
    const label = kind === 'edoc' ? 'document' : 'status';
    throw new EdxmlError('EDXML_SCHEMA_INVALID', `The ${label} package does not follow the edXML schema: ${messages.join('; ')}${more}`, first && first.line > 0 ? { line: first.line } : {}, { cause: error });
  }
}
