/**
 * Raw packages as content-addressed files: `<root>/ab/cd/<sha256>`. A blob is written whole to a temporary name in
 * `<root>/tmp`, fsynced, then renamed into place (rename is atomic on one filesystem), and the directory is fsynced,
 * so a crash leaves either no blob or the complete blob, never a torn one. Two processes writing the same blob both
 * rename identical bytes onto one name: harmless.
 */
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../../config/data-dir.js';
import { AxisError } from '../../errors/axis-error.js';
import type { BlobStore, StoredBlob } from '../../exchange/ports/index.js';

const KEY = /^[0-9a-f]{64}$/;
/** Temporary files older than this are left-overs of a crash (no upload takes a day), removed at open. */
const STALE_TEMP_MS = 24 * 3600 * 1000;

export function assertBlobKey(key: string): void {
  if (!KEY.test(key)) throw new AxisError('STORE_BAD_BLOB_KEY', `"${key.slice(0, 80)}" is not a blob key: a blob key is the SHA-256 of the bytes as 64 lower-case hex digits.`);
}

function blobMissing(key: string): AxisError {
  return new AxisError('STORE_BLOB_NOT_FOUND', `The raw package ${key} is not in the blob store (never stored, or removed by retention).`, { key });
}

const isErrno = (error: unknown, code: string): boolean => (error as NodeJS.ErrnoException | undefined)?.code === code;

async function fsyncPath(target: string, flags = 'r'): Promise<void> {
  const handle = await open(target, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class FileBlobStore implements BlobStore {
  readonly tempDir: string;
  /** Fan-out directories known to exist: one mkdir per directory per process, not one per blob. */
  private readonly madeDirs = new Set<string>();

  private constructor(private readonly root: string) {
    this.tempDir = path.join(root, 'tmp');
  }

  static async open(root: string): Promise<FileBlobStore> {
    const store = new FileBlobStore(root);
    await mkdir(store.tempDir, { recursive: true, mode: PRIVATE_DIR_MODE });
    await store.removeStaleTemps();
    return store;
  }

  pathOf(key: string): string {
    assertBlobKey(key);
    return path.join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }

  async putFile(tempPath: string, sha256: string, size: number): Promise<StoredBlob> {
    const target = this.pathOf(sha256);
    const actual = (await stat(tempPath)).size;
    if (actual !== size) {
      throw new AxisError('STORE_BLOB_SIZE_MISMATCH', `The temporary file holds ${actual} bytes but ${size} were announced: it was not fully written.`, { actual, size });
    }
    if (await this.has(sha256)) {
      await rm(tempPath, { force: true });
      return { key: sha256, size };
    }
    // The caller wrote the file; make sure its bytes are on disk before the name says the blob exists.
    await fsyncPath(tempPath, 'r+');
    try {
      await this.renameInto(tempPath, target);
    } catch (error) {
      if (!isErrno(error, 'EXDEV')) throw error;
      // Another filesystem: copy next to the target first, so the final step is still one rename.
      const staged = this.tempName();
      await copyFile(tempPath, staged);
      await fsyncPath(staged, 'r+');
      await rename(staged, target);
      await rm(tempPath, { force: true });
    }
    await fsyncPath(path.dirname(target));
    return { key: sha256, size };
  }

  async putBytes(bytes: Uint8Array): Promise<StoredBlob> {
    const key = createHash('sha256').update(bytes).digest('hex');
    if (await this.has(key)) return { key, size: bytes.byteLength };
    const staged = this.tempName();
    const handle = await open(staged, 'wx', PRIVATE_FILE_MODE);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    const target = this.pathOf(key);
    await this.renameInto(staged, target);
    await fsyncPath(path.dirname(target));
    return { key, size: bytes.byteLength };
  }

  /** rename into the fan-out directory, creating it the first time (or again, should someone have removed it). */
  private async renameInto(from: string, target: string): Promise<void> {
    const dir = path.dirname(target);
    if (!this.madeDirs.has(dir)) {
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      this.madeDirs.add(dir);
    }
    try {
      await rename(from, target);
    } catch (error) {
      if (!isErrno(error, 'ENOENT') || !this.madeDirs.delete(dir)) throw error;
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      this.madeDirs.add(dir);
      await rename(from, target);
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return false;
      throw error;
    }
  }

  async read(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if (isErrno(error, 'ENOENT')) throw blobMissing(key);
      throw error;
    }
  }

  async openRead(key: string): Promise<Readable> {
    // Open first, so a missing blob is an error here and not a stream error later; the open handle also keeps the
    // bytes readable if retention deletes the name meanwhile.
    let handle;
    try {
      handle = await open(this.pathOf(key), 'r');
    } catch (error) {
      if (isErrno(error, 'ENOENT')) throw blobMissing(key);
      throw error;
    }
    return handle.createReadStream();
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  private tempName(): string {
    return path.join(this.tempDir, `blob-${process.pid}-${randomBytes(8).toString('hex')}.part`);
  }

  private async removeStaleTemps(): Promise<void> {
    const now = Date.now();
    for (const name of await readdir(this.tempDir)) {
      const file = path.join(this.tempDir, name);
      const info = await stat(file).catch(() => undefined);
      if (info && now - info.mtimeMs > STALE_TEMP_MS) await rm(file, { force: true });
    }
  }
}
