/**
 * One file from a person's form (multipart/form-data), read into memory within limits: the form's anti-forgery token
 * must come first (the page puts its hidden field before the file input) and be the session's, or not a byte of the
 * file is kept; the declared length, the file's own size and an idle upload are each cut off with their code. A
 * refusal leaves the rest of the body unread (the error page closes the connection: unread-body.ts).
 */
import busboy from 'busboy';
import type { Request } from 'express';
import { HttpError } from './problem.js';
import { DEFAULT_UPLOAD_IDLE_TIMEOUT_MS } from './package-upload.js';

export interface FormFile {
  /** The name the browser gave (the person's own file name), for display only. */
  name: string;
  bytes: Buffer;
}

export interface FormUploadOptions {
  /** The form field that holds the file. */
  field: string;
  maxBytes: number;
  /** Whether the form's `_csrf` field is the session's (compared in constant time by the caller). */
  isFormToken(value: string): boolean;
  idleTimeoutMs?: number;
}

/** The multipart framing and the small fields around the file: what a form adds to the file's own size. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 'HTTP_BODY_TOO_LARGE', `The file is larger than the ${Math.floor(maxBytes / 1024 ** 2)} MiB this form accepts.`, { limit: maxBytes });
}

function forged(): HttpError {
  return new HttpError(403, 'AUTH_CSRF', 'This form is not from this session: reload the page and send it again.');
}

/** The file, or undefined when the form came without one (nothing chosen). */
export async function readFormFile(req: Request, options: FormUploadOptions): Promise<FormFile | undefined> {
  if (!req.is('multipart/form-data')) throw new HttpError(415, 'HTTP_UNSUPPORTED_MEDIA_TYPE', 'Send the file with the page\'s own form (multipart/form-data).');
  const declared = req.get('content-length');
  if (declared !== undefined && Number(declared) > options.maxBytes + FORM_OVERHEAD_BYTES) throw tooLarge(options.maxBytes);
  const idleMs = options.idleTimeoutMs ?? DEFAULT_UPLOAD_IDLE_TIMEOUT_MS;
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, limits: { files: 1, fields: 4, parts: 5, fieldSize: 1024, fileSize: options.maxBytes } });
  } catch (error) {
    throw new HttpError(400, 'HTTP_BODY_INVALID', `The form cannot be read: ${(error as Error).message}.`);
  }
  return new Promise<FormFile | undefined>((resolve, reject) => {
    let tokenOk = false;
    let file: FormFile | undefined;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (error: HttpError | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', arm);
      req.off('close', gone);
      if (error) {
        req.unpipe(parser);
        parser.removeAllListeners('file');
        return reject(error);
      }
      resolve(file);
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(new HttpError(408, 'HTTP_UPLOAD_IDLE', `No part of the file arrived for ${Math.round(idleMs / 1000)} s: the upload was cut off; send it again.`)), idleMs);
    };
    const gone = (): void => {
      if (!req.complete) finish(new HttpError(400, 'HTTP_BODY_INVALID', 'The upload ended before the whole form arrived.'));
    };
    parser.on('field', (name, value) => {
      if (name === '_csrf') tokenOk = options.isFormToken(value);
    });
    parser.on('file', (name, stream, info) => {
      if (!tokenOk) {
        stream.resume();
        return finish(forged());
      }
      if (name !== options.field) return stream.resume();
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => finish(tooLarge(options.maxBytes)));
      stream.on('end', () => {
        const bytes = Buffer.concat(chunks);
        // A file input left empty still sends a part, with no name and no bytes: no file.
        if (!stream.truncated && (info.filename || bytes.length > 0)) file = { name: info.filename || options.field, bytes };
      });
    });
    parser.on('error', (error: Error) => finish(new HttpError(400, 'HTTP_BODY_INVALID', `The form cannot be read: ${error.message}.`)));
    parser.on('close', () => finish(tokenOk ? undefined : forged()));
    req.on('data', arm);
    req.once('close', gone);
    arm();
    req.pipe(parser);
  });
}
