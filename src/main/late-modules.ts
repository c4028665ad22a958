/**
 * The store, exchange, delivery and metrics modules are built in parallel with the gateway. They are loaded here by
 * path at start-up, typed by the shapes the gateway relies on, so the shell builds and runs before they land and
 * says plainly which one is missing. Once they are all in the tree these can become static imports.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Registry } from 'prom-client';
import { AxisError } from '../errors/axis-error.js';
import type { DeliveryQueue } from '../queue/ports.js';
import type { ReceiptSealer } from '../store/records.js';
import type { Store } from '../store/ports.js';

export interface StoreModule {
  openStore(options: { mongodbUrl?: string; dataDir: string; sealer: ReceiptSealer }): Promise<Store>;
}

export async function loadLateModule<T>(relative: string): Promise<T | undefined> {
  const url = new URL(relative, import.meta.url);
  const file = fileURLToPath(url);
  if (!existsSync(file) && !existsSync(file.replace(/\.js$/, '.ts'))) return undefined;
  return (await import(url.href)) as T;
}

export async function requireLateModule<T>(relative: string, what: string): Promise<T> {
  const loaded = await loadLateModule<T>(relative);
  if (!loaded) throw new AxisError('MODULE_MISSING', `${what} (${relative.replace(/^\.\.\//, 'src/')}) is not built yet: run npm run build.`);
  return loaded;
}

export interface LedgerModule {
  loadAxisIdentity(options: Record<string, unknown>): Promise<unknown>;
  createReceiptSealer(identity: unknown): ReceiptSealer;
}

export interface MetricsModule {
  registry?: Registry;
  metricsRegistry?: Registry;
  createMetrics?: () => { registry: Registry };
}

export interface QueueModule {
  createDeliveryQueue?: (options: Record<string, unknown>) => DeliveryQueue;
}
