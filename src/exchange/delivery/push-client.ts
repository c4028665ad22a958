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

export type NetworkFailure = 'connect-timeout' | 'response-timeout' | 'refused' | 'reset' | 'dns' | 'other';

export type PushResult =
  | { kind: 'response'; status: number; retryAfter?: string; bodyExcerpt: string }
  | { kind: 'network'; failure: NetworkFailure; message: string };

export interface PushClient {
  push(request: PushRequest): Promise<PushResult>;
}
