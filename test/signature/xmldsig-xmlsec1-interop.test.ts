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
import { documentPackage, flipByte, middleOfElement, statusPackage } from './xmldsig-helpers.js';

const statusPackageText = () => statusPackage().toString('utf8');

// Skipped only where the xmlsec1 reference peer is not installed (.ci/run installs it, so CI always runs these).
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
      // The xmldsigjs reference path agrees, in both C14N modes: it canonicalizes SignedInfo while the Signature still
      // sits in the package, so an inclusive SignedInfo keeps the namespaces it inherits (docs/xmldsig.md).
      const reference = (bytes: Buffer) => verifyPackage(bytes, { validator: pki.validator, policy: pki.policy, engine: 'reference' });
      expect((await reference(signed)).code).toBe('SIG_OK');
      for (const [what, element] of FLIPS) {
        const tampered = flipByte(signed, middleOfElement(signed, element));
        const expected = what === 'signature value' ? 'SIG_VALUE_INVALID' : 'SIG_DIGEST_MISMATCH';
        const verdict = await verifyOurs(tampered);
        expect(verdict.valid, what).toBe(false);
        expect(verdict.code, what).toBe(expected);
        expect((await reference(tampered)).code, what).toBe(expected);
        expect(xmlsecVerify(tampered), what).toBe(false);
      }
    });
  }

  it('a package in ISO-8859-1 signed by xmlsec1 verifies with ours (canonicalized from its declared encoding)', async () => {
    const utf8 = Buffer.from(statusPackageText().replace('UBND Tỉnh Nghệ An', 'Café Hà Nội').replace(/[^\x00-\xff]/g, 'e'), 'utf8');
    const ours = await signPackage(utf8, pki.officialRsa.signer, { c14n: 'inclusive' });
    const template = ours.toString('utf8')
      .replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
      .replace(/<DigestValue>[^<]*<\/DigestValue>/, '<DigestValue></DigestValue>')
      .replace(/<SignatureValue>[^<]*<\/SignatureValue>/, '<SignatureValue></SignatureValue>')
      .replace(/<X509Data>[\s\S]*?<\/X509Data>/, '<X509Data/>');
    const input = join(work, 'latin1-template.xml');
    const output = join(work, 'latin1-signed.xml');
    writeFileSync(input, Buffer.from(template, 'latin1'));
    const run = spawnSync('xmlsec1', ['--sign', '--privkey-pem', `${pki.officialRsa.keyPem},${pki.officialRsa.certPem},${pki.subPem}`, '--output', output, input]);
    expect(run.status, run.stderr.toString()).toBe(0);
    const signed = readFileSync(output);
    expect(signed.includes(Buffer.from('Caf\xe9', 'latin1'))).toBe(true);
    const report = await verifyOurs(signed);
    expect(report.code).toBe('SIG_OK');
    expect(report.warnings.join(' ')).toMatch(/not UTF-8/);
    expect((await verifyOurs(flipByte(signed, signed.indexOf('Caf')))).code).toBe('SIG_DIGEST_MISMATCH');
  });

  it('xmlsec1 signatures using InclusiveNamespaces PrefixList and #WithComments canonicalization verify with ours', async () => {
    const ours = await signPackage(documentPackage(), pki.officialRsa.signer);
    const exc = 'http://www.w3.org/2001/10/xml-exc-c14n#';
    const prefixList = `<InclusiveNamespaces xmlns="${exc}" PrefixList="edXML #default"/>`;
    const variants = [
      ['PrefixList on the Reference', (t: string) => t.replace(`<Transform Algorithm="${exc}"/>`, `<Transform Algorithm="${exc}">${prefixList}</Transform>`)],
      ['PrefixList on SignedInfo', (t: string) => t.replace(`<CanonicalizationMethod Algorithm="${exc}"/>`, `<CanonicalizationMethod Algorithm="${exc}">${prefixList}</CanonicalizationMethod>`)],
      ['inclusive #WithComments on SignedInfo, with a comment in it', (t: string) => t
        .replace(`<CanonicalizationMethod Algorithm="${exc}"/>`, '<CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"/><!-- signed comment -->')],
    ] as const;
    for (const [name, edit] of variants) {
      const template = edit(ours.toString('utf8'))
        .replace(/<DigestValue>[^<]*<\/DigestValue>/, '<DigestValue></DigestValue>')
        .replace(/<SignatureValue>[^<]*<\/SignatureValue>/, '<SignatureValue></SignatureValue>')
        .replace(/<X509Data>[\s\S]*?<\/X509Data>/, '<X509Data/>');
      const input = join(work, `variant-${n}.xml`);
      const output = join(work, `variant-signed-${n++}.xml`);
      writeFileSync(input, template);
      const run = spawnSync('xmlsec1', ['--sign', '--privkey-pem', `${pki.officialRsa.keyPem},${pki.officialRsa.certPem},${pki.subPem}`, '--output', output, input]);
      expect(run.status, `${name}: ${run.stderr.toString()}`).toBe(0);
      const signed = readFileSync(output);
      expect((await verifyOurs(signed)).code, name).toBe('SIG_OK');
      expect((await verifyOurs(flipByte(signed, middleOfElement(signed, 'Subject')))).code, name).toBe('SIG_DIGEST_MISMATCH');
    }
    // Editing the signed comment changes SignedInfo under #WithComments: the signature no longer verifies.
    const last = readFileSync(join(work, `variant-signed-${n - 1}.xml`));
    const edited = Buffer.from(last.toString('utf8').replace('<!-- signed comment -->', '<!-- signed commenT -->'), 'utf8');
    expect((await verifyOurs(edited)).code).toBe('SIG_VALUE_INVALID');
  });

  it('a certificate from an unknown root: xmlsec1 and we both refuse', async () => {
    const signed = await signPackage(documentPackage(), pki.stranger.signer, { includeChain: true });
    expect(xmlsecVerify(signed)).toBe(false);
    expect((await verifyOurs(signed)).code).toBe('SIG_CERT_UNTRUSTED');
  });
});
