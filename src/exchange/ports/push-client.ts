/** The seam between the delivery rules and the network: one POST of a package to an agency endpoint. */
import type { Readable } from 'node:stream';

export interface PushRequest {
  url: string;
  headers: Record<string, string>;
  /** The raw package: bytes, or a function opening a fresh stream for this attempt. */
  body: Buffer | (() => Promise<Readable>);
  contentLength: number;
  connectTimeoutMs: number;
  responseTimeoutMs: number;
}

/** `forbidden`: the endpoint's address is one the axis does not push to (agencies/push-endpoint-policy.ts). */
export type NetworkFailure = 'connect-timeout' | 'response-timeout' | 'refused' | 'reset' | 'dns' | 'forbidden' | 'other';

export type PushResult =
  | { kind: 'response'; status: number; retryAfter?: string; bodyExcerpt: string }
  | { kind: 'network'; failure: NetworkFailure; message: string }
  /**
   * The axis's own side failed: the package's bytes could not be read for this attempt (the error keeps its code,
   * e.g. STORE_BLOB_NOT_FOUND). It says nothing about the recipient, so it is not the recipient's failed attempt.
   */
  | { kind: 'body-failed'; error: Error & { code?: string } }
  /**
   * The axis cut the push short itself (the client was closed: shutting down). Nothing is known of the recipient's
   * answer, so nothing may be recorded: the delivery is looked at again, with the same idempotency key.
   */
  | { kind: 'interrupted' };

export interface PushClient {
  push(request: PushRequest): Promise<PushResult>;
}
