/**
 * One worker role as its own process: config -> axis store and identity -> startWorkers, and a graceful SIGTERM
 * (stop taking jobs, finish in-flight ones within SHUTDOWN_TIMEOUT_MS, close connections, exit 0).
 */
import { pino } from 'pino';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { isAxisError } from '../src/errors/axis-error.js';
import { openAxisStore } from '../src/main/open-axis-store.js';
import { startWorkers } from './index.js';

export async function runWorkerProcess(role: 'delivery' | 'maintenance'): Promise<void> {
  try {
    const config = loadConfig(process.env);
    const logger = pino({ level: config.logLevel, base: { role: `worker:${role}`, pid: process.pid } });
    const axis = await openAxisStore(config);
    // The worker settings (QUEUE_PREFIX, DELIVERY_*, ...) arrive in config.workers, which startWorkers reads.
    const running = await startWorkers({
      store: axis.store,
      identity: axis.identity,
      config,
      logger,
      roles: { delivery: role === 'delivery', maintenance: role === 'maintenance' },
    });
    logger.info({ prefix: config.workers.prefix ?? 'edx' }, `${role} worker started`);
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, `${role} worker stopping`);
      running.close(config.shutdownTimeoutMs)
        .then(() => axis.store.close())
        .then(() => process.exit(0), (error: Error) => {
          process.stderr.write(`edx ${role} worker: shutdown failed: ${error.message}\n`);
          process.exit(1);
        });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  } catch (error) {
    process.stderr.write(`${isAxisError(error) ? error.message : `edx ${role} worker: could not start: ${(error as Error).message}`}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  }
}
