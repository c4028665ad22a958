/**
 * One worker role as its own process, for scale-out: `node dist/src/main/worker-process.js delivery|maintenance`.
 * config -> axis services -> startWorkers, and a graceful SIGTERM (stop taking jobs, finish in-flight ones within
 * SHUTDOWN_TIMEOUT_MS, close connections, exit 0). An entry point is composition, so it lives in src/main beside the
 * root; workers/ holds only the processors it starts.
 */
import { pino } from 'pino';
import { ConfigError, loadConfig } from '../config/config.js';
import { isAxisError } from '../errors/axis-error.js';
import { openAxisServices } from './axis-services.js';
import { openLedgerCheckpointing } from './ledger-checkpointing.js';
import { startWorkers } from './start-workers.js';
import { loadWorkingCalendar } from './working-calendar.js';

type WorkerRole = 'delivery' | 'maintenance';

export async function runWorkerProcess(role: WorkerRole): Promise<void> {
  try {
    const config = loadConfig(process.env);
    const logger = pino({ level: config.logLevel, base: { role: `worker:${role}`, pid: process.pid } });
    // The maintenance worker watches the Decree 30 time limits in the working calendar of HOLIDAYS_FILE.
    const calendar = role === 'maintenance' ? loadWorkingCalendar(config.deadlines.holidaysFile) : undefined;
    for (const warning of calendar?.warnings ?? []) logger.warn(warning);
    const services = await openAxisServices(config);
    // The worker settings (QUEUE_PREFIX, DELIVERY_*, ...) arrive in config.workers, which startWorkers reads.
    const running = await startWorkers({
      store: services.store,
      identity: services.identity,
      config,
      logger,
      roles: { delivery: role === 'delivery', maintenance: role === 'maintenance' },
      // The maintenance worker makes the receipt log's checkpoints (docs/evidence.md).
      ...(role === 'maintenance' ? { ledger: await openLedgerCheckpointing({ config, store: services.store, identity: services.identity, logger }) } : {}),
      ...(calendar ? { deadlines: { calendar: calendar.calendar, rules: config.deadlines.rules, watchDays: config.deadlines.watchDays, checkEveryMs: config.deadlines.checkEveryMs } } : {}),
    });
    logger.info({ prefix: config.workers.prefix ?? 'edx' }, `${role} worker started`);
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, `${role} worker stopping`);
      running.close(config.shutdownTimeoutMs)
        .then(() => services.store.close())
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

const role = process.argv[2];
if (role === 'delivery' || role === 'maintenance') {
  await runWorkerProcess(role);
} else {
  process.stderr.write('edx worker: say which role to run: worker-process.js delivery|maintenance\n');
  process.exit(2);
}
