/** What the exchange use-cases are built from: ports and policies, never an adapter. */
import type { ReceiptExporter } from '../ledger/signed-receipt.js';
import type { Clock, DeliveryQueue, EvidenceGate, Store } from './ports/index.js';
import type { PackageInspector } from './ports/package-inspector.js';

/** The slice of a pino logger the exchange uses (private keys and package bytes are never passed to it). */
export interface ExchangeLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface ExchangeLimits {
  /** Largest package accepted, bytes (the HTTP layer enforces it while streaming; checked again here). */
  maxPackageBytes: number;
  /** Largest inbox page. */
  maxInboxPage: number;
}

export interface ExchangePolicy {
  /** Status packages may be unsigned ('optional', the default, as the real samples are) or must be signed. */
  statusSignature: 'optional' | 'required';
}

export interface ExchangeDeps {
  store: Store;
  /** Absent when the node runs without queues: deliveries wait for the sweeper. */
  queue?: DeliveryQueue | undefined;
  inspector: PackageInspector;
  receiptExporter: ReceiptExporter;
  clock?: Clock;
  limits?: Partial<ExchangeLimits>;
  policy?: Partial<ExchangePolicy>;
  logger?: ExchangeLogger;
  /** Asked before a package is taken in (EVIDENCE_FAIL_CLOSED); absent: always open. */
  evidenceGate?: EvidenceGate | undefined;
}

export interface ExchangeContext {
  store: Store;
  queue: DeliveryQueue | undefined;
  inspector: PackageInspector;
  exportReceipt: ReceiptExporter;
  now: Clock;
  limits: ExchangeLimits;
  policy: ExchangePolicy;
  logger: ExchangeLogger;
  evidenceGate: EvidenceGate | undefined;
}

const silent: ExchangeLogger = { info() {}, warn() {}, error() {} };

export const DEFAULT_LIMITS: ExchangeLimits = { maxPackageBytes: 250 * 1024 * 1024, maxInboxPage: 500 };

export function contextOf(deps: ExchangeDeps): ExchangeContext {
  return {
    store: deps.store,
    queue: deps.queue,
    inspector: deps.inspector,
    exportReceipt: deps.receiptExporter,
    now: deps.clock ?? (() => new Date()),
    limits: { ...DEFAULT_LIMITS, ...(deps.limits ?? {}) },
    policy: { statusSignature: 'optional', ...(deps.policy ?? {}) },
    logger: deps.logger ?? silent,
    evidenceGate: deps.evidenceGate,
  };
}
