/** Real Redis for the queue tests: a unique BullMQ prefix per test so parallel test files never see each other's jobs. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import { waitFor } from '../support/wait-for.js';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export function uniquePrefix(what: string): string {
  return `edxt-${what}-${randomUUID().slice(0, 8)}`;
}

/** Removes every key under a test prefix (best effort: a test that failed should not leave Redis littered). */
export async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    // Redis away: nothing to clean.
  } finally {
    redis.disconnect();
  }
}

/**
 * A Redis of the test's own on a free port, for tests that kill Redis: the shared one on 6379 carries every other
 * test file's nonces and queues, so it must never go down. Empty on every start (no RDB, no AOF), like a CI restart.
 */
export interface PrivateRedis {
  url: string;
  port: number;
  /** Kills the server (SIGKILL, as a crash) and waits until it is gone. */
  stop(): Promise<void>;
  /** Starts an empty server on the same port and waits until it answers PING. */
  start(): Promise<void>;
  /** Stops the server and removes its directory. */
  close(): Promise<void>;
}

/** A port nothing listens on right now (the OS picks it, then it is released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'edx-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  /** Resolves once the server answers PING on a fresh connection. */
  const answers = (): Promise<void> => waitFor(async () => {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      expect(await probe.ping()).toBe('PONG');
    } finally {
      probe.disconnect();
    }
  }, { timeout: 10_000, interval: 50 });

  const redis: PrivateRedis = {
    url,
    port,
    async start() {
      if (child) return;
      const started = spawn('redis-server', [
        '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dir, '--logfile', '',
      ], { stdio: 'ignore' });
      child = started;
      // A test process that dies must not leave its Redis behind.
      const reap = (): void => { started.kill('SIGKILL'); };
      process.once('exit', reap);
      started.once('exit', () => {
        process.off('exit', reap);
        if (child === started) child = undefined;
      });
      await answers();
    },
    async stop() {
      const running = child;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGKILL');
      await exited;
      child = undefined;
    },
    async close() {
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await redis.start();
  return redis;
}
