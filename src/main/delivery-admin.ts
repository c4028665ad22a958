/** The dead-letter listing and replay of src/exchange/delivery, composed for the CLI outside a running server. */
import type { AxisConfig } from '../config/config.js';
import { createDeliveryAdmin } from '../exchange/delivery/dead-letters.js';
import type { GatewayDeliveries } from '../http/gateway-ports.js';
import { createBullmqDeliveryQueue } from '../queue/bullmq/delivery-queue.js';
import type { AxisStore } from './open-axis-store.js';
import { connectRedis } from './redis-connection.js';

export async function openDeliveryAdmin(config: AxisConfig, axis: AxisStore): Promise<{ deliveries: GatewayDeliveries; close(): Promise<void> }> {
  // Fail with the one-line Redis message before building a queue that would retry in silence.
  const redis = await connectRedis(config.redisUrl);
  // The same QUEUE_PREFIX as the workers, or a replay would enqueue where no worker listens.
  const queue = createBullmqDeliveryQueue({ connection: redis, ...(config.workers.prefix ? { prefix: config.workers.prefix } : {}) });
  return {
    deliveries: createDeliveryAdmin({ store: axis.store, queue, by: 'operator (cli)' }),
    async close() {
      await queue.close();
      await redis.quit();
    },
  };
}
