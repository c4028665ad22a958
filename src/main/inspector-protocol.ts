/**
 * The messages between the gateway's event loop and its inspector threads (inspector-pool.ts, inspector-thread.ts).
 * Everything crossing is structured-clone data: bytes, plain reports, and errors flattened to their code and message,
 * since an Error's class does not survive the crossing.
 */
import { AxisError } from '../errors/axis-error.js';
import type { EdxmlProfile, ParseLimits } from '../edxml/index.js';
import type { InspectedPackage } from '../exchange/ports/package-inspector.js';
import type { CertificateValidationReport, ValidationPolicy } from '../pki/types.js';

export interface InspectorThreadData {
  limits: Partial<ParseLimits>;
  /** EDXML_PROFILE; absent = the library's default (field). */
  profile?: EdxmlProfile;
  policy: ValidationPolicy;
  /** Verify the signatures inside the documents (PDF attachments) too. */
  checkDocuments: boolean;
}

export interface FlatError {
  name: string;
  message: string;
  /** Present for AxisErrors: the stable code the HTTP mapping and the refusal receipt rely on. */
  code?: string;
  details?: Record<string, unknown>;
  stack?: string;
}

/** Event loop -> thread. */
export type ToThread =
  | { type: 'inspect'; id: number; bytes: Uint8Array }
  | { type: 'validated'; id: number; report: CertificateValidationReport }
  | { type: 'validate-failed'; id: number; error: FlatError }
  /** The trust anchors were reloaded: verdicts the thread keeps are forgotten. */
  | { type: 'forget-verdicts' };

/** Thread -> event loop. */
export type FromThread =
  | { type: 'ready' }
  | { type: 'inspected'; id: number; result: InspectedPackage }
  | { type: 'failed'; id: number; error: FlatError }
  /** The thread asks the event loop's validator (one cache and one CRL/OCSP client for the whole process). */
  | { type: 'validate'; id: number; signer: Uint8Array; intermediates: Uint8Array[]; policy: ValidationPolicy | undefined };

export function flatten(error: unknown): FlatError {
  if (error instanceof AxisError) {
    return { name: error.name, message: error.message, code: error.code, ...(error.details ? { details: { ...error.details } } : {}), ...(error.stack ? { stack: error.stack } : {}) };
  }
  if (error instanceof Error) return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  return { name: 'Error', message: String(error) };
}

/** An AxisError keeps its code, message and details (what callers branch on); anything else stays a plain Error. */
export function revive(flat: FlatError): Error {
  const error = flat.code !== undefined ? new AxisError(flat.code, flat.message, flat.details) : new Error(flat.message);
  error.name = flat.name;
  if (flat.stack) error.stack = flat.stack;
  return error;
}
