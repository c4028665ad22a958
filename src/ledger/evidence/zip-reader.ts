/**
 * Reads an evidence zip held in memory, for a verifier that must not trust it: the central directory is checked whole
 * before anything is inflated (entry count, declared sizes against the limits and the compression ratio, names), then
 * each entry is inflated with its output counted and stopped at its declared size, and its CRC-32 checked. Nothing is
 * written to disk. Stored (0) and deflated (8) entries only; no encryption, no ZIP64, no multi-disk archives.
 */
import { crc32 } from 'node:zlib';
import { Inflate } from 'fflate';
import { AxisError } from '../../errors/axis-error.js';

export interface ZipLimits {
  /** The zip itself (default 1 GiB). */
  maxZipBytes: number;
  maxEntries: number;
  /** Sum of all entries once inflated (default 1 GiB). */
  maxTotalBytes: number;
  maxEntryBytes: number;
  /** Inflated / compressed, for entries that inflate past 1 MiB (default 100). */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxZipBytes: 1024 ** 3,
  maxEntries: 10_000,
  maxTotalBytes: 1024 ** 3,
  maxEntryBytes: 300 * 1024 ** 2,
  maxRatio: 100,
};

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const RATIO_FLOOR = 1024 ** 2;
const CHUNK = 64 * 1024;

function corrupt(why: string): never {
  throw new AxisError('EVIDENCE_ZIP_CORRUPT', `The bundle is not a readable zip: ${why}.`);
}

function tooBig(why: string): never {
  throw new AxisError('EVIDENCE_ZIP_TOO_LARGE', `The bundle was not opened: ${why} (a zip bomb?).`);
}

/** A name the axis could have written: relative, forward slashes, no "." or ".." segment, no control characters. */
export function isSafeEntryName(name: string): boolean {
  if (name.length === 0 || name.length > 255 || name.startsWith('/') || name.includes('\\') || /^[A-Za-z]:/.test(name)) return false;
  if (/[\u0000-\u001f\u007f]/.test(name)) return false;
  return name.split('/').every((segment, i, all) => segment !== '.' && segment !== '..' && (segment !== '' || i === all.length - 1));
}

interface CentralEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

function findEndOfCentralDirectory(zip: Buffer): number {
  const lowest = Math.max(0, zip.length - 22 - 0xffff);
  for (let at = zip.length - 22; at >= lowest; at -= 1) if (zip.readUInt32LE(at) === EOCD) return at;
  return corrupt('there is no end-of-central-directory record');
}

function centralDirectory(zip: Buffer, limits: ZipLimits): CentralEntry[] {
  const end = findEndOfCentralDirectory(zip);
  const [disk, cdDisk, onDisk, total, cdSize, cdOffset] = [zip.readUInt16LE(end + 4), zip.readUInt16LE(end + 6), zip.readUInt16LE(end + 8), zip.readUInt16LE(end + 10), zip.readUInt32LE(end + 12), zip.readUInt32LE(end + 16)];
  if (disk !== 0 || cdDisk !== 0 || onDisk !== total) corrupt('multi-disk archives are not bundles');
  if (total === 0xffff || cdOffset === 0xffffffff) corrupt('ZIP64 archives are not bundles');
  if (total > limits.maxEntries) tooBig(`it has ${total} entries, more than ${limits.maxEntries}`);
  if (cdOffset + cdSize > end) corrupt('the central directory lies outside the file');
  const entries: CentralEntry[] = [];
  let at = cdOffset;
  for (let i = 0; i < total; i += 1) {
    if (at + 46 > end || zip.readUInt32LE(at) !== CENTRAL) corrupt(`central directory entry ${i + 1} is damaged`);
    const nameLength = zip.readUInt16LE(at + 28);
    const next = at + 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    if (next > end) corrupt(`central directory entry ${i + 1} runs past its end`);
    const flags = zip.readUInt16LE(at + 8);
    const rawName = zip.subarray(at + 46, at + 46 + nameLength);
    let name: string;
    try {
      name = new TextDecoder('utf-8', { fatal: true }).decode(rawName);
    } catch {
      name = rawName.toString('latin1');
    }
    entries.push({ name, flags, method: zip.readUInt16LE(at + 10), crc: zip.readUInt32LE(at + 16), compressedSize: zip.readUInt32LE(at + 20), size: zip.readUInt32LE(at + 24), localOffset: zip.readUInt32LE(at + 42) });
    at = next;
  }
  return entries;
}

function checkDeclared(entries: CentralEntry[], limits: ZipLimits): void {
  const names = new Set<string>();
  let total = 0;
  for (const entry of entries) {
    if (!isSafeEntryName(entry.name)) {
      throw new AxisError('EVIDENCE_ZIP_UNSAFE_NAME', `The bundle was not opened: the entry name "${entry.name.slice(0, 120)}" points outside the bundle or is not a plain relative path.`, { entry: entry.name.slice(0, 255) });
    }
    if (names.has(entry.name)) corrupt(`the entry "${entry.name}" appears twice`);
    names.add(entry.name);
    if (entry.flags & 0x0001) corrupt(`the entry "${entry.name}" is encrypted`);
    if (entry.method !== 0 && entry.method !== 8) corrupt(`the entry "${entry.name}" uses compression method ${entry.method}`);
    if (entry.method === 0 && entry.size !== entry.compressedSize) corrupt(`the stored entry "${entry.name}" has two sizes`);
    if (entry.size > limits.maxEntryBytes) tooBig(`the entry "${entry.name}" would inflate to ${entry.size} bytes`);
    if (entry.size > RATIO_FLOOR && entry.size > limits.maxRatio * Math.max(1, entry.compressedSize)) tooBig(`the entry "${entry.name}" would inflate ${Math.round(entry.size / Math.max(1, entry.compressedSize))} times`);
    total += entry.size;
    if (total > limits.maxTotalBytes) tooBig(`its entries would inflate to more than ${limits.maxTotalBytes} bytes`);
  }
}

function inflateBounded(name: string, compressed: Buffer, size: number): Buffer {
  const out: Uint8Array[] = [];
  let produced = 0;
  const inflater = new Inflate((chunk) => {
    produced += chunk.length;
    // Never trust the declared size: stop the moment the output passes it.
    if (produced > size) tooBig(`the entry "${name}" inflates past the size it declares`);
    out.push(chunk);
  });
  try {
    for (let at = 0; at < compressed.length; at += CHUNK) inflater.push(compressed.subarray(at, at + CHUNK), at + CHUNK >= compressed.length);
    if (compressed.length === 0) inflater.push(new Uint8Array(0), true);
  } catch (error) {
    if (error instanceof AxisError) throw error;
    corrupt(`the entry "${name}" does not inflate`);
  }
  return Buffer.concat(out, produced);
}

/** Every file entry of the zip by name (directory entries skipped). */
export function readZip(bytes: Uint8Array, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Map<string, Buffer> {
  if (bytes.length > limits.maxZipBytes) tooBig(`it is larger than ${limits.maxZipBytes} bytes`);
  if (bytes.length < 22) corrupt('it is too short to be a zip');
  const zip = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries = centralDirectory(zip, limits);
  checkDeclared(entries, limits);
  const files = new Map<string, Buffer>();
  for (const entry of entries) {
    const at = entry.localOffset;
    if (at + 30 > zip.length || zip.readUInt32LE(at) !== LOCAL) corrupt(`the entry "${entry.name}" has no local header where the directory says`);
    const localNameLength = zip.readUInt16LE(at + 26);
    // Tools that read local headers and tools that read the directory must see the same names.
    if (!zip.subarray(at + 30, at + 30 + localNameLength).equals(Buffer.from(entry.name, 'utf8')) && !zip.subarray(at + 30, at + 30 + localNameLength).equals(Buffer.from(entry.name, 'latin1'))) {
      corrupt(`the entry "${entry.name}" has another name in its local header`);
    }
    const start = at + 30 + localNameLength + zip.readUInt16LE(at + 28);
    if (start + entry.compressedSize > zip.length) corrupt(`the entry "${entry.name}" runs past the end of the file`);
    if (entry.name.endsWith('/')) continue;
    const compressed = zip.subarray(start, start + entry.compressedSize);
    const content = entry.method === 0 ? Buffer.from(compressed) : inflateBounded(entry.name, compressed, entry.size);
    if (content.length !== entry.size) corrupt(`the entry "${entry.name}" is not the size it declares`);
    if (crc32(content) >>> 0 !== entry.crc >>> 0) corrupt(`the entry "${entry.name}" fails its CRC-32 check`);
    files.set(entry.name, content);
  }
  return files;
}
