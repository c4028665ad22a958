/**
 * `edx validate | inspect | build | build-status | extract`. Output shapes are a contract other tools parse:
 * validate prints one JSON line per file; inspect one JSON object; errors are JSON lines with a stable code.
 * Exit codes: 0 success, 1 a package was invalid or an operation failed.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import {
  buildDocumentPackage,
  buildStatusPackage,
  checkPackage,
  DEFAULT_PARSE_LIMITS,
  EdxmlError,
  parsePackage,
  summarizePackage,
  unwrapSingleFileZip,
  type BusinessDocType,
  type DocumentPackageInput,
  type EdxmlProfile,
  type StatusCode,
} from '../../edxml/index.js';
import { isAxisError } from '../../errors/axis-error.js';

function readPackageFile(file: string): Buffer {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new Error('not a regular file');
    size = stat.size;
  } catch (error) {
    throw new EdxmlError('EDXML_FILE_UNREADABLE', `Cannot read ${file}: ${(error as Error).message}`);
  }
  if (size > DEFAULT_PARSE_LIMITS.maxBytes) {
    throw new EdxmlError('EDXML_TOO_LARGE', `The package is ${size} bytes, more than the ${DEFAULT_PARSE_LIMITS.maxBytes} bytes accepted`);
  }
  return readFileSync(file);
}

function failure(error: unknown): { code: string; message: string } {
  if (isAxisError(error)) return { code: error.code, message: error.message };
  return { code: 'EDXML_INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

function printLine(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

function fail(error: unknown, file?: string): void {
  process.stderr.write(JSON.stringify({ ...(file !== undefined ? { file } : {}), ok: false, ...failure(error) }) + '\n');
  process.exitCode = 1;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** A safe file name from an attachment name: no directories, no parent references, no control characters. */
function safeName(name: string, fallback: string): string {
  const cleaned = basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f<>:"|?*]/g, '_').replace(/^\.+/, '').trim();
  return cleaned || fallback;
}

function splitCode(code: string): { codeNumber: string; codeNotation?: string } {
  const slash = code.indexOf('/');
  return slash < 0 ? { codeNumber: code } : { codeNumber: code.slice(0, slash), codeNotation: code.slice(slash + 1) };
}

interface BuildOptions {
  from: string;
  fromName?: string;
  to: string[];
  code: string;
  subject: string;
  content?: string;
  documentId?: string;
  date?: string;
  place?: string;
  type?: string;
  typeName?: string;
  priority?: string;
  attachment: string[];
  zip: boolean;
  businessType: string;
  responseFor?: string;
  reason?: string;
  out?: string;
}

function documentInput(o: BuildOptions): DocumentPackageInput {
  const type = Number(o.businessType);
  if (![0, 1, 2, 3].includes(type)) throw new EdxmlError('EDXML_RULE_BUSINESS_TYPE', `--business-type ${o.businessType} is not 0 (new), 1 (revoke), 2 (update) or 3 (replace)`);
  const businessDocType = type as BusinessDocType;
  if (businessDocType > 0 && !o.responseFor) throw new EdxmlError('EDXML_RULE_MISSING_ORIGINAL', 'A revoke, update or replace package needs --response-for DOCUMENT_ID of the original');
  const original = o.responseFor;
  const input: DocumentPackageInput = {
    from: { organId: o.from, ...(o.fromName ? { organName: o.fromName } : {}) },
    to: o.to.map((organId) => ({ organId })),
    code: splitCode(o.code),
    subject: o.subject,
    ...(o.content !== undefined ? { content: o.content } : {}),
    ...(o.documentId !== undefined ? { documentId: o.documentId } : {}),
    ...(o.date !== undefined || o.place !== undefined ? { promulgationInfo: { ...(o.place ? { place: o.place } : {}), ...(o.date ? { promulgationDate: o.date } : {}) } } : {}),
    ...(o.type !== undefined || o.typeName !== undefined ? { documentType: { ...(o.type ? { type: o.type } : {}), ...(o.typeName ? { typeName: o.typeName } : {}) } } : {}),
    ...(o.priority !== undefined ? { otherInfo: { priority: Number(o.priority), appendixes: [] } } : {}),
    ...(original && businessDocType === 1 ? { responseFor: [{ documentId: original }] } : {}),
    business: {
      businessDocType,
      ...(original && businessDocType === 2 ? { documentId: original } : {}),
      ...(original && businessDocType === 3 ? { replacementInfoList: [{ documentId: original, organIdList: o.to }] } : {}),
      ...(o.reason ? { businessDocReason: o.reason } : {}),
    },
    attachments: o.attachment.map((file) => ({ name: basename(file), bytes: readPackageFileRaw(file), zip: o.zip })),
  };
  return input;
}

function readPackageFileRaw(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new EdxmlError('EDXML_FILE_UNREADABLE', `Cannot read attachment ${file}: ${(error as Error).message}`);
  }
}

function writeOutput(bytes: Buffer, out: string | undefined, describe: Record<string, unknown>): void {
  if (!out) {
    process.stdout.write(bytes);
    return;
  }
  writeFileSync(out, bytes);
  printLine({ file: out, ok: true, ...describe, size: bytes.length });
}

export function registerEdxmlCommands(program: Command): void {
  program
    .command('validate')
    .description('Check edXML packages (schema + QCVN 102 rules); one JSON line per file; exit 1 if any is invalid')
    .argument('<files...>', 'edXML package files')
    .option('--strict', 'the strict profile: refuse what the default field profile accepts with an EDXML_WARN_* warning (docs/edxml.md)')
    .action((files: string[], options: { strict?: boolean }) => {
      const profile: EdxmlProfile = options.strict ? 'strict' : 'field';
      let allValid = true;
      for (const file of files) {
        try {
          const { package: pkg, warnings } = checkPackage(readPackageFile(file), { profile });
          printLine({ file, ok: true, kind: pkg.kind, warnings });
        } catch (error) {
          allValid = false;
          printLine({ file, ok: false, ...failure(error) });
        }
      }
      process.exitCode = allValid ? 0 : 1;
    });

  program
    .command('inspect')
    .description('Print what a package says (sender, recipients, document, attachments, signature) as one JSON object')
    .argument('<file>', 'edXML package file')
    .action((file: string) => {
      try {
        printLine(summarizePackage(parsePackage(readPackageFile(file))));
      } catch (error) {
        fail(error, file);
      }
    });

  program
    .command('build')
    .description('Write a document package (attachments zipped and base64-encoded like the government SDK)')
    .requiredOption('--from <organId>', 'sender OrganId')
    .option('--from-name <name>', 'sender OrganName')
    .option('--to <organId>', 'recipient OrganId (repeat for each recipient)', collect, [])
    .requiredOption('--code <number/notation>', 'document number and notation, e.g. 7816/VPCP-TTĐT')
    .requiredOption('--subject <text>', 'Subject (500 characters at most)')
    .option('--content <text>', 'Content (500 characters at most)')
    .option('--document-id <id>', 'DocumentId (default OrganId,date,number/notation)')
    .option('--date <yyyy/MM/dd>', 'promulgation date (default today, Vietnam time)')
    .option('--place <place>', 'promulgation place')
    .option('--type <type>', 'DocumentType/Type')
    .option('--type-name <name>', 'DocumentType/TypeName')
    .option('--priority <0-4>', 'OtherInfo/Priority')
    .option('--attachment <file>', 'attach a file (repeatable)', collect, [])
    .option('--no-zip', 'attach files as they are instead of zipping each one')
    .option('--business-type <0-3>', 'BussinessDocType: 0 new, 1 revoke, 2 update, 3 replace', '0')
    .option('--response-for <documentId>', 'DocumentId of the original (required for business types 1-3)')
    .option('--reason <text>', 'BussinessDocReason')
    .option('--out <file>', 'where to write the package (default: stdout)')
    .action((options: BuildOptions) => {
      try {
        const bytes = buildDocumentPackage(documentInput(options));
        const pkg = parsePackage(bytes);
        writeOutput(bytes, options.out, { kind: 'edoc', documentId: pkg.kind === 'edoc' ? pkg.documentId : undefined });
      } catch (error) {
        fail(error, options.out);
      }
    });

  program
    .command('build-status')
    .description('Write a status package answering a document')
    .requiredOption('--from <organId>', 'OrganId of the agency reporting the status')
    .option('--from-name <name>', 'its OrganName')
    .requiredOption('--response-for <documentId>', 'DocumentId of the document the status is about')
    .option('--response-organ <organId>', 'OrganId of that document\'s sender')
    .option('--response-code <code>', 'that document\'s number/notation')
    .option('--response-date <yyyy/MM/dd>', 'that document\'s promulgation date')
    .requiredOption('--status-code <code>', '01 arrived, 02 rejected, 03 accepted, 04 assigned, 05 processing, 06 done, 13, 15, 16')
    .option('--description <text>', 'Description')
    .option('--staff <name>', 'StaffInfo/Staff')
    .option('--department <name>', 'StaffInfo/Department')
    .option('--timestamp <yyyy/MM/dd HH:mm:ss>', 'status time (default now, Vietnam time)')
    .option('--out <file>', 'where to write the package (default: stdout)')
    .action((o: Record<string, string | undefined>) => {
      try {
        const bytes = buildStatusPackage({
          from: { organId: o.from ?? '', ...(o.fromName ? { organName: o.fromName } : {}) },
          responseFor: { documentId: o.responseFor ?? '', ...(o.responseOrgan ? { organId: o.responseOrgan } : {}), ...(o.responseCode ? { code: o.responseCode } : {}), ...(o.responseDate ? { promulgationDate: o.responseDate } : {}) },
          statusCode: (o.statusCode ?? '') as StatusCode,
          ...(o.description ? { description: o.description } : {}),
          ...(o.staff || o.department ? { staffInfo: { ...(o.staff ? { staff: o.staff } : {}), ...(o.department ? { department: o.department } : {}) } } : {}),
          ...(o.timestamp ? { timestamp: o.timestamp } : {}),
        });
        writeOutput(bytes, o.out, { kind: 'status', statusCode: o.statusCode });
      } catch (error) {
        fail(error, o.out);
      }
    });

  program
    .command('extract')
    .description('Write a package\'s attachments to a directory (unzipped when each is a zip of one file)')
    .argument('<file>', 'edXML package file')
    .requiredOption('--out <dir>', 'directory to write into (created if missing)')
    .action((file: string, o: { out: string }) => {
      try {
        const pkg = parsePackage(readPackageFile(file));
        mkdirSync(o.out, { recursive: true });
        const used = new Set<string>();
        for (const [k, a] of (pkg.kind === 'edoc' ? pkg.attachments : []).entries()) {
          const decoded = a.bytes();
          const inner = unwrapSingleFileZip(decoded);
          let name = safeName(a.name ?? inner?.name ?? '', `attachment-${k + 1}`);
          for (let n = 2; used.has(name); n++) name = `${n}-${safeName(a.name ?? '', `attachment-${k + 1}`)}`;
          used.add(name);
          const path = join(o.out, name);
          const content = inner ? inner.bytes : decoded;
          writeFileSync(path, content);
          printLine({ contentId: a.contentId, file: path, size: content.byteLength, unzipped: inner !== undefined });
        }
      } catch (error) {
        fail(error, file);
      }
    });
}
