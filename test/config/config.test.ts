import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
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
  ])('an invalid %s is named in one line', (variable, value) => {
    const error = configError({ [variable]: value });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(variable);
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

describe('npm start refuses to run on a bad environment, in one clear line', () => {
  const start = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/main/start.ts'], {
      env: { PATH: process.env['PATH'] ?? '', DATA_DIR: path.join(dir, 'start'), ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('an invalid variable: exit 2, one line naming it', () => {
    const run = start({ PORT: 'not-a-port' });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^Configuration error: PORT /);
  });

  it('Redis unreachable: exit 1, one line saying so and how to start it', () => {
    const run = start({ REDIS_URL: 'redis://127.0.0.1:1' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('Redis is not reachable at redis://127.0.0.1:1');
    expect(run.stderr).toContain('redis-server');
  });
});
