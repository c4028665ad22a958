/**
 * Bounds on what opening a package's attachments may cost. Zips are opened because the government SDK zips every
 * attached file; these limits make a zip bomb, a zip quine or a path-traversal name a coded refusal, checked on the
 * sizes the archive declares before anything is inflated and again on the bytes while they are inflated.
 */
export interface AttachmentLimits {
  /** All files of one package together, once decoded and unzipped, bytes. */
  maxTotalBytes: number;
  /** Files (entries) in one zip, and in all the zips of one package together. */
  maxEntries: number;
  /** Inflated size / compressed size of one zip entry; documents compress 1-10x, a zip bomb ~1000x. */
  maxCompressionRatio: number;
  /** Below this inflated size an entry may compress as well as it likes (a blank page, a small XML). */
  ratioGraceBytes: number;
  /** Zips opened inside each other: 1 = the attachment's own zip only; its inner .zip files count 2, and so on. */
  maxZipDepth: number;
  /** One entry name, UTF-8 bytes, and one of its path segments. */
  maxEntryNameBytes: number;
  maxEntrySegmentBytes: number;
}

export const DEFAULT_ATTACHMENT_LIMITS: Readonly<AttachmentLimits> = Object.freeze({
  maxTotalBytes: 256 * 1024 * 1024,
  maxEntries: 1000,
  maxCompressionRatio: 100,
  ratioGraceBytes: 1024 * 1024,
  maxZipDepth: 3,
  maxEntryNameBytes: 512,
  maxEntrySegmentBytes: 255,
});

export function resolveAttachmentLimits(limits: Partial<AttachmentLimits> | undefined): AttachmentLimits {
  return { ...DEFAULT_ATTACHMENT_LIMITS, ...(limits ?? {}) };
}
