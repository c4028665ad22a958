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
import { createInspectorPool } from './inspector-pool.js';
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
  const limits = { maxBytes: config.maxPackageBytes };
  // Only a node that serves HTTP inspects packages; a workers-only node spends no threads on it.
  const pool = config.role !== 'workers' && config.inspectThreads > 0
    ? createInspectorPool({ threads: config.inspectThreads, limits, policy: signatures.policy, validator: signatures.validator, onThreadError: (err) => logger.error({ err }, 'package inspector thread failed; it is replaced') })
    : undefined;
  const exchange = createExchangeUseCases({
    store: axis.store,
    queue,
    inspector: pool ?? createEdxmlInspector({ verifySignature: signatures.verify, limits }),
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
    close: async () => {
      await pool?.close();
      await queue.close();
    },
  };
}
