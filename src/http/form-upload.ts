/**
 * One file from a person's form (multipart/form-data), read into memory within limits: the form's anti-forgery token
 * must come first (the page puts its hidden field before the file input) and be the session's, or not a byte of the
 * file is kept; the declared length, the file's own size and an idle upload are each cut off with their code. A
 * refusal leaves the rest of the body unread (the error page closes the connection: unread-body.ts).
 */
import busboy from 'busboy';
import type { Request } from 'express';
import { HttpError } from './problem.js';
import { DEFAULT_UPLOAD_IDLE_TIMEOUT_MS, whenIdle, whenInterrupted } from './upload-watch.js';

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
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, limits: { files: 1, fields: 4, parts: 5, fieldSize: 1024, fileSize: options.maxBytes } });
  } catch (error) {
    throw new HttpError(400, 'HTTP_BODY_INVALID', `The form cannot be read: ${(error as Error).message}.`);
  }
  const parsed = new Promise<FormFile | undefined>((resolve, reject) => {
    let tokenOk = false;
    let file: FormFile | undefined;
    parser.on('field', (name, value) => {
      if (name === '_csrf') tokenOk = options.isFormToken(value);
    });
    parser.on('file', (name, stream, info) => {
      if (!tokenOk) {
        stream.resume();
        return reject(forged());
      }
      if (name !== options.field) return stream.resume();
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => reject(tooLarge(options.maxBytes)));
      stream.on('end', () => {
        const bytes = Buffer.concat(chunks);
        // A file input left empty still sends a part, with no name and no bytes: no file.
        if (!stream.truncated && (info.filename || bytes.length > 0)) file = { name: info.filename || options.field, bytes };
      });
    });
    parser.on('error', (error: Error) => reject(new HttpError(400, 'HTTP_BODY_INVALID', `The form cannot be read: ${error.message}.`)));
    parser.on('close', () => (tokenOk ? resolve(file) : reject(forged())));
  });
  // Whichever comes first settles the upload; the others are left to fail unheard.
  parsed.catch(() => undefined);
  const interrupted = whenInterrupted(req).catch(() => {
    throw new HttpError(400, 'HTTP_BODY_INCOMPLETE', 'The upload was interrupted before the whole form arrived.');
  });
  interrupted.catch(() => undefined);
  const watch = whenIdle(req, options.idleTimeoutMs ?? DEFAULT_UPLOAD_IDLE_TIMEOUT_MS, 'the file');
  req.pipe(parser);
  try {
    return await Promise.race([parsed, interrupted, watch.idle]);
  } catch (error) {
    // Refused: nothing more of the body is read (the error page closes the connection).
    req.unpipe(parser);
    parser.removeAllListeners('file');
    throw error;
  } finally {
    watch.stop();
  }
}
