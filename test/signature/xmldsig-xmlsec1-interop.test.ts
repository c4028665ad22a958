/**
 * Interoperability with xmlsec1 (Debian xmlsec1, OpenSSL): what xmlsec1 signs with the test PKI verifies with ours,
 * what we sign verifies with `xmlsec1 --verify` (trusting only the test root), and a flipped byte in the content,
 * the attachment or the signature value makes both refuse.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { signPackage, verifyPackage } from '../../src/signature/index.js';
import type { SignatureAlgorithmName } from '../../src/signature/signer.js';
import { openXmldsigTestPki, type TestIdentity, type XmldsigTestPki } from '../fixtures/xmldsig/xmldsig-test-pki.js';
import { documentPackage, flipByte, middleOfElement } from './xmldsig-helpers.js';

const hasXmlsec = spawnSync('xmlsec1', ['--version']).status === 0;
const work = mkdtempSync(join(tmpdir(), 'xmlsec-interop-'));
let pki: XmldsigTestPki;
let n = 0;

beforeAll(async () => {
  pki = await openXmldsigTestPki();
});

function xmlsecVerify(bytes: Buffer): boolean {
  const file = join(work, `verify-${n++}.xml`);
  writeFileSync(file, bytes);
  return spawnSync('xmlsec1', ['--verify', '--trusted-pem', pki.rootPem, file]).status === 0;
}

/** xmlsec1 signs a template: our Signature with its digest, value and certificate left for xmlsec1 to fill in. */
async function xmlsecSign(who: TestIdentity, algorithm: SignatureAlgorithmName, c14n: 'exc' | 'inclusive'): Promise<Buffer> {
  const ours = await signPackage(documentPackage(), who.signer, { algorithm, c14n });
  const template = ours.toString('utf8')
    .replace(/<DigestValue>[^<]*<\/DigestValue>/, '<DigestValue></DigestValue>')
    .replace(/<SignatureValue>[^<]*<\/SignatureValue>/, '<SignatureValue></SignatureValue>')
    .replace(/<X509Data>[\s\S]*?<\/X509Data>/, '<X509Data/>');
  const input = join(work, `template-${n}.xml`);
  const output = join(work, `signed-${n++}.xml`);
  writeFileSync(input, template);
  const run = spawnSync('xmlsec1', ['--sign', '--privkey-pem', `${who.keyPem},${who.certPem},${pki.subPem}`, '--output', output, input]);
  expect(run.status, run.stderr.toString()).toBe(0);
  return readFileSync(output);
}

const verifyOurs = (bytes: Buffer) => verifyPackage(bytes, { validator: pki.validator, policy: pki.policy });

const CASES = [
  ['officialRsa', 'rsa-sha256', 'exc'],
  ['officialRsa', 'rsa-sha256', 'inclusive'],
  ['officialEc', 'ecdsa-sha256', 'exc'],
  ['officialEc', 'ecdsa-sha256', 'inclusive'],
  ['officialRsa', 'rsa-sha1', 'inclusive'],
] as const;

const FLIPS = [['content', 'Subject'], ['attachment', 'ContentTransferEncoded'], ['signature value', 'SignatureValue']] as const;

describe.skipIf(!hasXmlsec)('interoperability with xmlsec1', () => {
  for (const [who, algorithm, c14n] of CASES) {
    it(`xmlsec1 verifies our ${algorithm} / ${c14n} signature, and refuses it once a byte changes`, async () => {
      const signed = await signPackage(documentPackage(), pki[who].signer, { algorithm, c14n, includeChain: true });
      expect(xmlsecVerify(signed)).toBe(true);
      for (const [, element] of FLIPS) expect(xmlsecVerify(flipByte(signed, middleOfElement(signed, element))), element).toBe(false);
    });

    it(`we verify xmlsec1's ${algorithm} / ${c14n} signature, and refuse it once a byte changes`, async () => {
      const signed = await xmlsecSign(pki[who], algorithm, c14n);
      expect(xmlsecVerify(signed)).toBe(true);
      const report = await verifyOurs(signed);
      expect(report.code).toBe('SIG_OK');
      expect(report.chain?.status).toBe('valid');
      for (const [what, element] of FLIPS) {
        const tampered = flipByte(signed, middleOfElement(signed, element));
        const verdict = await verifyOurs(tampered);
        expect(verdict.valid, what).toBe(false);
        expect(verdict.code, what).toBe(what === 'signature value' ? 'SIG_VALUE_INVALID' : 'SIG_DIGEST_MISMATCH');
        expect(xmlsecVerify(tampered), what).toBe(false);
      }
    });
  }

  it('a certificate from an unknown root: xmlsec1 and we both refuse', async () => {
    const signed = await signPackage(documentPackage(), pki.stranger.signer, { includeChain: true });
    expect(xmlsecVerify(signed)).toBe(false);
    expect((await verifyOurs(signed)).code).toBe('SIG_CERT_UNTRUSTED');
  });
});
