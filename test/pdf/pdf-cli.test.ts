/**
 * `edx pki init`, `edx pdf sign` and `edx pdf verify` end to end: the CLI from dist/ (npm run build), a test PKI
 * written to disk, CRLs and a real OCSP responder on 127.0.0.1, exit codes 0 valid / 1 invalid / 2 could not check.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTestPki, startTestPkiServer, writeTestPki, type TestPki, type TestPkiServer } from '../../src/pki/test-pki/index.js';
import { minimalPdf } from '../fixtures/pdf/minimal-pdf.js';
import { changePageText } from '../fixtures/pdf/tamper.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PASS_VAR = 'EDX_TEST_P12_PASSWORD';
let dir: string;
let pkiDir: string;
let pki: TestPki;
let server: TestPkiServer;

interface Run { code: number | null; stdout: string; stderr: string; json: Record<string, any> | undefined }

// Async spawn: the OCSP responder lives in this process and must keep answering while the CLI waits on it.
function edx(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/edx.js'), ...args], { cwd: dir, env: { ...process.env, [PASS_VAR]: pki.password, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += String(d); });
    child.stderr.on('data', (d) => { stderr += String(d); });
    child.on('error', reject);
    child.on('close', (code) => {
      let json: Record<string, any> | undefined;
      try { json = JSON.parse(stdout); } catch { json = undefined; }
      resolve({ code, stdout, stderr, json });
    });
  });
}

const p12 = (name: string) => join(pkiDir, 'p12', `${name}.p12`);
const crls = () => ['--crl', join(pkiDir, 'crl/root.crl'), '--crl', join(pkiDir, 'crl/subordinate.crl')];

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist/src/cli/edx.js')), 'run `npm run build` first').toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'edx-pdf-cli-'));
  server = await startTestPkiServer();
  pki = await generateTestPki({ baseUrl: server.url });
  server.serve(pki);
  pkiDir = join(dir, 'pki');
  await writeTestPki(pki, pkiDir);
  writeFileSync(join(dir, 'in.pdf'), minimalPdf());
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('edx pki init', () => {
  it('writes trust anchors, CRLs, PEM + PKCS#12 per identity and an index with the password', async () => {
    const out = join(dir, 'fresh-pki');
    const run = await edx(['pki', 'init', out, '--base-url', 'http://127.0.0.1:9']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ ok: true, urls: { ocsp: 'http://127.0.0.1:9/ocsp' } });
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));
    expect(index.password).toBe('edx-test-pki');
    const official = index.identities.find((i: { name: string }) => i.name === 'official-rsa');
    expect(official.subject).toMatch(/^CN=Nguyễn Văn An, /);
    for (const file of Object.values(official.files) as string[]) expect(existsSync(join(out, file)), file).toBe(true);
    expect(index.identities.find((i: { name: string }) => i.name === 'agency-rsa').organId).toBe('000.00.00.H40');
    expect(existsSync(join(out, 'trust/root-ca-g2-test.pem'))).toBe(true);
    const again = await edx(['pki', 'init', out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('PKI_DIR_NOT_EMPTY');
  });

  it('edx pki inspect reads the agency certificate back with its OrganId and Vietnamese names', async () => {
    const run = await edx(['pki', 'inspect', join(pkiDir, 'certs/agency-ec.pem')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ organId: '000.00.12.H40', subjectFields: { CN: 'Sở Tài chính tỉnh Hà Nam', ST: 'Hà Nam' }, publicKeyAlgorithm: 'EC' });
  });
});

describe('edx pki serve', () => {
  it('serves a test PKI written by edx pki init: an online verify gets its OCSP answer from it', async () => {
    const probe = await startTestPkiServer();
    const url = probe.url;
    await probe.close();
    const out = join(dir, 'served-pki');
    expect((await edx(['pki', 'init', out, '--base-url', url])).code).toBe(0);
    const child = spawn(process.execPath, [join(ROOT, 'bin/edx.js'), 'pki', 'serve', out], { cwd: dir });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout.once('data', (d) => resolve(String(d)));
        child.once('exit', (code) => reject(new Error(`edx pki serve exited ${code}`)));
      });
      expect(JSON.parse(line)).toMatchObject({ ok: true, url });
      const signed = await edx(['pdf', 'sign', 'in.pdf', '--p12', join(out, 'p12/official-ec.p12'), '--pass-env', PASS_VAR, '-o', 'served.pdf']);
      expect(signed.code, signed.stderr).toBe(0);
      const run = await edx(['pdf', 'verify', 'served.pdf', '--trust', join(out, 'trust')]);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.json?.signatures[0].revocation).toMatchObject({ status: 'good', source: 'ocsp' });
      const revoked = await edx(['pdf', 'sign', 'in.pdf', '--p12', join(out, 'p12/official-revoked.p12'), '--pass-env', PASS_VAR, '-o', 'served-revoked.pdf']);
      expect(revoked.code).toBe(0);
      const refused = await edx(['pdf', 'verify', 'served-revoked.pdf', '--trust', join(out, 'trust')]);
      expect({ exit: refused.code, code: refused.json?.code, source: refused.json?.signatures[0].revocation.source }).toEqual({ exit: 1, code: 'SIG_CERT_REVOKED', source: 'ocsp' });
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('edx pdf sign and verify', () => {
  it('an official signs, the agency seals; verify names both and checks revocation by OCSP (exit 0)', async () => {
    const signed = await edx(['pdf', 'sign', 'in.pdf', '--p12', p12('official-rsa'), '--pass-env', PASS_VAR, '-o', 'signed.pdf', '--reason', 'Phê duyệt']);
    expect(signed.code, signed.stderr).toBe(0);
    const sealed = await edx(['pdf', 'sign', 'signed.pdf', '--p12', p12('agency-ec'), '--pass-env', PASS_VAR, '-o', 'sealed.pdf']);
    expect(sealed.code, sealed.stderr).toBe(0);
    const run = await edx(['pdf', 'verify', 'sealed.pdf', '--trust', join(pkiDir, 'trust')]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.json?.officials.map((o: { subjectFields: { CN: string } }) => o.subjectFields.CN)).toEqual(['Nguyễn Văn An']);
    expect(run.json?.agencySeals.map((o: { organId: string }) => o.organId)).toEqual(['000.00.12.H40']);
    expect(run.json?.signatures.map((s: { revocation: { source: string } }) => s.revocation.source)).toEqual(['ocsp', 'ocsp']);
  });

  it('offline with the CRLs handed in: valid from the CRLs (exit 0)', async () => {
    const run = await edx(['pdf', 'verify', 'signed.pdf', '--trust', join(pkiDir, 'trust'), '--offline', ...crls()]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.json?.signatures[0].revocation).toMatchObject({ status: 'good', source: 'crl' });
  });

  it('a revoked official: SIG_CERT_REVOKED (exit 1)', async () => {
    const signed = await edx(['pdf', 'sign', 'in.pdf', '--p12', p12('official-revoked'), '--pass-env', PASS_VAR, '-o', 'revoked.pdf']);
    expect(signed.code, signed.stderr).toBe(0);
    const run = await edx(['pdf', 'verify', 'revoked.pdf', '--trust', join(pkiDir, 'trust'), '--offline', ...crls()]);
    expect(run.code).toBe(1);
    expect(run.json?.code).toBe('SIG_CERT_REVOKED');
  });

  it('a document changed after signing is invalid (exit 1)', async () => {
    writeFileSync(join(dir, 'changed.pdf'), changePageText(readFileSync(join(dir, 'signed.pdf')), 'Cong van da bi sua'));
    const run = await edx(['pdf', 'verify', 'changed.pdf', '--trust', join(pkiDir, 'trust'), '--offline', ...crls()]);
    expect(run.code).toBe(1);
    expect(run.json?.code).toBe('PDF_MODIFIED_AFTER_SIGNING');
  });

  it('signed by a CA certificate or an encryption-only certificate: refused with its code (exit 1)', async () => {
    for (const [name, code] of [['ca-as-signer', 'SIG_CERT_CA_AS_SIGNER'], ['wrong-key-usage', 'SIG_CERT_KEY_USAGE'], ['official-expired', 'SIG_CERT_EXPIRED']] as const) {
      const signed = await edx(['pdf', 'sign', 'in.pdf', '--p12', p12(name), '--pass-env', PASS_VAR, '-o', `${name}.pdf`]);
      expect(signed.code, signed.stderr).toBe(0);
      const run = await edx(['pdf', 'verify', `${name}.pdf`, '--trust', join(pkiDir, 'trust'), '--offline', ...crls()]);
      expect({ name, exit: run.code, code: run.json?.code }).toEqual({ name, exit: 1, code });
    }
  });

  it('a trust directory of another root: SIG_CERT_UNTRUSTED (exit 1)', async () => {
    const run = await edx(['pdf', 'verify', 'signed.pdf', '--trust', join(dir, 'fresh-pki/trust'), '--offline', ...crls()]);
    expect(run.code).toBe(1);
    expect(run.json?.code).toBe('SIG_CERT_UNTRUSTED');
  });

  it('revocation that cannot be established is "could not check" (exit 2): none, expired CRL, responder down', async () => {
    const none = await edx(['pdf', 'verify', 'signed.pdf', '--trust', join(pkiDir, 'trust'), '--offline']);
    expect({ exit: none.code, code: none.json?.code }).toEqual({ exit: 2, code: 'SIG_REVOCATION_UNKNOWN' });
    const stale = await edx(['pdf', 'verify', 'signed.pdf', '--trust', join(pkiDir, 'trust'), '--offline', '--crl', join(pkiDir, 'crl/root.crl'), '--crl', join(pkiDir, 'crl/subordinate-expired.crl')]);
    expect({ exit: stale.code, code: stale.json?.code }).toEqual({ exit: 2, code: 'SIG_CRL_EXPIRED' });
    server.serve(pki, { ocsp: false, crl: false });
    try {
      const down = await edx(['pdf', 'verify', 'signed.pdf', '--trust', join(pkiDir, 'trust')]);
      expect({ exit: down.code, code: down.json?.code }).toEqual({ exit: 2, code: 'SIG_OCSP_UNAVAILABLE' });
      const open = await edx(['pdf', 'verify', 'signed.pdf', '--trust', join(pkiDir, 'trust'), '--fail-open']);
      expect(open.code).toBe(0);
      expect(open.json?.signatures[0].warnings.join(' ')).toMatch(/fail-open/);
    } finally {
      server.serve(pki);
    }
  });

  it('a wrong PKCS#12 password or a missing password variable: a coded error, no output file (exit 2)', async () => {
    const wrong = await edx(['pdf', 'sign', 'in.pdf', '--p12', p12('official-rsa'), '--pass-env', PASS_VAR, '-o', 'never.pdf'], { [PASS_VAR]: 'wrong' });
    expect(wrong.code).toBe(2);
    expect(JSON.parse(wrong.stderr)).toMatchObject({ ok: false, code: 'SIG_P12_PASSWORD' });
    const missing = await edx(['pdf', 'sign', 'in.pdf', '--p12', p12('official-rsa'), '--pass-env', 'EDX_NO_SUCH_VARIABLE', '-o', 'never.pdf']);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stderr)).toMatchObject({ ok: false, code: 'SIG_P12_PASSWORD_MISSING' });
    expect(existsSync(join(dir, 'never.pdf'))).toBe(false);
  });

  it('an unreadable trust directory: exit 2 with its code, as a report on stdout', async () => {
    const run = await edx(['pdf', 'verify', 'signed.pdf', '--trust', join(dir, 'no-such-dir')]);
    expect(run.code).toBe(2);
    expect(run.json).toMatchObject({ valid: false, code: 'PKI_TRUST_UNREADABLE' });
  });
});
