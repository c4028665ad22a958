/** The dead-letter listing and replay of src/exchange/delivery, composed for the CLI outside a running server. */
import { pino } from 'pino';
import type { AxisConfig } from '../config/config.js';
import { AxisError } from '../errors/axis-error.js';
import type { GatewayDeliveries } from '../http/gateway-ports.js';
import type { AxisStore } from './open-axis-store.js';
import { connectRedis } from './redis-connection.js';
import { wireUseCases } from './wire-use-cases.js';

export async function openDeliveryAdmin(config: AxisConfig, axis: AxisStore): Promise<{ deliveries: GatewayDeliveries; close(): Promise<void> }> {
  const redis = await connectRedis(config.redisUrl);
  const wired = await wireUseCases({ config, axis, redis, logger: pino({ level: 'silent' }) });
  const close = async (): Promise<void> => {
    await wired.close();
    await redis.quit();
  };
  if (!wired.deliveries) {
    await close();
    throw new AxisError('MODULE_MISSING', 'Delivery administration (src/exchange/delivery) is not built yet: run npm run build.');
  }
  return { deliveries: wired.deliveries, close };
}
