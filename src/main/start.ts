/**
 * `npm start`: config -> logger -> Redis -> store -> use-cases -> gateway and/or workers (ROLE), and a graceful
 * SIGTERM. With GATEWAY_PROCESSES > 1 the gateway runs in that many cluster processes (gateway-cluster.ts).
 * Start-up failures end in one line on stderr: exit 2 for configuration, 1 for anything else.
 */
import { ConfigError, loadConfig, type AxisConfig } from '../config/config.js';
import { isAxisError } from '../errors/axis-error.js';
import { forkGateways, isGatewayWorker, primaryRole, type GatewayCluster } from './gateway-cluster.js';
import { connectRedis } from './redis-connection.js';
import { runAxis, type RunningAxis } from './run-axis.js';

async function startPrimary(config: AxisConfig): Promise<{ stop(): Promise<void> }> {
  if (config.gatewayProcesses <= 1 || config.role === 'workers' || isGatewayWorker()) return runAxis(config);
  // Say "Redis is not reachable" once, here, rather than once per gateway process.
  (await connectRedis(config.redisUrl)).disconnect();
  const own = primaryRole(config);
  const running: RunningAxis | undefined = own ? await runAxis(own) : undefined;
  const gateways: GatewayCluster = forkGateways(config, (line) => process.stderr.write(line + '\n'));
  return {
    async stop() {
      // Together: each gateway process has its own deadline, and the workers here must not wait for them.
      await Promise.all([gateways.stop(), running?.stop()]);
    },
  };
}

try {
  const config = loadConfig();
  const running = await startPrimary(config);
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
