/**
 * Raw packages in GridFS (bucket `packages`): packages exceed MongoDB's 16 MB document limit. The file name is the
 * SHA-256 of the bytes (content address). GridFS writes every chunk before the file document, so a file document
 * that exists names complete bytes; an interrupted upload leaves orphan chunks only, never a readable torn blob.
 * The bytes are hashed while they stream in, and an upload whose hash differs from its name is removed again.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PRIVATE_DIR_MODE } from '../../config/data-dir.js';
import mongoose from 'mongoose';
import { AxisError } from '../../errors/axis-error.js';
import type { BlobStore, StoredBlob } from '../../exchange/ports/index.js';

type Db = NonNullable<mongoose.Connection['db']>;
type GridFSBucket = InstanceType<typeof mongoose.mongo.GridFSBucket>;

const KEY = /^[0-9a-f]{64}$/;

function assertBlobKey(key: string): void {
  if (!KEY.test(key)) throw new AxisError('STORE_BAD_BLOB_KEY', `"${key.slice(0, 80)}" is not a blob key: a blob key is the SHA-256 of the bytes as 64 lower-case hex digits.`);
}

function blobMissing(key: string): AxisError {
  return new AxisError('STORE_BLOB_NOT_FOUND', `The raw package ${key} is not in the blob store (never stored, or removed by retention).`, { key });
}

export class GridFsBlobStore implements BlobStore {
  private readonly bucket: GridFSBucket;

  private constructor(db: Db, readonly tempDir: string) {
    this.bucket = new mongoose.mongo.GridFSBucket(db, { bucketName: 'packages' });
  }

  /** `tempDir` is local: uploads are spooled there by the gateway, then streamed into GridFS by putFile. */
  static async open(db: Db, tempDir: string): Promise<GridFsBlobStore> {
    await mkdir(tempDir, { recursive: true, mode: PRIVATE_DIR_MODE });
    return new GridFsBlobStore(db, tempDir);
  }

  async putFile(tempPath: string, sha256: string, size: number): Promise<StoredBlob> {
    assertBlobKey(sha256);
    const actual = (await stat(tempPath)).size;
    if (actual !== size) {
      throw new AxisError('STORE_BLOB_SIZE_MISMATCH', `The temporary file holds ${actual} bytes but ${size} were announced: it was not fully written.`, { actual, size });
    }
    if (!(await this.has(sha256))) await this.upload(createReadStream(tempPath), sha256);
    await rm(tempPath, { force: true });
    return { key: sha256, size };
  }

  async putBytes(bytes: Uint8Array): Promise<StoredBlob> {
    const key = createHash('sha256').update(bytes).digest('hex');
    if (!(await this.has(key))) await this.upload(Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]), key);
    return { key, size: bytes.byteLength };
  }

  private async upload(source: Readable, key: string): Promise<void> {
    const hash = createHash('sha256');
    const digest = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const upload = this.bucket.openUploadStream(key, { metadata: { sha256: key } });
    await pipeline(source, digest, upload);
    const actual = hash.digest('hex');
    if (actual !== key) {
      await this.bucket.delete(upload.id).catch(() => undefined);
      throw new AxisError('STORE_BLOB_HASH_MISMATCH', `The bytes given as ${key} hash to ${actual}: nothing was stored.`, { key, actual });
    }
  }

  private async newest(key: string): Promise<{ _id: unknown } | undefined> {
    assertBlobKey(key);
    const file = await this.bucket.find({ filename: key }).sort({ uploadDate: -1 }).limit(1).next();
    return file ?? undefined;
  }

  async has(key: string): Promise<boolean> {
    return (await this.newest(key)) !== undefined;
  }

  async read(key: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.openRead(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async openRead(key: string): Promise<Readable> {
    const file = await this.newest(key);
    if (!file) throw blobMissing(key);
    return this.bucket.openDownloadStream(file._id as mongoose.mongo.ObjectId);
  }

  /** Two concurrent first uploads of one package may both land: every copy goes. */
  async delete(key: string): Promise<void> {
    assertBlobKey(key);
    for await (const file of this.bucket.find({ filename: key })) {
      await this.bucket.delete(file._id).catch((error: unknown) => {
        // Already removed by another process: what we wanted.
        if (!/not found/i.test(String((error as Error).message))) throw error;
      });
    }
  }

  static tempDirUnder(dataDir: string): string {
    return path.join(dataDir, 'mongo-upload-tmp');
  }
}
