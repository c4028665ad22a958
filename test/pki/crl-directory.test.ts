/**
 * CRL_DIR: CRLs an operator drops in a directory count like fetched ones, are read again when they change, and an
 * expired one counts as unknown (SIG_CRL_EXPIRED, fail-closed). Offline throughout: only placed CRLs can answer.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateValidator, openCrlDirectory } from '../../src/pki/index.js';
import { generateTestPki, toPem, type TestPki } from '../../src/pki/test-pki/index.js';

let pki: TestPki;
const dirs: string[] = [];

beforeAll(async () => {
  pki = await generateTestPki({ baseUrl: 'http://127.0.0.1:9' });
});

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function crlDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edx-crl-dir-'));
  dirs.push(dir);
  return dir;
}

function validatorOn(dir: string) {
  return createCertificateValidator({ trustAnchors: [pki.root.certificate], crlDirectory: openCrlDirectory(dir, { rescanMs: 0 }), ocsp: false });
}

function check(validator: ReturnType<typeof validatorOn>, name: 'official-rsa' | 'official-revoked', policy = {}) {
  const identity = pki.identities[name];
  return validator.validate(identity.certificate, [pki.subordinate.certificate], { offline: true, ...policy });
}

describe('CRLs placed in CRL_DIR', () => {
  it('count as fetched CRLs (PEM or DER), and are picked up when dropped in while the validator runs', async () => {
    const dir = crlDir();
    const validator = validatorOn(dir);
    expect(await check(validator, 'official-rsa')).toMatchObject({ valid: false, code: 'SIG_REVOCATION_UNKNOWN' });
    writeFileSync(join(dir, 'root.crl'), pki.crls.root);
    writeFileSync(join(dir, 'subordinate.pem'), toPem(pki.crls.subordinate, 'X509 CRL'));
    expect(await check(validator, 'official-rsa')).toMatchObject({ valid: true, revocation: { status: 'good', source: 'crl' } });
    expect(await check(validator, 'official-revoked')).toMatchObject({ valid: false, code: 'SIG_CERT_REVOKED', revocation: { reason: 'keyCompromise' } });
  });

  it('an expired CRL counts as unknown: SIG_CRL_EXPIRED fails closed, and is a warning when fail-open', async () => {
    const dir = crlDir();
    writeFileSync(join(dir, 'root.crl'), pki.crls.root);
    writeFileSync(join(dir, 'subordinate.crl'), pki.crls.subordinateExpired);
    const validator = validatorOn(dir);
    const closed = await check(validator, 'official-rsa');
    expect(closed).toMatchObject({ valid: false, code: 'SIG_CRL_EXPIRED' });
    expect(closed.revocation.detail).toMatch(/CRL_DIR subordinate\.crl/);
    const open = await check(validator, 'official-rsa', { revocation: 'fail-open' });
    expect(open.valid).toBe(true);
    expect(open.warnings[0]).toMatch(/^SIG_CRL_EXPIRED/);
  });

  it('a CRL replaced by a newer one (written over, or moved in atomically) is read again', async () => {
    const dir = crlDir();
    writeFileSync(join(dir, 'root.crl'), pki.crls.root);
    writeFileSync(join(dir, 'subordinate.crl'), pki.crls.subordinateExpired);
    const validator = validatorOn(dir);
    expect((await check(validator, 'official-rsa')).code).toBe('SIG_CRL_EXPIRED');
    writeFileSync(join(dir, 'incoming.tmp'), pki.crls.subordinate);
    renameSync(join(dir, 'incoming.tmp'), join(dir, 'subordinate.crl'));
    expect(await check(validator, 'official-rsa')).toMatchObject({ valid: true });
    writeFileSync(join(dir, 'subordinate.crl'), pki.crls.subordinateExpired);
    expect((await check(validator, 'official-rsa')).code).toBe('SIG_CRL_EXPIRED');
  });

  it('tells the operator what each file is: issuer, dates, expired, or skipped and why', async () => {
    const dir = crlDir();
    writeFileSync(join(dir, 'root.crl'), pki.crls.root);
    writeFileSync(join(dir, 'old.der'), pki.crls.subordinateExpired);
    writeFileSync(join(dir, 'notes.pem'), 'not a CRL');
    writeFileSync(join(dir, 'readme.txt'), 'ignored: not a CRL file name');
    const entries = await openCrlDirectory(dir).describe();
    expect(entries.map((e) => [e.file, e.state])).toEqual([['notes.pem', 'skipped'], ['old.der', 'expired'], ['root.crl', 'current']]);
    expect(entries.find((e) => e.file === 'root.crl')?.issuer).toContain('RootCA chuyên dùng Chính phủ G2 (TEST)');
    expect(entries.find((e) => e.file === 'notes.pem')?.problem).toMatch(/not a CRL/);
  });

  it('a directory that does not exist is an empty one, not an error', async () => {
    const missing = join(crlDir(), 'nothing-here');
    expect(await openCrlDirectory(missing).current()).toEqual([]);
    expect(await check(validatorOn(missing), 'official-rsa')).toMatchObject({ valid: false, code: 'SIG_REVOCATION_UNKNOWN' });
  });
});
