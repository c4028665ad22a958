/**
 * Composes the use-cases over the opened store: the delivery queue (BullMQ), the package inspector (edXML + XMLDSig +
 * certificate validation), the exchange, delivery administration, and the workers' start function.
 */
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { AxisConfig } from '../config/config.js';
import { createDeliveryAdmin } from '../exchange/delivery/dead-letters.js';
import { createEdxmlInspector } from '../exchange/edxml-inspector.js';
import { createExchangeUseCases, type Exchange } from '../exchange/create-exchange.js';
import type { GatewayDeliveries } from '../http/gateway-ports.js';
import type { AxisMetrics } from '../observability/metrics.js';
import { createBullmqDeliveryQueue } from '../queue/bullmq/delivery-queue.js';
import { startWorkers, type RunningWorkers } from '../../workers/index.js';
import type { AxisStore } from './open-axis-store.js';
import { createSignatureChecking } from './package-signature-check.js';

export interface WiredUseCases {
  exchange: Exchange;
  deliveries: GatewayDeliveries;
  startWorkers(): Promise<RunningWorkers>;
  /** BullMQ queues shown on Bull Board. */
  boardQueues: Queue[];
  close(): Promise<void>;
}

export async function wireUseCases(input: { config: AxisConfig; axis: AxisStore; logger: Logger; metrics: AxisMetrics; queuePrefix?: string }): Promise<WiredUseCases> {
  const { config, axis, logger, metrics } = input;
  const queue = createBullmqDeliveryQueue({ redisUrl: config.redisUrl, logger, ...(input.queuePrefix ? { prefix: input.queuePrefix } : {}) });
  const signatures = await createSignatureChecking(config, (message) => logger.warn(message));
  const exchange = createExchangeUseCases({
    store: axis.store,
    queue,
    inspector: createEdxmlInspector({ verifySignature: signatures.verify, limits: { maxBytes: config.maxPackageBytes } }),
    receiptExporter: axis.exportReceipt,
    limits: { maxPackageBytes: config.maxPackageBytes },
    logger,
  });
  return {
    exchange,
    deliveries: createDeliveryAdmin({ store: axis.store, queue }),
    startWorkers: () => startWorkers({
      store: axis.store,
      identity: axis.identity,
      redisUrl: config.redisUrl,
      config,
      logger,
      metrics,
      // In-process workers (ROLE=all) refresh the CRLs of the validator this gateway verifies with.
      hooks: { refreshRevocation: signatures.refreshRevocation },
      ...(input.queuePrefix ? { prefix: input.queuePrefix } : {}),
    }),
    boardQueues: queue.queues,
    close: () => queue.close(),
  };
}
