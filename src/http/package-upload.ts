/**
 * Streams an incoming package to a temporary file with a running SHA-256 and a hard size limit, so a 250 MB
 * package never sits in memory and an oversized one is cut off as soon as it crosses the limit.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import { HttpError } from './problem.js';
import { DEFAULT_UPLOAD_IDLE_TIMEOUT_MS, whenIdle, whenInterrupted } from './upload-watch.js';

const ACCEPTED_TYPES = new Set(['application/xml', 'application/edxml+xml', 'text/xml']);

export interface UploadedFile {
  tempPath: string;
  sha256: string;
  size: number;
  /** The upload ended with the expected trailer, which is not part of the file, its size or its digest. */
  trailerRemoved?: boolean;
}

/** A small package announced by Content-Length, kept in memory: no temporary file to write, read back and rename. */
export interface UploadedBytes {
  bytes: Buffer;
  sha256: string;
  size: number;
  trailerRemoved?: boolean;
}

export interface UploadOptions {
  /** How long the upload may send nothing before it is cut off (UPLOAD_IDLE_TIMEOUT_MS). */
  idleTimeoutMs?: number;
  /**
   * Bytes a client appends after the package (the government SDK's CRLF): when the body ends with them they are cut
   * off before the package is hashed or stored; a body without them is taken whole.
   */
  trailer?: Buffer;
}

/** Up to this declared size a package is read into memory; larger or chunked ones stream to a temporary file. */
export const IN_MEMORY_UPLOAD_BYTES = 1024 * 1024;

export function assertPackageContentType(req: Request): void {
  const type = (req.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!ACCEPTED_TYPES.has(type)) {
    throw new HttpError(415, 'HTTP_UNSUPPORTED_MEDIA_TYPE', 'Send the edXML package as Content-Type: application/xml (or application/edxml+xml).');
  }
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'EDXML_TOO_LARGE', `The package is larger than the ${Math.floor(limit / (1024 * 1024)) || limit} ${limit >= 1024 * 1024 ? 'MB' : 'bytes'} the axis accepts.`, { limit });
}

/** A failure of the axis's own disk (full, read-only, out of descriptors), not of the client's upload. */
function isStorageFailure(error: unknown): boolean {
  return typeof (error as { syscall?: unknown }).syscall === 'string';
}

/** `limit` counts the package without its trailer. */
export async function receivePackage(req: Request, dir: string, limit: number, options: UploadOptions = {}): Promise<UploadedFile | UploadedBytes> {
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_UPLOAD_IDLE_TIMEOUT_MS;
  const trailer = options.trailer ?? Buffer.alloc(0);
  const declared = req.get('content-length');
  if (declared !== undefined && Number(declared) > limit + trailer.length) throw tooLarge(limit);
  if (declared !== undefined && Number(declared) <= Math.min(limit, IN_MEMORY_UPLOAD_BYTES)) {
    const whole = await receiveInMemory(req, Number(declared), idleTimeoutMs, trailer.length === 0);
    return trailer.length === 0 ? whole : withoutTrailer(whole, trailer, limit);
  }
  return receiveToFile(req, dir, limit, idleTimeoutMs, trailer);
}

function withoutTrailer(upload: UploadedBytes, trailer: Buffer, limit: number): UploadedBytes {
  const ends = upload.size >= trailer.length && upload.bytes.subarray(upload.size - trailer.length).equals(trailer);
  const bytes = ends ? upload.bytes.subarray(0, upload.size - trailer.length) : upload.bytes;
  if (bytes.length > limit) throw tooLarge(limit);
  if (bytes.length === 0) throw new HttpError(400, 'EDXML_EMPTY', 'The request body is empty: send the edXML package.');
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, trailerRemoved: ends };
}

/** `hashed`: the digest is computed while the bytes arrive (otherwise the caller hashes what it keeps). */
async function receiveInMemory(req: Request, declared: number, idleTimeoutMs: number, hashed = true): Promise<UploadedBytes> {
  const chunks: Buffer[] = [];
  const hash = createHash('sha256');
  let size = 0;
  let watch: ReturnType<typeof whenIdle> | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // Node's parser never delivers more than Content-Length; this guards the buffer all the same.
        if (size > declared) return reject(new HttpError(400, 'HTTP_BODY_INCOMPLETE', 'The body is longer than its Content-Length.'));
        if (hashed) hash.update(chunk);
        chunks.push(chunk);
      });
      req.once('end', resolve);
      req.once('error', reject);
      whenInterrupted(req).catch(reject);
      watch = whenIdle(req, idleTimeoutMs, 'the package');
      watch.idle.catch(reject);
    });
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, 'HTTP_BODY_INCOMPLETE', 'The package upload was interrupted before it was complete.');
  } finally {
    watch?.stop();
  }
  if (size === 0) throw new HttpError(400, 'EDXML_EMPTY', 'The request body is empty: send the edXML package.');
  if (size !== declared) throw new HttpError(400, 'HTTP_BODY_INCOMPLETE', 'The package upload was interrupted before it was complete.');
  return { bytes: Buffer.concat(chunks, size), sha256: hashed ? hash.digest('hex') : '', size };
}

async function receiveToFile(req: Request, dir: string, limit: number, idleTimeoutMs: number, trailer: Buffer): Promise<UploadedFile> {
  const tempPath = path.join(dir, `upload-${Date.now()}-${randomBytes(8).toString('hex')}.tmp`);
  const hash = createHash('sha256');
  let size = 0;
  // The last trailer.length bytes are held back until the end: only then is it known whether they are the trailer.
  let held: Buffer = Buffer.alloc(0);
  let trailerRemoved = false;
  const pass = (bytes: Buffer, callback: (error?: Error | null, data?: Buffer) => void): void => {
    size += bytes.length;
    if (size > limit) return callback(tooLarge(limit));
    hash.update(bytes);
    callback(null, bytes);
  };
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (trailer.length === 0) return pass(chunk, callback);
      const joined = held.length === 0 ? chunk : Buffer.concat([held, chunk]);
      const cut = Math.max(0, joined.length - trailer.length);
      held = joined.subarray(cut);
      pass(joined.subarray(0, cut), callback);
    },
    flush(callback) {
      trailerRemoved = trailer.length > 0 && held.equals(trailer);
      if (trailerRemoved || held.length === 0) return callback();
      pass(held, callback);
    },
  });
  // req stays out of the pipeline: when the limit trips, the rest of the body is drained and discarded so the
  // client still reads the 413 instead of a reset connection.
  const written = pipeline(meter, createWriteStream(tempPath, { flags: 'wx', mode: 0o600 }));
  written.catch(() => undefined);
  req.pipe(meter);
  const watch = whenIdle(req, idleTimeoutMs, 'the package');
  try {
    await Promise.race([written, whenInterrupted(req), watch.idle]);
  } catch (error) {
    req.unpipe(meter);
    req.resume();
    // An interrupted upload leaves the pipeline waiting for data that will never come: end it, so the temporary
    // file's descriptor is closed before the file is removed (else the disk space stays taken until a restart).
    meter.destroy();
    await written.catch(() => undefined);
    await rm(tempPath, { force: true });
    if (error instanceof HttpError) throw error;
    if (isStorageFailure(error)) {
      throw new HttpError(503, 'UPLOAD_NOT_STORED', 'The axis could not write the upload to its disk: nothing was recorded; send the package again later.', undefined, { retryAfterSeconds: 30, cause: error });
    }
    throw new HttpError(400, 'HTTP_BODY_INCOMPLETE', 'The package upload was interrupted before it was complete.');
  } finally {
    watch.stop();
  }
  if (size === 0) {
    await rm(tempPath, { force: true });
    throw new HttpError(400, 'EDXML_EMPTY', 'The request body is empty: send the edXML package.');
  }
  return { tempPath, sha256: hash.digest('hex'), size, ...(trailer.length > 0 ? { trailerRemoved } : {}) };
}
