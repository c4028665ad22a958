/**
 * `edx admin agency ...` against the real store under a temp DATA_DIR, as an operator runs it. Build first:
 * npx tsc -p tsconfig.json (the test spawns the compiled CLI, bin/edx.js).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(path.join(tmpdir(), 'edx-admin-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function edx(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, ['bin/edx.js', 'admin', ...args], {
    env: { PATH: process.env['PATH'] ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('edx admin agency: configuration', () => {
  it('a bad configuration is one line and exit 2', () => {
    const run = edx(['agency', 'list'], { SECRET_KEY: 'short' });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toMatch(/^edx: CONFIG_INVALID: Configuration error: SECRET_KEY /);
  });
});

describe('edx admin agency on the real store', () => {

  it('add prints the credentials once as JSON; list, suspend, resume and rotate-key act on the same store', () => {
    const added = edx(['agency', 'add', '000.00.00.G22', '--name', 'Bộ Thông tin và Truyền thông', '--endpoint', 'https://dms.example/edx']);
    expect(added.stderr).toBe('');
    expect(added.status).toBe(0);
    const out = JSON.parse(added.stdout) as { agency: { organId: string; deliveryMode: string }; credentials: { keyId: string; secret: string } };
    expect(out.agency).toMatchObject({ organId: '000.00.00.G22', deliveryMode: 'push' });
    expect(out.credentials.keyId).toMatch(/^000\.00\.00\.G22:[0-9a-f]{16}$/);
    expect(out.credentials.secret.length).toBeGreaterThanOrEqual(40);

    const listed = edx(['agency', 'list']);
    expect(listed.status).toBe(0);
    expect(listed.stdout).not.toContain(out.credentials.secret);
    expect((JSON.parse(listed.stdout) as { organId: string }[]).map((a) => a.organId)).toEqual(['000.00.00.G22']);

    expect(JSON.parse(edx(['agency', 'suspend', '000.00.00.G22']).stdout).state).toBe('suspended');
    expect(JSON.parse(edx(['agency', 'resume', '000.00.00.G22']).stdout).state).toBe('active');
    // Resume also wakes held deliveries, best effort: without Redis the resume stands, with a warning.
    edx(['agency', 'suspend', '000.00.00.G22']);
    const noRedis = edx(['agency', 'resume', '000.00.00.G22'], { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(noRedis.status).toBe(0);
    expect(JSON.parse(noRedis.stdout).state).toBe('active');
    expect(noRedis.stderr).toMatch(/^edx: warning: held deliveries not woken now \(.+\); they go out at their next recheck\n$/);
    const rotated = JSON.parse(edx(['agency', 'rotate-key', '000.00.00.G22']).stdout) as { credentials: { keyId: string }; agency: { keys: unknown[] } };
    expect(rotated.credentials.keyId).not.toBe(out.credentials.keyId);
    expect(rotated.agency.keys).toHaveLength(2);
  });

  it('a duplicate or malformed code is a clear error with exit 1', () => {
    const dup = edx(['agency', 'add', '000.00.00.G22', '--name', 'again']);
    expect(dup.status).toBe(1);
    expect(dup.stderr).toMatch(/^edx: AGENCY_EXISTS: /);
    const bad = edx(['agency', 'add', 'not valid', '--name', 'x']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^edx: AGENCY_ORGAN_ID_INVALID: /);
  });
});
