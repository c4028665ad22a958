/**
 * `edx sign` and `edx verify` as other tools call them: bin/edx.js in a child process (needs `npm run build`), a
 * test PKI written by src/pki (trust dir, CRLs, PKCS#12 bundles), JSON on stdout, exit 0 valid / 1 invalid / 2 could
 * not check.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateTestPki, writeTestPki } from '../../src/pki/test-pki/index.js';
import { documentPackage, flipByte, middleOfElement, statusPackage } from './xmldsig-helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'edx-sign-cli-'));
let password = '';

function edx(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [join(ROOT, 'bin/edx.js'), ...args], { encoding: 'utf8', cwd: dir, env: { ...process.env, ...env } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(async () => {
  const pki = await generateTestPki();
  password = pki.password;
  await writeTestPki(pki, join(dir, 'pki'));
  writeFileSync(join(dir, 'doc.edxml'), documentPackage());
  writeFileSync(join(dir, 'status.edxml'), statusPackage());
});

const crls = ['--crl', 'pki/crl/root.crl', '--crl', 'pki/crl/subordinate.crl'];
const sign = (who: string, input: string, output: string, extra: string[] = []) =>
  edx(['sign', input, '--p12', `pki/p12/${who}.p12`, '--pass-env', 'EDX_P12_PASS', '-o', output, ...extra], { EDX_P12_PASS: password });
const verify = (file: string, extra: string[] = []) => edx(['verify', file, '--trust', 'pki/trust', ...crls, '--offline', ...extra]);

describe('edx sign / edx verify', () => {
  it('signs with a PKCS#12 official certificate and verifies: exit 0 and a report naming the signer', () => {
    const signed = sign('official-rsa', 'doc.edxml', 'doc.signed.edxml');
    expect(signed.status, signed.stderr).toBe(0);
    expect(JSON.parse(signed.stdout)).toMatchObject({ ok: true, algorithm: 'rsa-sha256', c14n: 'exc' });
    const run = verify('doc.signed.edxml');
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ valid: true, code: 'SIG_OK', chain: { status: 'valid' }, revocation: { status: 'good', source: 'crl' } });
    expect(report.signer.subject).toMatch(/Nguyễn|[^\x00-\x7f]/);
  });

  it('signs ECDSA with inclusive C14N, and RSA-SHA1 which verify accepts with a warning unless --no-sha1', () => {
    expect(sign('official-ec', 'status.edxml', 'status.ec.edxml', ['--c14n', 'inclusive']).status).toBe(0);
    expect(verify('status.ec.edxml').status).toBe(0);
    expect(sign('official-rsa', 'status.edxml', 'status.sha1.edxml', ['--alg', 'rsa-sha1']).status).toBe(0);
    const legacy = verify('status.sha1.edxml');
    expect(legacy.status).toBe(0);
    expect(JSON.parse(legacy.stdout).warnings.join(' ')).toMatch(/SHA-1/);
    const refused = verify('status.sha1.edxml', ['--no-sha1']);
    expect(refused.status).toBe(1);
    expect(JSON.parse(refused.stdout).code).toBe('SIG_ALGORITHM_FORBIDDEN');
  });

  it('a changed byte: exit 1 with SIG_DIGEST_MISMATCH (both engines)', () => {
    const signed = readFileSync(join(dir, 'doc.signed.edxml'));
    writeFileSync(join(dir, 'tampered.edxml'), flipByte(signed, middleOfElement(signed, 'ContentTransferEncoded')));
    for (const engine of ['fast', 'reference']) {
      const run = verify('tampered.edxml', ['--engine', engine]);
      expect(run.status).toBe(1);
      const report = JSON.parse(run.stdout);
      expect(report.code).toBe('SIG_DIGEST_MISMATCH');
      expect(report.signer.sha256Fingerprint).toBeTruthy(); // who claimed to sign is still reported
    }
  });

  it('an agency seal: the report ties the signer to its OrganId', () => {
    expect(sign('agency-rsa', 'status.edxml', 'status.agency.edxml').status).toBe(0);
    const run = verify('status.agency.edxml');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).signer.organId).toMatch(/^[A-Z0-9.]+$/);
  });

  it('a revoked official: exit 1 with SIG_CERT_REVOKED', () => {
    expect(sign('official-revoked', 'status.edxml', 'status.revoked.edxml').status).toBe(0);
    const run = verify('status.revoked.edxml');
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout).code).toBe('SIG_CERT_REVOKED');
  });

  it('no CRL and no network: exit 2 (could not check), fail-closed', () => {
    const run = edx(['verify', 'doc.signed.edxml', '--trust', 'pki/trust', '--offline']);
    expect(run.status, run.stdout).toBe(2);
    expect(JSON.parse(run.stdout).valid).toBe(false);
  });

  it('--at before the certificates existed: invalid (not yet valid)', () => {
    const run = verify('doc.signed.edxml', ['--at', '2001-01-01T00:00:00Z']);
    expect(run.status).not.toBe(0);
    expect(JSON.parse(run.stdout).valid).toBe(false);
  });

  it('bad input: an unset password variable or a wrong password cannot sign (exit 2, own codes); unreadable input exits 2', () => {
    const noPass = edx(['sign', 'doc.edxml', '--p12', 'pki/p12/official-rsa.p12', '--pass-env', 'EDX_NOT_SET', '-o', 'x.edxml']);
    expect(noPass.status).toBe(2);
    expect(noPass.stdout).toBe('');
    expect(JSON.parse(noPass.stderr)).toMatchObject({ ok: false, code: 'SIG_P12_PASSWORD_MISSING', message: expect.stringContaining('EDX_NOT_SET') });
    const wrong = edx(['sign', 'doc.edxml', '--p12', 'pki/p12/official-rsa.p12', '--pass-env', 'P', '-o', 'x.edxml'], { P: 'wrong' });
    expect(wrong.status).toBe(2);
    expect(JSON.parse(wrong.stderr)).toMatchObject({ ok: false, code: 'SIG_P12_PASSWORD' });
    expect(wrong.stderr).not.toContain(password);
    const missing = verify('does-not-exist.edxml');
    expect(missing.status).toBe(2);
    expect(JSON.parse(missing.stdout).code).toBe('SIG_INPUT_UNREADABLE');
  });
});
