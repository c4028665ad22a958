/**
 * The files a package really carries: each attachment decoded from base64 and, when it is a zip (the government SDK
 * zips every attached file), opened, inner .zip files too, within AttachmentLimits. Files come one at a time, so a
 * caller that only wants the PDFs can let the others go before the next is inflated.
 */
import type { Attachment } from './attachment.js';
import { AttachmentError } from './attachment-error.js';
import { resolveAttachmentLimits, type AttachmentLimits } from './attachment-limits.js';
import { looksLikeZip, readZip, type ZipBudget } from './zip-archive.js';

export interface AttachmentFile {
  /** The attachment it came from. */
  contentId: string;
  attachmentName?: string;
  /** AttachmentName (else the ContentId) for a plain attachment; the path inside the zip(s) for a zipped one. */
  name: string;
  /** It came out of a zip. */
  zipped: boolean;
  bytes: Uint8Array;
}

/** Documents that are zips themselves: handed on as they are, never opened. */
const ZIP_BASED_DOCUMENT = /\.(docx|docm|dotx|xlsx|xlsm|xltx|pptx|pptm|ppsx|odt|ods|odp|odg|ott|epub|vsdx|xps|oxps)$/i;
const ZIP_BASED_TYPE = /officedocument|opendocument|epub|ms-xpsdocument/i;

function isZipAttachment(attachment: Attachment, bytes: Uint8Array): boolean {
  if (!looksLikeZip(bytes)) return false;
  return !ZIP_BASED_DOCUMENT.test(attachment.name ?? '') && !ZIP_BASED_TYPE.test(attachment.contentType ?? '');
}

/**
 * Decodes and unzips every attachment. Throws EdxmlError EDXML_ATTACHMENT_BAD_BASE64 for bad base64 and
 * AttachmentError (EDXML_ATTACHMENT_TOO_LARGE, _ZIP_RATIO, _ZIP_TOO_DEEP, _ZIP_ENTRY_NAME, ...) for hostile zips.
 */
export function* attachmentFiles(attachments: Iterable<Attachment>, limits?: Partial<AttachmentLimits>): Generator<AttachmentFile> {
  const budget: ZipBudget = { limits: resolveAttachmentLimits(limits), bytes: 0, entries: 0 };
  for (const attachment of attachments) {
    const place = { contentId: attachment.contentId, ...(attachment.name !== undefined ? { attachmentName: attachment.name } : {}), ...(attachment.line !== undefined ? { line: attachment.line } : {}) };
    const from = { contentId: attachment.contentId, ...(attachment.name !== undefined ? { attachmentName: attachment.name } : {}) };
    const size = attachment.decodedSize();
    if (budget.bytes + size > budget.limits.maxTotalBytes) {
      throw new AttachmentError('EDXML_ATTACHMENT_TOO_LARGE', `The attachment decodes to ${size} bytes: with the attachments before it that is more than the ${budget.limits.maxTotalBytes} bytes accepted per package.`, place);
    }
    const bytes = attachment.bytes();
    if (isZipAttachment(attachment, bytes)) {
      // The zip itself is bounded by the package size; what it inflates to is what the budget counts.
      for (const file of readZip(bytes, budget, place)) yield { ...from, name: file.path, zipped: true, bytes: file.bytes };
    } else {
      budget.bytes += size;
      yield { ...from, name: attachment.name ?? attachment.contentId, zipped: false, bytes };
    }
  }
}

/** All of them at once (tests, the CLI); the gateway iterates attachmentFiles. */
export function openAttachments(attachments: Iterable<Attachment>, limits?: Partial<AttachmentLimits>): AttachmentFile[] {
  return [...attachmentFiles(attachments, limits)];
}
