/** MongoDB failures as the store's stable codes. Errors that are not MongoDB's (a sealer's own) pass through unchanged. */
import mongoose from 'mongoose';
import { AxisError } from '../../errors/axis-error.js';

const DUPLICATE_KEY = 11000;

interface MongoLikeError {
  code?: unknown;
  message?: unknown;
  writeErrors?: { errmsg?: unknown }[];
  errorResponse?: { errmsg?: unknown };
}

/** The name of the unique index a write collided with (E11000), or undefined for any other error. */
export function duplicateKeyIndex(error: unknown): string | undefined {
  const e = error as MongoLikeError | undefined;
  if (!e || e.code !== DUPLICATE_KEY) return undefined;
  const texts = [e.message, e.errorResponse?.errmsg, ...(e.writeErrors ?? []).map((w) => w.errmsg)];
  for (const text of texts) {
    const match = /index: (\S+) dup key/.exec(String(text ?? ''));
    if (match) return match[1];
  }
  return 'unknown';
}

export function translate(error: unknown): unknown {
  if (error instanceof AxisError || !(error instanceof mongoose.mongo.MongoError)) return error;
  if (duplicateKeyIndex(error)) {
    return new AxisError('STORE_CONFLICT', 'A record with the same identifier already exists: nothing was written.', { index: duplicateKeyIndex(error) }, { cause: error });
  }
  if (error instanceof mongoose.mongo.MongoServerSelectionError || error instanceof mongoose.mongo.MongoNetworkError) {
    return new AxisError('STORE_MONGO_UNREACHABLE', 'MongoDB cannot be reached: check that the replica set is up.', {}, { cause: error });
  }
  return new AxisError('STORE_FAILED', `The MongoDB store failed: ${error.message}`, { mongo: String(error.code ?? error.name) }, { cause: error });
}
