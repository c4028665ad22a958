/**
 * `npm start`: config -> logger -> Redis -> store -> use-cases -> gateway and/or workers (ROLE), and a graceful
 * SIGTERM. Start-up failures end in one line on stderr: exit 2 for configuration, 1 for anything else.
 */
import { ConfigError, loadConfig } from '../config/config.js';
import { isAxisError } from '../errors/axis-error.js';
import { runAxis } from './run-axis.js';

try {
  const config = loadConfig();
  const running = await runAxis(config);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    const deadline = setTimeout(() => {
      process.stderr.write(`edx: shutdown took longer than ${config.shutdownTimeoutMs} ms after ${signal}; exiting.\n`);
      process.exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    running.stop().then(() => process.exit(0), (error: unknown) => {
      process.stderr.write(`edx: shutdown failed: ${(error as Error).message}\n`);
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (error) {
  const line = isAxisError(error) ? error.message : `edx: could not start: ${(error as Error).message}`;
  process.stderr.write(line + '\n');
  process.exit(error instanceof ConfigError ? 2 : 1);
}
