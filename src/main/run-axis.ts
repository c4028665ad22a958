/** Wires one axis process: the gateway (HTTP) and/or the workers, as ROLE says. */
import type { Server } from 'node:http';
import { pino, type Logger } from 'pino';
import type { AxisConfig } from '../config/config.js';
import { loadTokenDigests } from '../config/tokens.js';
import { createApp } from '../http/app.js';
import { queueBoard } from '../http/queue-board.js';
import { loadLateModule, type MetricsModule } from './late-modules.js';
import { openAxisStore } from './open-axis-store.js';
import { connectRedis } from './redis-connection.js';
import { wireUseCases } from './wire-use-cases.js';

export interface RunningAxis {
  server: Server | undefined;
  logger: Logger;
  stop(): Promise<void>;
}

export async function runAxis(config: AxisConfig): Promise<RunningAxis> {
  const logger = pino({ level: config.logLevel, redact: { paths: ['*.secret', '*.password', '*.authorization', 'secretKey'], censor: '[redacted]' } });
  const tokens = loadTokenDigests(config);
  const redis = await connectRedis(config.redisUrl);
  const axis = await openAxisStore(config);
  const metricsModule = await loadLateModule<MetricsModule>('../observability/metrics.js');
  const metrics = metricsModule?.registry ?? metricsModule?.metricsRegistry ?? metricsModule?.createMetrics?.().registry;
  const wired = await wireUseCases({ config, axis, redis, logger });
  const stoppers: (() => Promise<void>)[] = [];

  let server: Server | undefined;
  if (config.role !== 'workers') {
    const app = createApp({
      exchange: wired.exchange,
      deliveries: wired.deliveries,
      agencies: axis.agencies,
      store: axis.store,
      redis,
      uploadDir: axis.store.blobs.tempDir,
      metrics,
      logger,
      tokens,
      maxPackageBytes: config.maxPackageBytes,
      authWindowSeconds: config.authWindowSeconds,
      redisKeyPrefix: 'edx:auth:',
      metricsPublic: config.metricsPublic,
      ...(wired.exchangeStatus ? { exchangeStatus: wired.exchangeStatus } : {}),
      ...(wired.boardQueues.length > 0 ? { adminUi: queueBoard(wired.boardQueues) } : {}),
    });
    const listening = app.listen(config.port, config.host);
    server = listening;
    await new Promise<void>((resolve, reject) => {
      listening.once('listening', resolve);
      listening.once('error', reject);
    });
    const address = listening.address();
    logger.info({ port: typeof address === 'object' && address ? address.port : config.port, role: config.role, store: config.mongodbUrl ? 'mongodb' : 'embedded' }, 'gateway listening');
    stoppers.push(() => new Promise<void>((resolve) => {
      listening.close(() => resolve());
      listening.closeIdleConnections();
    }));
  }
  if (config.role !== 'gateway' && wired.startWorkers) {
    const workers = await wired.startWorkers();
    stoppers.push(workers.stop);
    logger.info('workers started');
  } else if (config.role !== 'gateway') {
    logger.warn('the delivery workers are not built yet: packages are accepted but not pushed');
  }

  return {
    server,
    logger,
    async stop() {
      logger.info('shutting down');
      // Stop taking new work first (HTTP, then jobs), then close the connections the work needed.
      for (const stop of stoppers) await stop();
      await wired.close();
      await axis.store.close();
      await redis.quit();
    },
  };
}
