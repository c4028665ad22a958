/**
 * Runs one axis process, in this order: Redis (fail fast, one line) -> identity + store (axis-services.ts) ->
 * use-cases (composition-root.ts) -> the gateway (HTTP) and/or the workers, as ROLE says. `stop()` undoes it in
 * reverse.
 */
import type { Server } from 'node:http';
import { pino, type Logger } from 'pino';
import type { AxisConfig } from '../config/config.js';
import { looseDataFiles } from '../config/data-dir.js';
import { loadTokenDigests } from '../config/tokens.js';
import { metrics as processMetrics, type AxisMetrics } from '../observability/metrics.js';
import { openAxisServices, type AxisServices } from './axis-services.js';
import { composeAxis, composeGateway } from './composition-root.js';
import { connectRedis } from './redis-connection.js';
import { watchTrustAnchors } from './trust-anchor-reload.js';

export interface RunningAxis {
  server: Server | undefined;
  /** The port the gateway listens on (PORT=0 picks a free one). */
  port: number | undefined;
  services: AxisServices;
  logger: Logger;
  stop(): Promise<void>;
}

/**
 * Of the shutdown deadline, what is kept for closing the queues, Redis and the store once the work has stopped (a
 * quarter of a deadline shorter than 8 s).
 */
const CLOSE_AFTER_WORK_MS = 2000;

export interface RunAxisOptions {
  logger?: Logger;
  metrics?: AxisMetrics;
  /** BullMQ and replay-cache key prefix (the demo and tests use a unique one); default QUEUE_PREFIX, else 'edx'. */
  prefix?: string;
}

export async function runAxis(config: AxisConfig, options: RunAxisOptions = {}): Promise<RunningAxis> {
  const logger = options.logger ?? pino({ level: config.logLevel, redact: { paths: ['*.secret', '*.password', '*.authorization', 'secretKey'], censor: '[redacted]' } });
  const metrics = options.metrics ?? processMetrics;
  const tokens = loadTokenDigests(config);
  const prefix = options.prefix ?? config.workers.prefix;
  const redis = await connectRedis(config.redisUrl);
  /** What takes in new work (the HTTP server, the workers taking jobs): stopped together, first. */
  const intake: (() => Promise<void>)[] = [];
  /** What that work needed, closed after it, in order. */
  const stoppers: (() => Promise<void>)[] = [];
  let services: AxisServices | undefined;
  try {
    services = await openAxisServices(config);
    await warnAboutLooseFiles(config, logger);
    const composed = await composeAxis({ config, services, logger, metrics, ...(prefix ? { queuePrefix: prefix } : {}) });
    stoppers.push(() => composed.close());
    const anchors = watchTrustAnchors({ dir: config.trustAnchorsDir, reload: () => composed.reloadTrustAnchors(), logger });
    stoppers.unshift(async () => anchors.close());

    let server: Server | undefined;
    let port: number | undefined;
    if (config.role !== 'workers') {
      const app = composeGateway({ config, services, composed, redis, logger, metrics, tokens, prefix });
      const listening = app.listen(config.port, config.host);
      server = listening;
      await new Promise<void>((resolve, reject) => {
        listening.once('listening', resolve);
        listening.once('error', reject);
      });
      const address = listening.address();
      port = typeof address === 'object' && address ? address.port : config.port;
      logger.info({ port, role: config.role, store: config.mongodbUrl ? 'mongodb' : 'embedded', dataDir: config.dataDir }, 'gateway listening');
      if (!config.axisP12) {
        logger.warn({ dataDir: config.dataDir }, 'receipts are sealed by a development axis identity generated under DATA_DIR: set AXIS_P12 and AXIS_P12_PASSWORD to the axis certificate in production');
      }
      if ((await services.store.listAgencies()).length === 0) {
        // A newcomer's first start: say what to do next rather than sit silent on an empty registry.
        logger.info(`no agencies registered yet: add one with "npx edx admin agency add CODE --name NAME", or watch a whole exchange with "npm run demo"; API docs at http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}/docs`);
      }
      intake.push(() => new Promise<void>((resolve) => {
        listening.close(() => resolve());
        listening.closeIdleConnections();
      }));
    }
    if (config.role !== 'gateway') {
      const workers = await composed.startWorkers();
      // At the same time as the HTTP server (they have their own queue and connections), so that slow uploads do not
      // keep them taking jobs; within the shutdown deadline less what closing the rest needs (start.ts exits at it).
      intake.push(() => workers.close(config.shutdownTimeoutMs - Math.min(CLOSE_AFTER_WORK_MS, config.shutdownTimeoutMs / 4)));
      logger.info({ role: config.role }, 'workers started');
    }
    const opened = services;
    return {
      server,
      port,
      services: opened,
      logger,
      async stop() {
        logger.info('shutting down');
        // Stop taking new work first (HTTP and jobs at once), then close what the work needed.
        await Promise.all(intake.map((stop) => stop()));
        for (const stop of stoppers) await stop();
        await opened.store.close();
        await redis.quit();
      },
    };
  } catch (error) {
    for (const stop of [...intake, ...stoppers]) await stop().catch(() => undefined);
    await services?.store.close().catch(() => undefined);
    redis.disconnect();
    throw error;
  }
}

/** DATA_DIR holds documents, keys and secrets: say which of its files others may read (see src/config/data-dir.ts). */
async function warnAboutLooseFiles(config: AxisConfig, logger: Logger): Promise<void> {
  const loose = await looseDataFiles(config.dataDir, config.tokenFile ? [config.tokenFile] : []);
  if (loose.length === 0) return;
  logger.warn({ files: loose.map((f) => ({ path: f.path, mode: f.mode.toString(8) })) },
    'files under DATA_DIR (or TOKEN_FILE) that hold documents, keys or secrets can be read by other users: chmod 700 the directories and 600 the files');
}
