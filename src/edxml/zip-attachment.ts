/**
 * The government SDK zips each attached file (one entry) and sends the zip base64-encoded with ContentType
 * application/zip. These helpers do the same, and undo it on extraction with a bound on what inflating may produce.
 */
import { unzipSync, zipSync } from 'fflate';

export function zipSingleFile(name: string, bytes: Uint8Array): Uint8Array {
  return zipSync({ [name]: bytes }, { level: 6 });
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/**
 * When `bytes` is a zip holding exactly one file, returns that file's name and content; otherwise undefined.
 * Refuses (returns undefined) archives declaring more than `maxBytes` once inflated.
 */
export function unwrapSingleFileZip(bytes: Uint8Array, maxBytes = 512 * 1024 * 1024): { name: string; bytes: Uint8Array } | undefined {
  if (!ZIP_MAGIC.every((b, k) => bytes[k] === b)) return undefined;
  let entries = 0;
  let tooBig = false;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        if (file.name.endsWith('/')) return false;
        entries++;
        if (file.originalSize > maxBytes) tooBig = true;
        return entries === 1 && !tooBig;
      },
    });
  } catch {
    return undefined;
  }
  const names = Object.keys(files);
  if (entries !== 1 || tooBig || names.length !== 1) return undefined;
  const only = files[names[0]!]!;
  if (only.byteLength > maxBytes) return undefined;
  return { name: names[0]!, bytes: only };
}
