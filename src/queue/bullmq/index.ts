/** The BullMQ adapters of src/exchange/ports/ (DeliveryQueue, RecipientGate), chosen at start-up by src/main. */
export { createBullmqDeliveryQueue, createBullmqDeliveryQueue as createDeliveryQueue } from './delivery-queue.js';
export type { BullmqDeliveryQueue, BullmqDeliveryQueueOptions, QueueLogger } from './delivery-queue.js';
export { createRedisRecipientGate } from './recipient-gate.js';
export { openRedis, producerRedisOptions, workerRedisOptions, reconnectDelay } from './redis-options.js';
