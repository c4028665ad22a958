/**
 * GATEWAY_PROCESSES > 1: the HTTP gateway runs in that many processes sharing the port (node:cluster hands each new
 * connection to one of them), so the CPU-heavy checks of a send (XSD, XMLDSig, certificates) use every core. The
 * primary keeps the workers role (ROLE=all) and supervises: a gateway process that dies is replaced, SIGTERM is passed
 * on and the primary exits once every gateway has drained. The embedded store is safe across processes (one SQLite
 * write lock, the receipt chain head read inside it); metrics are per process.
 */
import cluster, { type Worker } from 'node:cluster';
import type { AxisConfig } from '../config/config.js';
import type { RunningAxis } from './run-axis.js';

export interface GatewayCluster {
  stop(): Promise<void>;
}

const RESTART_DELAY_MS = 1000;

export function forkGateways(config: AxisConfig, log: (message: string) => void): GatewayCluster {
  let stopping = false;
  const live = new Set<Worker>();
  const fork = (): void => {
    const worker = cluster.fork({ ROLE: 'gateway', GATEWAY_PROCESSES: '1' });
    live.add(worker);
    worker.once('exit', (code, signal) => {
      live.delete(worker);
      if (stopping) return;
      log(`edx: gateway process ${worker.process.pid} exited (${signal ?? code}); starting another`);
      setTimeout(() => { if (!stopping) fork(); }, RESTART_DELAY_MS).unref();
    });
  };
  for (let i = 0; i < config.gatewayProcesses; i++) fork();
  // Each gateway process holds its own trust anchors: a SIGHUP to the primary reaches them all.
  const hangUp = (): void => { for (const worker of live) worker.process.kill('SIGHUP'); };
  process.on('SIGHUP', hangUp);
  return {
    async stop() {
      stopping = true;
      process.off('SIGHUP', hangUp);
      await Promise.all([...live].map((worker) => new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.process.kill('SIGTERM');
      })));
    },
  };
}

export function isGatewayWorker(): boolean {
  return cluster.isWorker;
}

/** The primary's own share when the gateways run in child processes: the workers for ROLE=all, else nothing. */
export function primaryRole(config: AxisConfig): AxisConfig | undefined {
  return config.role === 'all' ? { ...config, role: 'workers' } : undefined;
}

export type { RunningAxis };
