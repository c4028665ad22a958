/**
 * Large transfers as an agency system makes them (`edx client send|fetch`, scripts): a package file streamed up with
 * its SHA-256 computed first (the signature covers the body's digest, docs/auth.md), and a package streamed down to
 * any writable while its SHA-256 is computed, so the caller can compare it with the ETag before keeping the bytes.
 * Neither holds a whole package in memory; both report progress.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AgencyClientOptions, ApiReply } from './agency-client.js';
import { signRequest } from './request-signing.js';

/** Bytes done so far, of `total` when it is known. */
export type Progress = (done: number, total: number | undefined) => void;

function counter(onProgress: Progress | undefined, total: number | undefined, hash?: ReturnType<typeof createHash>): Transform {
  let done = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      hash?.update(chunk);
      onProgress?.(done, total);
      callback(null, chunk);
    },
  });
}

/** SHA-256 (hex) and size of a file, read once as a stream. */
export async function fileSha256(file: string, onProgress?: Progress): Promise<{ sha256: string; size: number }> {
  const { size } = await stat(file);
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), counter(onProgress, size, hash), new Transform({ transform: (_c, _e, cb) => cb() }));
  return { sha256: hash.digest('hex'), size };
}

function open(options: AgencyClientOptions, method: 'GET' | 'POST', path: string, headers: Record<string, string>): http.ClientRequest {
  const url = new URL(options.baseUrl.replace(/\/+$/, '') + path);
  const transport = url.protocol === 'https:' ? https : http;
  // The request target is sent exactly as signed: never rebuilt from a parsed URL, which could re-encode it.
  return transport.request({ protocol: url.protocol, hostname: url.hostname, port: url.port, method, path, headers, agent: false });
}

async function readBody(res: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function headersOf(res: http.IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

function replyOf(res: http.IncomingMessage, body: Buffer): ApiReply {
  const type = res.headers['content-type'] ?? '';
  return { status: res.statusCode ?? 0, headers: headersOf(res), body: type.includes('json') && body.length > 0 ? JSON.parse(body.toString('utf8')) as unknown : body };
}

function response(req: http.ClientRequest): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
}

/** `POST /v1/packages` with the file's bytes, streamed; `onProgress` sees the hashing pass, then the upload. */
export async function uploadPackageFile(options: AgencyClientOptions, file: string, progress: { hashing?: Progress; uploading?: Progress } = {}): Promise<ApiReply> {
  const { sha256, size } = await fileSha256(file, progress.hashing);
  const path = '/v1/packages';
  const headers = {
    ...signRequest({ method: 'POST', path, keyId: options.keyId, secret: options.secret, bodySha256: sha256 }),
    'Content-Type': 'application/xml',
    'Content-Length': String(size),
  };
  const req = open(options, 'POST', path, headers);
  const answered = response(req);
  // The axis may answer (and close) before the whole body is sent, e.g. a 413 or 401: its answer is what matters.
  const sent = pipeline(createReadStream(file), counter(progress.uploading, size), req).catch(() => undefined);
  const res = await answered;
  const body = await readBody(res);
  await sent;
  return replyOf(res, body);
}

export interface Download {
  /** The axis's answer when it is not the package (a problem), else undefined. */
  refused?: ApiReply;
  /** When the package came: what was written, and what the axis said it would be. */
  received?: {
    sha256: string;
    size: number;
    etag: string | undefined;
    contentLength: number | undefined;
    /** Why the bytes stopped before the end (the connection cut, the sink failing); absent when they all came. */
    cut?: string;
  };
}

/** `GET /v1/packages/:id` into `sink`, hashing as it goes; the sink is written only for a 200. */
export async function downloadPackage(options: AgencyClientOptions, packageId: string, sink: Writable, onProgress?: Progress): Promise<Download> {
  const path = `/v1/packages/${encodeURIComponent(packageId)}`;
  const req = open(options, 'GET', path, { ...signRequest({ method: 'GET', path, keyId: options.keyId, secret: options.secret }) });
  const answered = response(req);
  req.end();
  const res = await answered;
  if (res.statusCode !== 200) return { refused: replyOf(res, await readBody(res)) };
  const declared = res.headers['content-length'] === undefined ? undefined : Number(res.headers['content-length']);
  const hash = createHash('sha256');
  let size = 0;
  const cut = await pipeline(res, counter((done, total) => { size = done; onProgress?.(done, total); }, declared, hash), sink)
    .then(() => undefined, (error: Error) => error.message);
  const etag = /^"([0-9a-f]{64})"$/.exec(res.headers.etag ?? '')?.[1];
  return { received: { sha256: hash.digest('hex'), size, etag, contentLength: declared, ...(cut !== undefined ? { cut } : {}) } };
}
