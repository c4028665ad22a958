import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { resolveSecretKey } from '../../src/config/secret-key.js';
import { loadTokenDigests } from '../../src/config/tokens.js';

const dir = mkdtempSync(path.join(tmpdir(), 'edx-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a configuration error');
}

describe('configuration is read once from the environment and validated', () => {
  it('an empty environment gives the documented defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.mongodbUrl).toBeUndefined();
    expect(c.role).toBe('all');
    expect(c.maxPackageBytes).toBe(250 * 1024 * 1024);
    expect(c.authWindowSeconds).toBe(300);
    expect(c.dataDir).toBe(path.resolve('data'));
    expect(c.secretKey).toBeUndefined();
    expect(c.gatewayProcesses).toBe(1);
    expect(c.trustAnchorsDir).toBe(path.resolve('data', 'trust'));
    expect(c.revocationPolicy).toBe('require');
  });

  it('EDXML_PROFILE is field (the default) or strict', () => {
    expect(loadConfig({}).edxmlProfile).toBe('field');
    expect(loadConfig({ EDXML_PROFILE: 'strict' }).edxmlProfile).toBe('strict');
    expect(configError({ EDXML_PROFILE: 'lenient' }).message).toMatch(/^Configuration error: EDXML_PROFILE .*"lenient"/);
  });

  it('GATEWAY_PROCESSES is a process count from 1 to 64', () => {
    expect(loadConfig({ GATEWAY_PROCESSES: '2' }).gatewayProcesses).toBe(2);
    expect(configError({ GATEWAY_PROCESSES: '0' }).message).toMatch(/^Configuration error: GATEWAY_PROCESSES /);
    expect(configError({ GATEWAY_PROCESSES: 'many' }).message).toMatch(/^Configuration error: GATEWAY_PROCESSES /);
  });

  it('values are parsed: numbers, roles, hashed tokens, a hex secret key', () => {
    const digest = createHash('sha256').update('op').digest('hex');
    const c = loadConfig({ PORT: '0', ROLE: 'workers', OPERATOR_TOKENS: `sha256:${digest}, `, SECRET_KEY: 'ab'.repeat(32), MAX_PACKAGE_BYTES: '1024' });
    expect(c).toMatchObject({ port: 0, role: 'workers', operatorTokenDigests: [digest], maxPackageBytes: 1024 });
    expect(c.secretKey?.length).toBe(32);
  });

  it.each([
    ['PORT', 'eighty'],
    ['ROLE', 'everything'],
    ['REDIS_URL', 'localhost:6379'],
    ['MAX_PACKAGE_BYTES', '-5'],
    ['OPERATOR_TOKENS', 'plain-token-not-a-digest'],
    ['SECRET_KEY', 'short'],
    ['LOG_LEVEL', 'loud'],
    ['REVOCATION_POLICY', 'maybe'],
    // The workers' settings (AxisConfig.workers).
    ['QUEUE_PREFIX', 'a:b'],
    ['DELIVERY_MAX_ATTEMPTS', '0'],
    ['DELIVERY_MAX_ATTEMPTS', 'many'],
    ['DELIVERY_BASE_DELAY_MS', 'soon'],
    ['DELIVERY_MAX_DELAY_MS', '0'],
    ['DELIVERY_MIN_DELAY_MS', '-1'],
    ['DELIVERY_CONNECT_TIMEOUT_MS', '1.5'],
    ['DELIVERY_RESPONSE_TIMEOUT_MS', 'never'],
    ['DELIVERY_RECIPIENT_CONCURRENCY', '0'],
    ['DELIVERY_RECIPIENT_RATE', '-3'],
    ['DELIVERY_CONCURRENCY', '5000'],
    ['WORKER_LOCK_MS', '0'],
    ['WORKER_STALLED_INTERVAL_MS', 'x'],
    ['SWEEP_EVERY_MS', '-100'],
    ['RETENTION_DAYS', '0'],
    ['DEAD_LETTER_WEBHOOK_URL', 'not a url'],
    ['DELIVERY_SUSPENDED_RECHECK_MS', '0'],
    ['DELIVERY_ERROR_BACKOFF_BASE_MS', 'soon'],
    ['DELIVERY_ERROR_BACKOFF_MAX_MS', '-5'],
    ['INSPECT_THREADS', '-1'],
    ['INSPECT_THREADS', 'many'],
  ])('an invalid %s=%s is named in one line', (variable, value) => {
    const error = configError({ [variable]: value });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(new RegExp(`^Configuration error: ${variable} `));
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('secret values are never echoed in the error line', () => {
    expect(configError({ SECRET_KEY: 'hunter2-hunter2' }).message).not.toContain('hunter2');
  });

  it('without SECRET_KEY a dev key is generated once under DATA_DIR with 0600 permissions and reused', () => {
    const dataDir = path.join(dir, 'dev');
    const first = resolveSecretKey({ secretKey: undefined, dataDir });
    const file = path.join(dataDir, 'secret.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.length).toBe(32);
    expect(resolveSecretKey({ secretKey: undefined, dataDir }).equals(first)).toBe(true);
    chmodSync(file, 0o644);
    expect(() => resolveSecretKey({ secretKey: undefined, dataDir })).toThrow(/SECRET_KEY.*chmod 600/);
  });

  it('a token file adds hashed operator and archivist tokens; a malformed one is TOKEN_FILE error', () => {
    const file = path.join(dir, 'tokens.json');
    const digest = createHash('sha256').update('archivist').digest('hex');
    writeFileSync(file, JSON.stringify({ archivist: [digest] }));
    const tokens = loadTokenDigests({ operatorTokenDigests: [], archivistTokenDigests: [], tokenFile: file });
    expect(tokens).toEqual([{ role: 'archivist', digest: Buffer.from(digest, 'hex') }]);
    writeFileSync(file, '{"operator": ["nope"]}');
    expect(() => loadTokenDigests({ operatorTokenDigests: [], archivistTokenDigests: [], tokenFile: file })).toThrow(/TOKEN_FILE/);
    expect(readFileSync(file, 'utf8')).toContain('nope');
  });
});

describe('worker settings (AxisConfig.workers): only what is set, the workers keep their own defaults', () => {
  it('an empty environment sets nothing, so delivery-policy.ts and src/main/start-workers.ts defaults apply', () => {
    expect(loadConfig({}).workers).toEqual({ delivery: {} });
  });

  it('reads the queue prefix, delivery policy, limits, schedule, retention and alert webhook', () => {
    const c = loadConfig({
      QUEUE_PREFIX: 'edx-a', DELIVERY_MAX_ATTEMPTS: '5', DELIVERY_BASE_DELAY_MS: '1000', DELIVERY_MAX_DELAY_MS: '60000',
      DELIVERY_MIN_DELAY_MS: '0', DELIVERY_CONNECT_TIMEOUT_MS: '2000', DELIVERY_RESPONSE_TIMEOUT_MS: '9000',
      DELIVERY_RECIPIENT_CONCURRENCY: '4', DELIVERY_RECIPIENT_RATE: '50', DELIVERY_CONCURRENCY: '64', WORKER_LOCK_MS: '20000',
      WORKER_STALLED_INTERVAL_MS: '7000', SWEEP_EVERY_MS: '5000', RETENTION_DAYS: '3650', DEAD_LETTER_WEBHOOK_URL: 'https://ops.example/hook',
      DELIVERY_SUSPENDED_RECHECK_MS: '30000', DELIVERY_ERROR_BACKOFF_BASE_MS: '500', DELIVERY_ERROR_BACKOFF_MAX_MS: '120000',
    });
    expect(c.workers).toEqual({
      prefix: 'edx-a',
      delivery: {
        maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000, minDelayMs: 0, connectTimeoutMs: 2000, responseTimeoutMs: 9000,
        suspendedRecheckMs: 30_000,
        recipient: { concurrency: 4, ratePerSecond: 50 },
      },
      errorBackoff: { baseMs: 500, maxMs: 120_000 },
      concurrency: 64,
      lockDurationMs: 20_000,
      stalledIntervalMs: 7000,
      schedule: { sweepEveryMs: 5000 },
      retention: { keepRawPackagesDays: 3650 },
      alertWebhookUrl: 'https://ops.example/hook',
    });
  });

  it('inspector threads: one per core by default (at most 4), 0 = on the event loop, as set otherwise', () => {
    expect(loadConfig({}).inspectThreads).toBe(Math.max(1, Math.min(4, availableParallelism())));
    expect(loadConfig({ INSPECT_THREADS: '0' }).inspectThreads).toBe(0);
    expect(loadConfig({ INSPECT_THREADS: '3' }).inspectThreads).toBe(3);
  });

  it('one recipient limit alone leaves the other to the default; an empty variable counts as unset', () => {
    const c = loadConfig({ DELIVERY_RECIPIENT_RATE: '10', DELIVERY_MIN_DELAY_MS: '' });
    expect(c.workers.delivery).toEqual({ recipient: { ratePerSecond: 10 } });
  });

  it('the webhook URL (it may carry a token) is not echoed', () => {
    expect(configError({ DEAD_LETTER_WEBHOOK_URL: 'ftp://secret-token@ops' }).message).not.toContain('secret-token');
  });
});

describe('npm start refuses to run on a bad environment, in one clear line', () => {
  const start = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/main/start.ts'], {
      env: { PATH: process.env['PATH'] ?? '', DATA_DIR: path.join(dir, 'start'), ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });

  it.each([
    ['PORT', 'not-a-port'],
    ['DELIVERY_MAX_ATTEMPTS', 'many'],
  ])('an invalid %s: exit 2, one line naming it', (variable, value) => {
    const run = start({ [variable]: value });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(new RegExp(`^Configuration error: ${variable} `));
  });

  it('Redis unreachable: exit 1, one line saying so and how to start it', () => {
    const run = start({ REDIS_URL: 'redis://127.0.0.1:1' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('Redis is not reachable at redis://127.0.0.1:1');
    expect(run.stderr).toContain('redis-server');
  });
});
