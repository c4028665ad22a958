/**
 * The government SDK zips each attached file (one entry) and sends the zip base64-encoded with ContentType
 * application/zip. These helpers do the same, and undo it on extraction within the attachment limits
 * (zip-archive.ts: size, ratio, names, nesting checked while inflating).
 */
import { zipSync } from 'fflate';
import { AttachmentError } from './attachment-error.js';
import { resolveAttachmentLimits } from './attachment-limits.js';
import { looksLikeZip, readZip } from './zip-archive.js';

export function zipSingleFile(name: string, bytes: Uint8Array): Uint8Array {
  return zipSync({ [name]: bytes }, { level: 6 });
}

/**
 * When `bytes` is a zip holding exactly one file, returns that file's name and content; otherwise undefined.
 * Refuses (returns undefined) archives that inflate to more than `maxBytes` or break any attachment limit.
 */
export function unwrapSingleFileZip(bytes: Uint8Array, maxBytes = 512 * 1024 * 1024): { name: string; bytes: Uint8Array } | undefined {
  if (!looksLikeZip(bytes)) return undefined;
  const budget = { limits: { ...resolveAttachmentLimits(undefined), maxTotalBytes: maxBytes }, bytes: 0, entries: 0 };
  try {
    const files = [...readZip(bytes, budget, {}, { nested: false })];
    const only = files.length === 1 ? files[0]! : undefined;
    return only ? { name: only.path, bytes: new Uint8Array(only.bytes.buffer, only.bytes.byteOffset, only.bytes.byteLength) } : undefined;
  } catch (error) {
    if (error instanceof AttachmentError) return undefined;
    throw error;
  }
}
