import { EdxmlError } from './edxml-error.js';
import type { EdxmlErrorCode } from './error-codes.js';

/** Where in an attachment a problem sits: the attachment (ContentId, AttachmentName) and the file inside its zip. */
export interface AttachmentPlace {
  contentId?: string;
  attachmentName?: string;
  /** Path of the file inside the attachment's zip(s), e.g. "ho-so.zip/van-ban.pdf". */
  entry?: string;
  line?: number;
}

/** An EDXML_ATTACHMENT_* refusal that names the attachment and the file inside it (details carry both). */
export class AttachmentError extends EdxmlError {
  readonly contentId: string | undefined;
  readonly entry: string | undefined;

  constructor(code: EdxmlErrorCode, message: string, place: AttachmentPlace = {}) {
    super(code, `${message}${describePlace(place)}`, { element: 'Attachment', ...(place.line !== undefined ? { line: place.line } : {}) });
    this.contentId = place.contentId;
    this.entry = place.entry;
    // The HTTP mapping and the refusal receipt read details: they must name the attachment, not only the line.
    const details: Record<string, unknown> = { ...(this.details ?? {}) };
    if (place.contentId !== undefined) details.contentId = place.contentId;
    if (place.attachmentName !== undefined) details.attachmentName = place.attachmentName;
    if (place.entry !== undefined) details.entry = place.entry;
    Object.defineProperty(this, 'details', { value: details, enumerable: true });
  }
}

function describePlace(place: AttachmentPlace): string {
  const parts: string[] = [];
  if (place.contentId !== undefined) parts.push(`attachment ${place.contentId}${place.attachmentName ? ` (${place.attachmentName})` : ''}`);
  if (place.entry !== undefined) parts.push(`file "${place.entry}"`);
  return parts.length > 0 ? ` [${parts.join(', ')}]` : '';
}
