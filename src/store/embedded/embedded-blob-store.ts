/**
 * The embedded store's raw packages: small ones (up to INLINE_PACKAGE_MAX_BYTES, nearly every package an agency
 * sends) as rows of the SQLite database, written in the same transaction as their envelope and made durable by the
 * same group-commit fsync; larger ones as content-addressed files (file-blob-store.ts). A file of its own costs a
 * write, two fsyncs and a rename per package: at hundreds of packages per second that was a third of the store's
 * work, and it made the blob and its envelope two separate writes.
 *
 * Either way the bytes are kept exactly as received and addressed by their SHA-256; readers do not need to know where
 * a blob lives.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type Database from 'better-sqlite3';
import { AxisError } from '../../errors/axis-error.js';
import type { BlobStore, StoredBlob } from '../../exchange/ports/index.js';
import { assertBlobKey, type FileBlobStore } from './file-blob-store.js';

/** Packages up to this size are kept in the database; the gateway holds bodies up to 1 MiB in memory too. */
export const INLINE_PACKAGE_MAX_BYTES = 1024 * 1024;

export interface InlineAccess {
  /** Runs in the next group commit; settles once durable. */
  write<T>(work: () => T): Promise<T>;
  /** Sees only durable commits. */
  read<T>(work: () => T): Promise<T>;
}

export class EmbeddedBlobStore implements BlobStore {
  private readonly insert: Database.Statement<[string, Uint8Array]>;
  private readonly select: Database.Statement<[string], { bytes: Buffer }>;
  private readonly exists: Database.Statement<[string], { one: number }>;
  private readonly remove: Database.Statement<[string]>;

  constructor(db: Database.Database, private readonly files: FileBlobStore, private readonly access: InlineAccess) {
    this.insert = db.prepare('INSERT OR IGNORE INTO inline_packages (key, bytes) VALUES (?, ?)');
    this.select = db.prepare('SELECT bytes FROM inline_packages WHERE key = ?');
    this.exists = db.prepare('SELECT 1 AS one FROM inline_packages WHERE key = ?');
    this.remove = db.prepare('DELETE FROM inline_packages WHERE key = ?');
  }

  get tempDir(): string {
    return this.files.tempDir;
  }

  /** Inside a write transaction (the accept): keeps the bytes under `key` with the records that refer to them. */
  insertInTransaction(key: string, bytes: Uint8Array): void {
    assertBlobKey(key);
    if (bytes.byteLength > INLINE_PACKAGE_MAX_BYTES) {
      throw new AxisError('STORE_BLOB_TOO_LARGE', `A package of ${bytes.byteLength} bytes is kept as a file, not in the database (limit ${INLINE_PACKAGE_MAX_BYTES}).`, { size: bytes.byteLength });
    }
    this.insert.run(key, bytes);
  }

  putFile(tempPath: string, sha256: string, size: number): Promise<StoredBlob> {
    return this.files.putFile(tempPath, sha256, size);
  }

  async putBytes(bytes: Uint8Array): Promise<StoredBlob> {
    if (bytes.byteLength > INLINE_PACKAGE_MAX_BYTES) return this.files.putBytes(bytes);
    const key = createHash('sha256').update(bytes).digest('hex');
    await this.access.write(() => this.insert.run(key, bytes));
    return { key, size: bytes.byteLength };
  }

  async has(key: string): Promise<boolean> {
    assertBlobKey(key);
    if (await this.access.read(() => this.exists.get(key))) return true;
    return this.files.has(key);
  }

  async read(key: string): Promise<Buffer> {
    assertBlobKey(key);
    const row = await this.access.read(() => this.select.get(key));
    return row ? row.bytes : this.files.read(key);
  }

  async openRead(key: string): Promise<Readable> {
    assertBlobKey(key);
    const row = await this.access.read(() => this.select.get(key));
    return row ? Readable.from([row.bytes], { objectMode: false }) : this.files.openRead(key);
  }

  async delete(key: string): Promise<void> {
    assertBlobKey(key);
    await this.access.write(() => this.remove.run(key));
    await this.files.delete(key);
  }
}
