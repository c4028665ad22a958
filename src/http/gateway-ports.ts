/**
 * What the HTTP layer needs from the use-cases, in the gateway's own words. src/main adapts the exchange, delivery
 * and agency modules to these shapes, so a route only parses, calls one method and renders.
 */
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { TokenDigest } from '../config/tokens.js';
import type { AgencyRegistry } from '../exchange/agencies/agency-registry.js';
import type { ReceiptType } from '../store/records.js';
import type { NonceCache } from './auth/agency-auth.js';
import type { StatusForCode } from './status-codes.js';

export type SubmittedPackage =
  | {
    callerOrganId: string;
    /** A fully written temporary file under the blob store's tempDir; the use-case moves or deletes it. */
    tempPath: string;
    sha256: string;
    size: number;
  }
  /** A small package read into memory, with the SHA-256 computed while it arrived (not computed twice). */
  | { callerOrganId: string; bytes: Uint8Array; sha256?: string };

export interface SubmitResult {
  /** created: 202; duplicate: 200 with the original receipt. */
  outcome: 'created' | 'duplicate';
  envelopeId: string;
  receipt: unknown;
  /** What was accepted (for the accepted-packages counter). */
  envelope?: { kind: string };
}

export interface PackageHead {
  sha256: string;
  size: number;
}

export interface FetchedPackage extends PackageHead {
  stream: Readable;
}

export interface GatewayExchange {
  submitPackage(input: SubmittedPackage): Promise<SubmitResult>;
  listInbox(input: { organId: string; after?: number; limit: number }): Promise<{ items: unknown[]; nextCursor?: string }>;
  /** Throws a *_NOT_FOUND AxisError when the caller is not a party (never reveal existence). */
  fetchPackage(input: { organId: string; envelopeId: string }): Promise<FetchedPackage>;
  /** The same checks and headers as fetchPackage, without the bytes, and not recorded as a download. */
  describePackage(input: { organId: string; envelopeId: string }): Promise<PackageHead>;
  getReport(input: { organId: string; envelopeId: string }): Promise<unknown>;
  acknowledge(input: { organId: string; envelopeId: string }): Promise<unknown>;
  /** organId undefined: an archivist, who may read every timeline. */
  timeline(input: { organId?: string; documentId: string }): Promise<unknown>;
  /** The caller's own signed receipts (accepted, rejected, fetched, ...), in chain order. */
  listReceipts(input: { organId: string; after?: number; limit: number; type?: ReceiptType }): Promise<unknown>;
}

/** Counts accepted and refused uploads (edx_packages_accepted_total / edx_packages_rejected_total). */
export interface PackageCounters {
  accepted(kind: string): void;
  rejected(code: string): void;
}

export interface GatewayDeliveries {
  listDead(input: { after?: number; limit: number }): Promise<{ items: unknown[]; nextCursor?: number }>;
  replay(deliveryId: string): Promise<unknown>;
  /** Wakes a resumed agency's held deliveries (they would go out at their next recheck otherwise). */
  wakeHeld(recipientOrganId: string): Promise<number>;
}

export interface Pingable {
  ping(): Promise<unknown>;
}

export interface AppDeps {
  exchange: GatewayExchange | undefined;
  deliveries: GatewayDeliveries | undefined;
  agencies: AgencyRegistry;
  store: Pingable;
  redis: Pingable & NonceCache;
  /** Temp directory of the blob store: uploads are streamed there before the use-case takes them. */
  uploadDir: string;
  metrics: Registry | undefined;
  logger: Logger;
  tokens: readonly TokenDigest[];
  maxPackageBytes: number;
  authWindowSeconds: number;
  /** Prefix of the Redis replay-cache keys (tests use a unique one). */
  redisKeyPrefix: string;
  metricsPublic: boolean;
  exchangeStatus?: StatusForCode;
  packageCounters?: PackageCounters;
  /** Extra routers mounted under /admin (e.g. Bull Board), already behind operator auth. */
  adminUi?: import('express').Router;
}
