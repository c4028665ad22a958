import { spawnSync } from 'node:child_process';
import { verify as nodeVerify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { isAxisError } from '../../src/errors/axis-error.js';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { generateTestPki, toPem, writePkcs12, type TestPki } from '../../src/pki/test-pki/index.js';
import { buildName, generateKeyPair } from '../../src/pki/test-pki/certificate-builder.js';
import { openPkcs12Signer } from '../../src/signature/pkcs12-signer.js';

let pki: TestPki;

beforeAll(async () => {
  pki = await generateTestPki();
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isAxisError(error) ? error.code : `not an AxisError: ${String(error)}`;
  }
}

describe('a PKCS#12 bundle from the test PKI as a Signer', () => {
  it('an RSA official signs with rsa-sha256 and rsa-sha1; node verifies with the certificate', async () => {
    const official = pki.identities['official-rsa'];
    const signer = await openPkcs12Signer(await pki.pkcs12(official), pki.password);
    expect(signer.keyAlgorithm).toBe('RSA');
    expect(signer.certificateChain.map((c) => Buffer.from(c).toString('hex'))).toEqual(official.chain.map((c) => c.toString('hex')));
    const data = Buffer.from('Công văn số 123/UBND-VP');
    const key = new X509Certificate(official.certificate).publicKey;
    expect(nodeVerify('sha256', data, key, Buffer.from(await signer.sign(data, 'rsa-sha256')))).toBe(true);
    expect(nodeVerify('sha1', data, key, Buffer.from(await signer.sign(data, 'rsa-sha1')))).toBe(true);
    expect(nodeVerify('sha256', Buffer.from('other'), key, Buffer.from(await signer.sign(data, 'rsa-sha256')))).toBe(false);
  });

  it('an ECDSA official signs in P1363 form for XMLDSig and DER form for CMS', async () => {
    const official = pki.identities['official-ec'];
    const signer = await openPkcs12Signer(await pki.pkcs12(official), pki.password);
    expect(signer.keyAlgorithm).toBe('EC');
    const data = Buffer.from('Quyết định');
    const key = new X509Certificate(official.certificate).publicKey;
    const p1363 = Buffer.from(await signer.sign(data, 'ecdsa-sha256'));
    expect(p1363.length).toBe(64);
    expect(nodeVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, p1363)).toBe(true);
    const der = Buffer.from(await signer.sign(data, 'ecdsa-sha256', 'der'));
    expect(der[0]).toBe(0x30);
    expect(nodeVerify('sha256', data, key, der)).toBe(true);
  });

  it('asking a key for the other family\'s algorithm: SIG_ALGORITHM_UNSUPPORTED', async () => {
    const signer = await openPkcs12Signer(await pki.pkcs12(pki.identities['official-ec']), pki.password);
    expect(await codeOf(signer.sign(Buffer.from('x'), 'rsa-sha256'))).toBe('SIG_ALGORITHM_UNSUPPORTED');
  });

  it('the private key never shows in JSON or inspect output', async () => {
    const identity = pki.identities['official-rsa'];
    const signer = await openPkcs12Signer(await pki.pkcs12(identity), pki.password);
    const pem = await pki.privateKeyPem(identity);
    const keyBody = pem.split('\n')[5]!;
    const json = JSON.stringify(signer);
    const shown = inspect(signer, { showHidden: true, depth: 10 });
    for (const text of [json, shown, String(Object.keys(signer))]) {
      expect(text).not.toContain(keyBody);
      expect(text).not.toMatch(/PRIVATE KEY|KeyObject/);
    }
    expect(json).toContain('Nguyễn Văn An');
  });

  it('a wrong password: SIG_P12_PASSWORD', async () => {
    const bundle = await pki.pkcs12(pki.identities['official-rsa']);
    expect(await codeOf(openPkcs12Signer(bundle, 'not the password'))).toBe('SIG_P12_PASSWORD');
  });

  it('bytes that are not a PKCS#12 bundle: SIG_P12_INVALID', async () => {
    expect(await codeOf(openPkcs12Signer(Buffer.from('hello'), pki.password))).toBe('SIG_P12_INVALID');
    expect(await codeOf(openPkcs12Signer(pki.identities['official-rsa'].certificate, pki.password))).toBe('SIG_P12_INVALID');
    expect(await codeOf(openPkcs12Signer(Buffer.alloc(0), pki.password))).toBe('SIG_P12_INVALID');
  });

  it('certificates come out byte-exact even when the issuer left out the RSA NULL parameters (forge would add them)', async () => {
    const official = pki.identities['official-rsa'];
    const keys = await generateKeyPair('RSA');
    const cert = new pkijs.Certificate();
    cert.version = 2;
    cert.serialNumber = new asn1js.Integer({ value: 4242 });
    cert.subject = buildName([['2.5.4.3', 'Đặng Thị Hoa']]);
    cert.issuer = cert.subject;
    cert.notBefore.value = new Date(Date.now() - 86_400_000);
    cert.notAfter.value = new Date(Date.now() + 86_400_000);
    await cert.subjectPublicKeyInfo.importKey(keys.publicKey);
    await cert.sign(keys.privateKey, 'SHA-256'); // pkijs writes sha256WithRSAEncryption without NULL
    const der = Buffer.from(cert.toSchema(true).toBER(false));
    expect(der.includes(Buffer.from('300b06092a864886f70d01010b', 'hex'))).toBe(true);
    const signer = await openPkcs12Signer(await writePkcs12(keys.privateKey, [der], 'pw-12345'), 'pw-12345');
    expect(Buffer.from(signer.certificateChain[0]!).equals(der)).toBe(true);
    expect(official.chain).toHaveLength(3);
  });

  it('a bundle written with another password opens with that one', async () => {
    const bundle = await pki.pkcs12(pki.identities['agency-ec'], 'another-Pass-123');
    const signer = await openPkcs12Signer(bundle, 'another-Pass-123');
    expect(signer.certificateChain).toHaveLength(3);
  });
});

describe('PKCS#12 bundles written by OpenSSL', () => {
  const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  const legacy = /OpenSSL 3/.test(openssl.stdout ?? '') ? ['-legacy'] : [];

  it.each([
    ['OpenSSL default (PBES2 AES-256, HMAC-SHA256)', [] as string[]],
    ['legacy (3DES key, RC2-40 certificates, HMAC-SHA1)', legacy],
  ])('%s opens, and signs with the right key', async (_label, extra) => {
    const official = pki.identities['official-ec'];
    const dir = mkdtempSync(join(tmpdir(), 'edx-p12-'));
    try {
      writeFileSync(join(dir, 'key.pem'), await pki.privateKeyPem(official));
      writeFileSync(join(dir, 'chain.pem'), official.chain.map((c) => toPem(c)).join(''));
      const run = spawnSync('openssl', ['pkcs12', '-export', ...extra, '-inkey', join(dir, 'key.pem'), '-in', join(dir, 'chain.pem'), '-out', join(dir, 'out.p12'), '-passout', 'pass:openssl-pass'], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const signer = await openPkcs12Signer(readFileSync(join(dir, 'out.p12')), 'openssl-pass');
      expect(Buffer.from(signer.certificateChain[0]!).equals(official.certificate)).toBe(true);
      expect(signer.certificateChain).toHaveLength(3);
      const data = Buffer.from('Tờ trình');
      const signature = Buffer.from(await signer.sign(data, 'ecdsa-sha256', 'der'));
      expect(nodeVerify('sha256', data, new X509Certificate(official.certificate).publicKey, signature)).toBe(true);
      expect(await codeOf(openPkcs12Signer(readFileSync(join(dir, 'out.p12')), 'wrong-pass'))).toBe('SIG_P12_PASSWORD');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the in-memory test signer', () => {
  it('is a Signer and signs like the PKCS#12 one', async () => {
    const { testSigner } = await import('../../src/pki/test-pki/index.js');
    const official = pki.identities['official-ec'];
    const signer: import('../../src/signature/signer.js').Signer = testSigner(official);
    const data = Buffer.from('Giấy mời');
    const key = new X509Certificate(official.certificate).publicKey;
    expect(nodeVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(await signer.sign(data, 'ecdsa-sha256')))).toBe(true);
    await expect(signer.sign(data, 'rsa-sha256')).rejects.toThrow(/cannot make/);
  });
});
