/**
 * A worker role as its own OS process (src/main/worker-process.ts under tsx, as `node dist/src/main/worker-process.js delivery` runs in
 * production), sharing the test's data directory and Redis prefix, so a test can SIGKILL or SIGTERM it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REDIS_URL } from '../delivery/redis-fixture.js';
import { LOOPBACK_PUSH_ENV } from '../support/loopback-push.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly output: string[];
  /** Resolves with the exit code (or the signal) once the process is gone. */
  readonly exited: Promise<number | string>;
  kill(signal: NodeJS.Signals): Promise<number | string>;
}

export async function spawnWorker(role: 'delivery' | 'maintenance', input: { dataDir: string; prefix: string; env?: Record<string, string> }): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src', 'main', 'worker-process.ts'), role], {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      DATA_DIR: input.dataDir,
      REDIS_URL,
      LOG_LEVEL: 'info',
      QUEUE_PREFIX: input.prefix,
      ...LOOPBACK_PUSH_ENV,
      DELIVERY_MAX_ATTEMPTS: '20',
      DELIVERY_BASE_DELAY_MS: '40',
      DELIVERY_MAX_DELAY_MS: '300',
      DELIVERY_MIN_DELAY_MS: '10',
      DELIVERY_RESPONSE_TIMEOUT_MS: '2000',
      DELIVERY_CONNECT_TIMEOUT_MS: '1000',
      WORKER_LOCK_MS: '2000',
      WORKER_STALLED_INTERVAL_MS: '1000',
      SWEEP_EVERY_MS: '1000',
      SHUTDOWN_TIMEOUT_MS: '5000',
      ...input.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let started: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => { started = resolve; });
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString();
    output.push(text);
    if (text.includes('worker started')) started();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const failed = exited.then((code) => { throw new Error(`${role} worker exited (${code}) before starting: ${output.join('')}`); });
  await Promise.race([ready, failed, new Promise((_, reject) => setTimeout(() => reject(new Error(`${role} worker did not start in 20 s: ${output.join('')}`)), 20_000))]);
  failed.catch(() => undefined);
  return {
    child,
    output,
    exited,
    async kill(signal) {
      child.kill(signal);
      return exited;
    },
  };
}
