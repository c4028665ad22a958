/**
 * Composes the exchange, delivery and worker modules when they are in the tree. Each is optional at this stage: the
 * gateway answers 503 SERVICE_UNAVAILABLE on the routes of a missing one rather than failing to start.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AxisConfig } from '../config/config.js';
import type { GatewayDeliveries, GatewayExchange } from '../http/gateway-ports.js';
import type { StatusForCode } from '../http/status-codes.js';
import { loadLateModule } from './late-modules.js';
import type { AxisStore } from './open-axis-store.js';

export interface WiredUseCases {
  exchange: GatewayExchange | undefined;
  deliveries: GatewayDeliveries | undefined;
  exchangeStatus: StatusForCode | undefined;
  startWorkers: (() => Promise<{ stop(): Promise<void> }>) | undefined;
  /** BullMQ queues shown on Bull Board. */
  boardQueues: Queue[];
  close(): Promise<void>;
}

type Factory = (options: Record<string, unknown>) => unknown;

export async function wireUseCases(input: { config: AxisConfig; axis: AxisStore; redis: Redis; logger: Logger }): Promise<WiredUseCases> {
  const { config, axis, redis, logger } = input;
  const closers: (() => Promise<void>)[] = [];

  const queueModule = await loadLateModule<Record<string, Factory>>('../queue/bullmq/index.js');
  const createQueue = queueModule?.['createDeliveryQueue'] ?? queueModule?.['createBullmqDeliveryQueue'];
  const queue = createQueue?.({ redisUrl: config.redisUrl, connection: redis, logger }) as { close(): Promise<void>; queue?: Queue; queues?: Queue[] } | undefined;
  const boardQueues = queue?.queues ?? (queue?.queue ? [queue.queue] : []);
  if (queue) closers.push(() => queue.close());

  const shared = { store: axis.store, queue, agencies: axis.agencies, identity: axis.identity, logger, config, trustAnchorsDir: config.trustAnchorsDir, revocationPolicy: config.revocationPolicy, maxPackageBytes: config.maxPackageBytes };

  const exchangeModule = await loadLateModule<Record<string, Factory>>('../exchange/index.js')
    ?? await loadLateModule<Record<string, Factory>>('../exchange/create-exchange.js');
  const exchange = exchangeModule?.['createExchange']?.(shared) as GatewayExchange | undefined;

  const statusModule = await loadLateModule<Record<string, unknown>>('../exchange/error-status.js');
  const table = (statusModule?.['ERROR_STATUS'] ?? statusModule?.['errorStatus']) as Record<string, number> | undefined;
  const statusFn = statusModule?.['statusForCode'] ?? statusModule?.['httpStatusFor'];
  const exchangeStatus: StatusForCode | undefined = typeof statusFn === 'function'
    ? (code) => (statusFn as (c: string) => number | undefined)(code)
    : table ? (code) => table[code] : undefined;

  const deliveryModule = await loadLateModule<Record<string, Factory>>('../exchange/delivery/index.js');
  const deliveries = deliveryModule?.['createDeliveryAdmin']?.(shared) as GatewayDeliveries | undefined;

  const workersModule = await loadLateModule<Record<string, Factory>>('../../workers/index.js');
  const start = workersModule?.['startWorkers'];
  const startWorkers = start ? async () => (await start(shared)) as { stop(): Promise<void> } : undefined;

  return {
    exchange,
    deliveries,
    exchangeStatus,
    startWorkers,
    boardQueues,
    async close() {
      for (const close of closers) await close();
    },
  };
}
