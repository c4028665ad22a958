/**
 * Reads a zip held in memory, the way a gateway must: the central directory is the authority, each local header
 * must agree with it, nothing overlaps, and every limit (total size, files, compression ratio, nesting, names) is
 * checked on what the archive declares before anything is inflated; then zlib inflates each file with its declared
 * size as a hard ceiling (maxOutputLength: an archive that lies is stopped as it crosses it, having allocated no
 * more than what was already judged acceptable), and the CRC-32 is checked. A zip bomb, a quine, an unsafe name,
 * encryption or ZIP64 ends in an AttachmentError with its EDXML_ATTACHMENT_* code; nothing is written to disk.
 *
 * Why node's zlib and not fflate's streaming Inflate: both stop inside the inflation, but fflate costs per pushed
 * chunk, and chunks small enough to bound a bomb's memory (16 KiB, ~16 MiB out at worst) made a 1 MiB PDF cost
 * ~12 ms to inflate against ~0.4 ms for zlib with the ceiling (docs/edxml.md).
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { AttachmentError, type AttachmentPlace } from './attachment-error.js';
import type { AttachmentLimits } from './attachment-limits.js';
import type { EdxmlErrorCode } from './error-codes.js';
import { unsafeEntryName } from './zip-entry-name.js';

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const END64_LOCATOR = 0x07064b50;
/** What one package's attachments have used so far of the limits (shared by all its zips, nested ones included). */
export interface ZipBudget {
  limits: AttachmentLimits;
  bytes: number;
  entries: number;
}

export interface ZipFile {
  /** Path inside the archive, nested zips included ("ho-so.zip/van-ban.pdf"). */
  path: string;
  bytes: Uint8Array;
}

interface CentralEntry {
  name: string;
  nameBytes: Buffer;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  dataStart: number;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP_MAGIC = [0x50, 0x4b, 0x05, 0x06];

export function looksLikeZip(bytes: Uint8Array): boolean {
  return ZIP_MAGIC.every((b, k) => bytes[k] === b) || EMPTY_ZIP_MAGIC.every((b, k) => bytes[k] === b);
}

class ZipReader {
  readonly #buf: Buffer;
  readonly #budget: ZipBudget;
  readonly #depth: number;
  readonly #prefix: string;
  readonly #place: AttachmentPlace;
  readonly #nested: boolean;

  constructor(bytes: Uint8Array, budget: ZipBudget, depth: number, prefix: string, place: AttachmentPlace, nested: boolean) {
    this.#buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#budget = budget;
    this.#depth = depth;
    this.#prefix = prefix;
    this.#place = place;
    this.#nested = nested;
  }

  fail(code: EdxmlErrorCode, message: string, entry?: string): never {
    const inside = entry !== undefined ? `${this.#prefix}${entry}` : this.#prefix ? this.#prefix.replace(/\/$/, '') : undefined;
    throw new AttachmentError(code, message, { ...this.#place, ...(inside !== undefined ? { entry: inside } : {}) });
  }

  *files(): Generator<ZipFile> {
    const { limits } = this.#budget;
    if (this.#depth > limits.maxZipDepth) {
      this.fail('EDXML_ATTACHMENT_ZIP_TOO_DEEP', `Zip files are nested ${this.#depth} deep; at most ${limits.maxZipDepth} are opened.`);
    }
    const entries = this.centralDirectory();
    for (const entry of entries) {
      const bytes = this.inflate(entry);
      const path = `${this.#prefix}${entry.name}`;
      if (this.#nested && /\.zip$/i.test(entry.name) && looksLikeZip(bytes)) {
        yield* new ZipReader(bytes, this.#budget, this.#depth + 1, `${path}/`, this.#place, true).files();
      } else {
        yield { path, bytes };
      }
    }
  }

  private endRecord(): number {
    const buf = this.#buf;
    for (let at = buf.length - 22; at >= Math.max(0, buf.length - 22 - 0xffff); at--) {
      if (buf.readUInt32LE(at) === END && at + 22 + buf.readUInt16LE(at + 20) <= buf.length) return at;
    }
    return this.fail('EDXML_ATTACHMENT_ZIP_MALFORMED', 'The zip has no end-of-central-directory record (truncated or not a zip).');
  }

  private centralDirectory(): CentralEntry[] {
    const buf = this.#buf;
    const { limits } = this.#budget;
    if (buf.length < 22) this.fail('EDXML_ATTACHMENT_ZIP_MALFORMED', 'The zip is truncated.');
    const end = this.endRecord();
    const [disk, cdDisk, onDisk, count] = [4, 6, 8, 10].map((o) => buf.readUInt16LE(end + o)) as [number, number, number, number];
    const cdSize = buf.readUInt32LE(end + 12);
    const cdOffset = buf.readUInt32LE(end + 16);
    if ((end >= 20 && buf.readUInt32LE(end - 20) === END64_LOCATOR) || count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      this.fail('EDXML_ATTACHMENT_ZIP_UNSUPPORTED', 'The zip is a ZIP64 archive.');
    }
    if (disk !== 0 || cdDisk !== 0 || onDisk !== count) this.fail('EDXML_ATTACHMENT_ZIP_UNSUPPORTED', 'The zip is one part of a multi-part archive.');
    // The count is checked before a single header is read: a directory of a million entries costs nothing to refuse.
    if (this.#budget.entries + count > limits.maxEntries) {
      this.fail('EDXML_ATTACHMENT_ZIP_TOO_MANY_ENTRIES', `The zip lists ${count} files; at most ${limits.maxEntries} are accepted per package.`);
    }
    if (cdOffset + cdSize > end) this.fail('EDXML_ATTACHMENT_ZIP_MALFORMED', 'The central directory reaches past its end record.');
    const entries: CentralEntry[] = [];
    const names = new Set<string>();
    let at = cdOffset;
    for (let i = 0; i < count; i++) {
      if (at + 46 > end || buf.readUInt32LE(at) !== CENTRAL) this.fail('EDXML_ATTACHMENT_ZIP_MALFORMED', `Central directory entry ${i + 1} is missing or damaged.`);
      const flags = buf.readUInt16LE(at + 8);
      const method = buf.readUInt16LE(at + 10);
      const nameLength = buf.readUInt16LE(at + 28);
      const next = at + 46 + nameLength + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
      if (next > end) this.fail('EDXML_ATTACHMENT_ZIP_MALFORMED', `Central directory entry ${i + 1} reaches past the directory.`);
      const nameBytes = buf.subarray(at + 46, at + 46 + nameLength);
      const name = this.entryName(nameBytes, flags);
      const problem = unsafeEntryName(name, limits);
      if (problem) this.fail('EDXML_ATTACHMENT_ZIP_ENTRY_NAME', `The name ${JSON.stringify(name.slice(0, 80))} is unsafe: ${problem}.`);
      if (names.has(name)) this.fail('EDXML_ATTACHMENT_ZIP_ENTRY_NAME', `Two files are named ${JSON.stringify(name)}.`, name);
      names.add(name);
      const entry: CentralEntry = {
        name, nameBytes, flags, method,
        crc: buf.readUInt32LE(at + 16),
        compressedSize: buf.readUInt32LE(at + 20),
        size: buf.readUInt32LE(at + 24),
        localOffset: buf.readUInt32LE(at + 42),
        dataStart: 0,
      };
      at = next;
      if (name.endsWith('/')) continue; // a folder: nothing to inflate
      this.checkDeclared(entry);
      entries.push(entry);
    }
    const declared = entries.reduce((sum, e) => sum + e.size, 0);
    if (this.#budget.bytes + declared > limits.maxTotalBytes) {
      this.fail('EDXML_ATTACHMENT_TOO_LARGE', `The zip declares ${declared} bytes once inflated: more than the ${limits.maxTotalBytes} bytes accepted per package.`);
    }
    this.checkLayout(entries, cdOffset);
    this.#budget.entries += entries.length;
    return entries;
  }

  private entryName(bytes: Buffer, flags: number): string {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      // Bit 11 promises UTF-8; without it the name is in the archiver's code page: shown as Latin-1, never trusted.
      if (flags & 0x800) return this.fail('EDXML_ATTACHMENT_ZIP_ENTRY_NAME', 'A file name flagged as UTF-8 is not valid UTF-8.');
      return bytes.toString('latin1');
    }
  }

  /** Limits on what the archive declares, before any inflating. */
  private checkDeclared(entry: CentralEntry): void {
    const { limits } = this.#budget;
    if (entry.flags & 0x41) this.fail('EDXML_ATTACHMENT_ZIP_UNSUPPORTED', 'The file is encrypted.', entry.name);
    if (entry.method !== 0 && entry.method !== 8) this.fail('EDXML_ATTACHMENT_ZIP_UNSUPPORTED', `The file is compressed with method ${entry.method}; only stored (0) and deflate (8) are opened.`, entry.name);
    if (entry.size === 0xffffffff || entry.compressedSize === 0xffffffff || entry.localOffset === 0xffffffff) this.fail('EDXML_ATTACHMENT_ZIP_UNSUPPORTED', 'The file needs ZIP64.', entry.name);
    if (entry.method === 0 && entry.size !== entry.compressedSize) this.fail('EDXML_ATTACHMENT_ZIP_MALFORMED', 'A stored file declares two different sizes.', entry.name);
    this.checkSize(entry.name, entry.size, 'declares');
    this.checkRatio(entry.name, entry.size, entry.compressedSize, 'declares');
  }

  private checkSize(name: string, size: number, verb: string): void {
    const { limits } = this.#budget;
    if (this.#budget.bytes + size > limits.maxTotalBytes) {
      this.fail('EDXML_ATTACHMENT_TOO_LARGE', `The file ${verb} ${size} bytes: with the files before it that is more than the ${limits.maxTotalBytes} bytes accepted per package.`, name);
    }
  }

  private checkRatio(name: string, size: number, compressed: number, verb: string): void {
    const { limits } = this.#budget;
    if (size > limits.ratioGraceBytes && size / Math.max(compressed, 1) > limits.maxCompressionRatio) {
      this.fail('EDXML_ATTACHMENT_ZIP_RATIO', `The file ${verb} ${size} bytes from ${compressed} compressed (more than ${limits.maxCompressionRatio}x).`, name);
    }
  }

  /** Each local header agrees with the directory; data lies before the directory; no two files share bytes. */
  private checkLayout(entries: CentralEntry[], cdOffset: number): void {
    const buf = this.#buf;
    for (const entry of entries) {
      const at = entry.localOffset;
      if (at + 30 > cdOffset || buf.readUInt32LE(at) !== LOCAL) this.fail('EDXML_ATTACHMENT_ZIP_MALFORMED', 'The file\'s local header is missing.', entry.name);
      const nameLength = buf.readUInt16LE(at + 26);
      if (!buf.subarray(at + 30, at + 30 + nameLength).equals(entry.nameBytes) || buf.readUInt16LE(at + 8) !== entry.method) {
        this.fail('EDXML_ATTACHMENT_ZIP_MALFORMED', 'The file\'s local header and the central directory disagree (name or method).', entry.name);
      }
      entry.dataStart = at + 30 + nameLength + buf.readUInt16LE(at + 28);
      if (entry.dataStart + entry.compressedSize > cdOffset) this.fail('EDXML_ATTACHMENT_ZIP_MALFORMED', 'The file\'s data reaches into the central directory.', entry.name);
    }
    const spans = entries.map((e) => [e.localOffset, e.dataStart + e.compressedSize, e.name] as const).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) {
      // Overlapping files are how the densest zip bombs reuse one compressed kernel many times.
      if (spans[i]![0] < spans[i - 1]![1]) this.fail('EDXML_ATTACHMENT_ZIP_MALFORMED', `The file overlaps "${spans[i - 1]![2]}" in the archive.`, spans[i]![2]);
    }
  }

  private inflate(entry: CentralEntry): Uint8Array {
    const data = this.#buf.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
    let bytes: Uint8Array;
    if (entry.method === 0) {
      bytes = data;
    } else {
      try {
        // The declared size was judged against every limit: it is the ceiling zlib may not cross.
        bytes = inflateRawSync(data, { maxOutputLength: Math.max(entry.size, 1) });
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
          this.fail('EDXML_ATTACHMENT_ZIP_MALFORMED', `The file inflates to more than the ${entry.size} bytes it declares (stopped there).`, entry.name);
        }
        this.fail('EDXML_ATTACHMENT_ZIP_MALFORMED', `The file's compressed data is damaged (${(error as Error).message}).`, entry.name);
      }
    }
    if (bytes.length !== entry.size) this.fail('EDXML_ATTACHMENT_ZIP_MALFORMED', `The file holds ${bytes.length} bytes, not the ${entry.size} it declares.`, entry.name);
    if (crc32(bytes) >>> 0 !== entry.crc) this.fail('EDXML_ATTACHMENT_ZIP_MALFORMED', 'The file\'s CRC-32 does not match: the archive is damaged.', entry.name);
    this.#budget.bytes += bytes.length;
    return bytes;
  }
}

/**
 * The files of a zip (folders skipped), inner `.zip` files opened up to `limits.maxZipDepth`, one at a time: the
 * caller may drop each before the next is inflated. Throws AttachmentError (EDXML_ATTACHMENT_*).
 */
export function readZip(bytes: Uint8Array, budget: ZipBudget, place: AttachmentPlace = {}, options: { nested?: boolean } = {}): Generator<ZipFile> {
  return new ZipReader(bytes, budget, 1, '', place, options.nested ?? true).files();
}
