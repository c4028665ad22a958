/**
 * What the XSD cannot say (QCVN 102 + SĐ1:2022), checked on the typed model and on the located values the tree
 * reader kept. The first error throws; warnings are returned.
 */
import { EncodedAttachment } from './attachment.js';
import { isEdxmlDate, isEdxmlTimestamp } from './dates.js';
import { EdxmlError } from './edxml-error.js';
import type { EdocPackage, EdxmlPackage, EdxmlWarning, StatusPackage } from './model.js';
import { isOrganId, organIdRuleText, parseOrganId } from './organ-id.js';
import { DEFAULT_EDXML_PROFILE, type EdxmlProfile } from './profile.js';
import { lineOf, type LocatedValue, type ReadFacts } from './tree-reader.js';

const MAX_SUBJECT_CONTENT = 500;

function leaf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).replace(/\[\d+\]$/, '');
}

function at(v: LocatedValue): { line: number; element: string } {
  return { line: v.line, element: v.path };
}

export function applyRules(pkg: EdxmlPackage, facts: ReadFacts, profile: EdxmlProfile = DEFAULT_EDXML_PROFILE): EdxmlWarning[] {
  const warnings: EdxmlWarning[] = [...facts.warnings];
  const repeated = facts.repeated[0];
  if (repeated) {
    throw new EdxmlError('EDXML_RULE_DUPLICATE_ELEMENT', `${leaf(repeated.path)} appears more than once; it may appear only once`, { line: repeated.line, element: repeated.path });
  }
  if (pkg.kind === 'edoc') checkEdocShape(pkg, facts);
  else checkStatusShape(pkg, facts);
  for (const v of facts.values) checkValue(v, warnings, profile);
  if (pkg.kind === 'edoc') checkEdocRelations(pkg, facts, warnings, profile);
  return warnings;
}

function checkValue(v: LocatedValue, warnings: EdxmlWarning[], profile: EdxmlProfile): void {
  switch (leaf(v.path)) {
    case 'OrganId':
      checkOrganId(v, warnings, profile);
      return;
    case 'PromulgationDate':
    case 'DueDate':
      if (!isEdxmlDate(v.value)) throw new EdxmlError('EDXML_RULE_DATE_FORMAT', `${leaf(v.path)} "${v.value.slice(0, 40)}" is not a real date written yyyy/MM/dd`, at(v));
      return;
    case 'Timestamp':
      if (!isEdxmlTimestamp(v.value)) throw new EdxmlError('EDXML_RULE_TIMESTAMP_FORMAT', `Timestamp "${v.value.slice(0, 40)}" is not a real time written yyyy/MM/dd HH:mm:ss`, at(v));
      return;
    case 'Subject':
    case 'Content': {
      const length = [...v.value].length;
      if (length > MAX_SUBJECT_CONTENT) throw new EdxmlError('EDXML_RULE_TEXT_TOO_LONG', `${leaf(v.path)} is ${length} characters long; QCVN 102 allows ${MAX_SUBJECT_CONTENT}`, at(v));
      return;
    }
    case 'Priority':
      if (!/^[0-4]$/.test(v.value)) throw new EdxmlError('EDXML_RULE_PRIORITY_RANGE', `Priority "${v.value.slice(0, 20)}" is not a whole number from 0 to 4`, at(v));
      return;
    default:
  }
}

/**
 * Every OrganId (From, To, ResponseFor, TraceHeader, receivers, OrganIdList): the standard's codes in both profiles;
 * in the field profile also the SDK world's system identifiers (`vxp.saas.03`), with a warning. Compared as written.
 */
function checkOrganId(v: LocatedValue, warnings: EdxmlWarning[], profile: EdxmlProfile): void {
  const info = parseOrganId(v.value);
  if (info.valid) {
    if (!info.classic) warnings.push({ code: 'EDXML_WARN_ORGAN_ID_NOT_CLASSIC', message: info.warning ?? '', line: v.line, element: v.path });
    return;
  }
  if (profile === 'field' && isOrganId(v.value, 'identifier')) {
    warnings.push({
      code: 'EDXML_WARN_ORGAN_ID_SYSTEM',
      message: `"${v.value}" is a system identifier, not a QCVN 102 agency code (${organIdRuleText('standard')}); it was accepted as systems connected through the government SDK send it, and is compared exactly as written`,
      line: v.line,
      element: v.path,
    });
    return;
  }
  if (profile === 'field') {
    const why = parseOrganId(v.value, 'identifier').warning;
    throw new EdxmlError('EDXML_RULE_ORGAN_ID_INVALID', `${why}; an OrganId is ${organIdRuleText('standard')}, or a system identifier of ${organIdRuleText('identifier')}`, at(v));
  }
  const hint = isOrganId(v.value, 'identifier') ? ' (the field profile accepts it as a system identifier, with a warning)' : '';
  throw new EdxmlError('EDXML_RULE_ORGAN_ID_INVALID', `${info.warning}; an OrganId is ${organIdRuleText('standard')}${hint}`, at(v));
}

function requireValue(value: string | undefined, path: string, facts: ReadFacts, what: string): void {
  if (value === undefined || value === '') {
    const parent = path.slice(0, path.lastIndexOf('/'));
    const line = lineOf(facts, path) ?? lineOf(facts, parent);
    throw new EdxmlError('EDXML_RULE_MISSING_ELEMENT', `${what} is missing or empty`, line !== undefined ? { line, element: path } : { element: path });
  }
}

function checkEdocShape(pkg: EdocPackage, facts: ReadFacts): void {
  requireValue(pkg.from.organId, 'MessageHeader/From/OrganId', facts, 'The sender\'s OrganId (From/OrganId)');
  if (pkg.to.length === 0) {
    throw new EdxmlError('EDXML_RULE_NO_RECIPIENT', 'The document names no recipient: add at least one To with the receiving agency\'s OrganId', { line: lineOf(facts, 'MessageHeader'), element: 'MessageHeader' });
  }
  pkg.to.forEach((to, k) => requireValue(to.organId, `MessageHeader/To${pkg.to.length > 1 ? `[${k + 1}]` : ''}/OrganId`, facts, `Recipient ${k + 1}'s OrganId`));
  requireValue(pkg.documentId, 'MessageHeader/DocumentId', facts, 'DocumentId');
  requireValue(pkg.code?.codeNumber, 'MessageHeader/Code/CodeNumber', facts, 'The document number (Code/CodeNumber)');
  requireValue(pkg.promulgationInfo?.promulgationDate, 'MessageHeader/PromulgationInfo/PromulgationDate', facts, 'The promulgation date (PromulgationInfo/PromulgationDate)');
  requireValue(pkg.subject, 'MessageHeader/Subject', facts, 'Subject');
}

function checkStatusShape(pkg: StatusPackage, facts: ReadFacts): void {
  requireValue(pkg.from.organId, 'MessageHeader/From/OrganId', facts, 'The sender\'s OrganId (From/OrganId)');
  if (!pkg.responseFor) {
    throw new EdxmlError('EDXML_RULE_MISSING_RESPONSE_FOR', 'The status package does not say which document it is about: add ResponseFor with the DocumentId of the document', { line: lineOf(facts, 'MessageHeader'), element: 'ResponseFor' });
  }
  requireValue(pkg.responseFor.documentId, 'MessageHeader/ResponseFor/DocumentId', facts, 'ResponseFor/DocumentId');
  requireValue(pkg.timestamp, 'MessageHeader/Timestamp', facts, 'The status time (Timestamp)');
}

function checkEdocRelations(pkg: EdocPackage, facts: ReadFacts, warnings: EdxmlWarning[], profile: EdxmlProfile): void {
  const seen = new Set<string>();
  pkg.to.forEach((to, k) => {
    if (seen.has(to.organId)) {
      const path = `MessageHeader/To[${k + 1}]`;
      throw new EdxmlError('EDXML_RULE_DUPLICATE_RECIPIENT', `Recipient ${to.organId} is listed twice in To: list each agency once`, { line: lineOf(facts, path), element: path });
    }
    seen.add(to.organId);
  });
  checkOriginalReference(pkg, facts);
  checkAttachments(pkg, facts, warnings, profile);
}

function checkOriginalReference(pkg: EdocPackage, facts: ReadFacts): void {
  const business = pkg.business;
  if (!business || business.businessDocType === 0) return;
  const where = { line: lineOf(facts, business.spelling), element: business.spelling };
  const fail = (how: string): never => {
    throw new EdxmlError('EDXML_RULE_MISSING_ORIGINAL', `This package ${how}`, where);
  };
  if (business.businessDocType === 1 && !pkg.responseFor.some((r) => r.documentId)) {
    fail('revokes a document (BussinessDocType 1) but MessageHeader/ResponseFor does not give the DocumentId of the document revoked');
  }
  if (business.businessDocType === 2 && !business.documentId) {
    fail('updates a document (BussinessDocType 2) but Bussiness/DocumentId does not give the DocumentId of the document updated');
  }
  if (business.businessDocType === 3 && (business.replacementInfoList.length === 0 || business.replacementInfoList.some((r) => !r.documentId))) {
    fail('replaces a document (BussinessDocType 3) but ReplacementInfoList/ReplacementInfo/DocumentId does not give the document(s) replaced');
  }
}

function checkAttachments(pkg: EdocPackage, facts: ReadFacts, warnings: EdxmlWarning[], profile: EdxmlProfile): void {
  const mismatch = (message: string): never => {
    throw new EdxmlError('EDXML_RULE_ATTACHMENT_MISMATCH', `${message}: every edXMLManifest/Reference must have exactly one Attachment with the same ContentId, and the reverse`, { line: lineOf(facts, 'edXMLManifest') ?? lineOf(facts, 'AttachmentEncoded') });
  };
  const referenced = new Set<string>();
  for (const r of pkg.manifest.references) {
    if (referenced.has(r.contentId)) mismatch(`ContentId ${r.contentId} is referenced twice in the manifest`);
    referenced.add(r.contentId);
  }
  const attached = new Set<string>();
  for (const a of pkg.attachments) {
    if (attached.has(a.contentId)) mismatch(`Two attachments have ContentId ${a.contentId}`);
    if (!referenced.has(a.contentId)) mismatch(`Attachment ${a.contentId} is not listed in the manifest`);
    attached.add(a.contentId);
  }
  for (const id of referenced) if (!attached.has(id)) mismatch(`The manifest lists ${id} but no attachment carries it`);
  for (const a of pkg.attachments) {
    if (!a.isValidBase64()) {
      const where = a.line !== undefined ? { line: a.line } : {};
      if (profile === 'strict') {
        throw (a instanceof EncodedAttachment ? a.base64Problem() : undefined) ?? new EdxmlError('EDXML_ATTACHMENT_BAD_BASE64', `Attachment ${a.contentId} is not valid base64`, where);
      }
      // The axis forwards the package as sent and never decodes an attachment to accept it: nothing to fear from
      // the text, but the recipient cannot open this file, which the warning tells both sides.
      const reason = (a instanceof EncodedAttachment ? a.base64Reason() : undefined) ?? `Attachment ${a.contentId} is not valid base64`;
      warnings.push({ code: 'EDXML_WARN_ATTACHMENT_NOT_BASE64', message: `${reason}. The package was accepted and is forwarded as sent, but nobody can decode this attachment: re-encode the file and send it again`, element: 'ContentTransferEncoded', ...where });
      continue;
    }
    if (a.encodedLength === 0 || a.decodedSize() === 0) {
      warnings.push({ code: 'EDXML_WARN_EMPTY_ATTACHMENT', message: `Attachment ${a.contentId} is empty`, element: 'Attachment', ...(a.line !== undefined ? { line: a.line } : {}) });
    }
  }
}
