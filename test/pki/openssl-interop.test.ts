/**
 * The test PKI speaks standard X.509, CRL and OCSP: OpenSSL (an independent implementation) verifies its chains,
 * honours its CRL, and accepts our dev OCSP responder's answers with their nonce.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toPem } from '../../src/pki/test-pki/index.js';
import { servedTestPki, type ServedPki } from './pki-fixture.js';

let served: ServedPki;
let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  expect(spawnSync('openssl', ['version']).status, 'openssl is required').toBe(0);
  served = await servedTestPki();
  dir = mkdtempSync(join(tmpdir(), 'edx-pki-openssl-'));
  const { pki } = served;
  writeFileSync(file('root.pem'), toPem(pki.root.certificate));
  writeFileSync(file('sub.pem'), toPem(pki.subordinate.certificate));
  writeFileSync(file('crls.pem'), toPem(pki.crls.root, 'X509 CRL') + toPem(pki.crls.subordinate, 'X509 CRL'));
  for (const [name, identity] of Object.entries(pki.identities)) writeFileSync(file(`${name}.pem`), toPem(identity.certificate));
});

afterAll(async () => {
  await served.server.close();
  rmSync(dir, { recursive: true, force: true });
});

function opensslVerify(name: string, extra: string[] = []) {
  const run = spawnSync('openssl', ['verify', '-CAfile', file('root.pem'), '-untrusted', file('sub.pem'), ...extra, file(`${name}.pem`)], { encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

// Async: the responder lives in this process and must answer while openssl waits.
function opensslOcsp(name: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('openssl', ['ocsp', '-issuer', file('sub.pem'), '-cert', file(`${name}.pem`), '-url', `${served.server.url}/ocsp`, '-CAfile', file('root.pem'), '-verify_other', file('sub.pem')]);
    let out = '';
    child.stdout.on('data', (d) => { out += String(d); });
    child.stderr.on('data', (d) => { out += String(d); });
    child.on('close', () => resolve(out));
  });
}

describe('OpenSSL and the test PKI', () => {
  it('verifies the chains of officials and agencies (RSA and EC)', () => {
    for (const name of ['official-rsa', 'official-ec', 'agency-rsa', 'agency-ec']) expect(opensslVerify(name), name).toMatchObject({ status: 0 });
  });

  it('honours the CRL: the revoked official is refused, the others pass', () => {
    const crl = ['-crl_check_all', '-CRLfile', file('crls.pem')];
    expect(opensslVerify('official-rsa', crl).status).toBe(0);
    const revoked = opensslVerify('official-revoked', crl);
    expect(revoked.status).not.toBe(0);
    expect(revoked.output).toMatch(/certificate revoked/);
  });

  it('refuses the expired and not-yet-valid certificates', () => {
    expect(opensslVerify('official-expired').output).toMatch(/certificate has expired/);
    expect(opensslVerify('official-not-yet-valid').output).toMatch(/certificate is not yet valid/);
  });

  it('accepts our OCSP responder\'s signed answers: good, revoked, with the nonce', async () => {
    const good = await opensslOcsp('official-rsa');
    expect(good).toMatch(/Response verify OK/);
    expect(good).toMatch(/official-rsa\.pem: good/);
    expect(good).not.toMatch(/WARNING: no nonce/);
    const revoked = await opensslOcsp('official-revoked');
    expect(revoked).toMatch(/Response verify OK/);
    expect(revoked).toMatch(/official-revoked\.pem: revoked/);
    expect(revoked).toMatch(/Reason: keyCompromise/);
  });
});
