/** The edXML (QCVN 102:2016 + SĐ1:2022) format library: parse, validate, build. Pure: bytes in, typed results out. */
export { parsePackage } from './parse-package.js';
export { checkPackage, validatePackage, type CheckedPackage, type ValidationResult } from './validate-package.js';
export { buildDocumentPackage, buildStatusPackage, type DocumentPackageInput, type StatusPackageInput, type AttachmentInput } from './build-package.js';
export { parseOrganId, type OrganIdInfo, type OrganIdLevels } from './organ-id.js';
export { isEdxmlDate, isEdxmlTimestamp, formatEdxmlDate, formatEdxmlTimestamp } from './dates.js';
export { EdxmlError, type EdxmlLocation } from './edxml-error.js';
export { EDXML_ERROR_CODES, EDXML_WARNING_CODES, type EdxmlErrorCode, type EdxmlWarningCode } from './error-codes.js';
export { DEFAULT_PARSE_LIMITS, type ParseLimits } from './limits.js';
export { DEFAULT_EDXML_PROFILE, EDXML_PROFILES, type EdxmlProfile, type ReadOptions } from './profile.js';
export type { Attachment } from './attachment.js';
export { unwrapSingleFileZip } from './zip-attachment.js';
export { attachmentFiles, openAttachments, type AttachmentFile } from './open-attachments.js';
export { DEFAULT_ATTACHMENT_LIMITS, type AttachmentLimits } from './attachment-limits.js';
export { AttachmentError, type AttachmentPlace } from './attachment-error.js';
export { summarizePackage, type PackageSummary } from './package-summary.js';
export * from './model.js';
