/**
 * `npm start` as a newcomer runs it: a fresh DATA_DIR, Redis at 127.0.0.1:6379, the embedded store. The process is
 * started from source (tsx) so the test does not depend on a previous build.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const freshDir = () => { const d = mkdtempSync(path.join(tmpdir(), 'edx-start-')); dirs.push(d); return d; };

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const START = [process.execPath, '--import', 'tsx', 'src/main/start.ts'] as const;
const baseEnv = (extra: Record<string, string>) => ({ PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'info', QUEUE_PREFIX: `test-start-${process.pid}`, ...extra });

function start(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(START[0], START.slice(1), { env: baseEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Until `check` holds: a child process started from source takes a while on a loaded machine. */
const until = (check: () => Promise<boolean>): Promise<void> => waitFor(async () => expect(await check().catch(() => false)).toBe(true), { timeout: 40_000, interval: 200 });

describe('npm start', () => {
  it('without Redis: one line saying so and how to fix it, exit 1', () => {
    const run = spawnSync(START[0], START.slice(1), { env: baseEnv({ DATA_DIR: freshDir(), REDIS_URL: 'redis://127.0.0.1:6390' }), encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Redis is not reachable at redis:\/\/127\.0\.0\.1:6390: start it .* or set REDIS_URL/);
  });

  it('a bad setting: one line naming the variable, exit 2', () => {
    const run = spawnSync(START[0], START.slice(1), { env: baseEnv({ DATA_DIR: freshDir(), PORT: 'eighty' }), encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toMatch(/^Configuration error: PORT /);
  });

  it('on a fresh data directory: gateway and workers serve, /readyz is ready, SIGTERM exits 0', async () => {
    const port = await freePort();
    const p = start({ DATA_DIR: freshDir(), PORT: String(port), HOST: '127.0.0.1' });
    await until(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200);
    expect(await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()).toEqual({ status: 'ready', checks: { redis: 'ok', store: 'ok', evidence: 'ok' } });
    expect((await fetch(`http://127.0.0.1:${port}/openapi.json`)).status).toBe(200);
    await until(async () => p.output().includes('workers started'));
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.output()).toContain('"role":"all"');
    // A newcomer is told what to do next, and that receipts are sealed by a development identity.
    expect(p.output()).toMatch(/no agencies registered yet: add one with .*npm run demo/);
    expect(p.output()).toContain('development axis identity');
  });

  it('ROLE=workers runs no HTTP listener; ROLE=gateway starts no workers', async () => {
    const port = await freePort();
    const workers = start({ DATA_DIR: freshDir(), PORT: String(port), ROLE: 'workers' });
    await until(async () => workers.output().includes('workers started'));
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    workers.child.kill('SIGTERM');
    expect(await workers.exited).toBe(0);

    const gateway = start({ DATA_DIR: freshDir(), PORT: String(port), HOST: '127.0.0.1', ROLE: 'gateway' });
    await until(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200);
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    expect(gateway.output()).not.toContain('workers started');
  });

  it('GATEWAY_PROCESSES=2: two gateway processes share the port, the primary runs the workers, SIGTERM stops them all', async () => {
    const port = await freePort();
    const p = start({ DATA_DIR: freshDir(), PORT: String(port), HOST: '127.0.0.1', GATEWAY_PROCESSES: '2' });
    await until(async () => (p.output().match(/"msg":"gateway listening"/g) ?? []).length === 2);
    const pids = new Set([...p.output().matchAll(/"pid":(\d+)[^\n]*"msg":"gateway listening"/g)].map((m) => m[1]));
    expect(pids.size).toBe(2);
    expect(pids.has(String(p.child.pid))).toBe(false);
    expect(p.output()).toMatch(new RegExp(`"pid":${p.child.pid}[^\\n]*"msg":"workers started"`));
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });
});
