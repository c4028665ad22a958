import { EdxmlError } from './edxml-error.js';
import { decodeBase64, decodedLength, scanBase64, type Base64Stats } from './base64-text.js';

export interface AttachmentFields {
  contentId: string;
  /** AttachmentName */
  name?: string;
  contentType?: string;
  description?: string;
  /** Line of the Attachment element in the package. */
  line?: number;
}

/**
 * One AttachmentEncoded/Attachment. The base64 text stays where it is in the package bytes (a view, not a copy)
 * and is decoded only when someone asks for the bytes.
 */
export interface Attachment extends AttachmentFields {
  /** Length in bytes of the base64 text, whitespace included. */
  readonly encodedLength: number;
  /** The base64 text as it stands in the package (a view of the package bytes). */
  encoded(): Buffer;
  isValidBase64(): boolean;
  /** Decoded size in bytes, computed without decoding. Throws EDXML_ATTACHMENT_BAD_BASE64. */
  decodedSize(): number;
  /** Decodes the attachment (one allocation of decodedSize()). Throws EDXML_ATTACHMENT_BAD_BASE64. */
  bytes(): Buffer;
}

export class EncodedAttachment implements Attachment {
  contentId: string;
  name?: string;
  contentType?: string;
  description?: string;
  line?: number;
  readonly encodedLength: number;
  readonly #text: Uint8Array;
  #stats: Base64Stats | undefined;

  constructor(fields: AttachmentFields, text: Uint8Array, stats?: Base64Stats) {
    this.contentId = fields.contentId;
    if (fields.name !== undefined) this.name = fields.name;
    if (fields.contentType !== undefined) this.contentType = fields.contentType;
    if (fields.description !== undefined) this.description = fields.description;
    if (fields.line !== undefined) this.line = fields.line;
    this.#text = text;
    this.#stats = stats;
    this.encodedLength = text.byteLength;
  }

  encoded(): Buffer {
    return Buffer.from(this.#text.buffer, this.#text.byteOffset, this.#text.byteLength);
  }

  isValidBase64(): boolean {
    return this.stats().valid;
  }

  decodedSize(): number {
    return decodedLength(this.validStats());
  }

  bytes(): Buffer {
    return decodeBase64(this.#text, this.validStats());
  }

  /** Why this attachment's text is not base64 ("Attachment cid:1 (a.pdf) is not valid base64: ..."), or undefined. */
  base64Reason(): string | undefined {
    const stats = this.stats();
    if (stats.valid) return undefined;
    const where = stats.badOffset >= this.#text.byteLength ? 'its length is not a whole number of base64 groups' : `character ${stats.badOffset + 1} is not base64`;
    return `Attachment ${this.contentId}${this.name ? ` (${this.name})` : ''} is not valid base64: ${where}`;
  }

  /** The error validation reports for this attachment, or undefined when its text is valid base64. */
  base64Problem(): EdxmlError | undefined {
    const reason = this.base64Reason();
    if (reason === undefined) return undefined;
    return new EdxmlError(
      'EDXML_ATTACHMENT_BAD_BASE64',
      `${reason}. Re-encode the file and send the package again`,
      this.line !== undefined ? { element: 'ContentTransferEncoded', line: this.line } : { element: 'ContentTransferEncoded' },
    );
  }

  private stats(): Base64Stats {
    this.#stats ??= scanBase64(this.#text);
    return this.#stats;
  }

  private validStats(): Base64Stats {
    const problem = this.base64Problem();
    if (problem) throw problem;
    return this.stats();
  }

  toJSON(): Record<string, unknown> {
    return { contentId: this.contentId, name: this.name, contentType: this.contentType, description: this.description, encodedLength: this.encodedLength };
  }
}
