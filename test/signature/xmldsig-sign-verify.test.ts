import { beforeAll, describe, expect, it } from 'vitest';
import { cachingValidator, signPackage, verifyPackage } from '../../src/signature/index.js';
import { openXmldsigTestPki, type XmldsigTestPki } from '../fixtures/xmldsig/xmldsig-test-pki.js';
import { documentPackage, flipByte, middleOfElement, ourSignature, statusPackage } from './xmldsig-helpers.js';

let pki: XmldsigTestPki;
beforeAll(async () => {
  pki = await openXmldsigTestPki();
});

const verify = (bytes: Buffer, engine: 'fast' | 'reference' = 'fast', allowSha1?: boolean) =>
  verifyPackage(bytes, { validator: pki.validator, policy: { ...pki.policy, ...(allowSha1 === undefined ? {} : { allowSha1 }) }, engine });

describe('signing an edXML package', () => {
  it('puts one enveloped Signature right after TraceHeaderList and leaves every other byte as it was', async () => {
    const original = documentPackage();
    const signed = await signPackage(original, pki.officialRsa.signer);
    const text = signed.toString('utf8');
    const at = text.indexOf('<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">');
    expect(text.slice(0, at)).toMatch(/<\/edXML:TraceHeaderList>$/);
    const end = text.indexOf('</Signature>', at) + '</Signature>'.length;
    expect(Buffer.concat([signed.subarray(0, Buffer.byteLength(text.slice(0, at))), signed.subarray(Buffer.byteLength(text.slice(0, end)))]).equals(original)).toBe(true);
    expect(text).toContain('<Reference URI=""><Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>');
    expect(text).toContain('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    expect(ourSignature(signed).match(/<X509Certificate>/g)).toHaveLength(1);
  });

  it('closes edXMLHeader with the Signature when the package has no TraceHeaderList (status packages)', async () => {
    const signed = await signPackage(statusPackage(), pki.officialRsa.signer, { includeChain: true });
    expect(signed.toString('utf8')).toMatch(/<\/Signature><\/edXML:edXMLHeader>/);
    expect((await verify(signed)).code).toBe('SIG_OK');
  });

  it('carries the issuing chain in KeyInfo when asked', async () => {
    const signed = await signPackage(documentPackage(), pki.officialRsa.signer, { includeChain: true });
    expect(ourSignature(signed).match(/<X509Certificate>/g)).toHaveLength(2);
  });

  it('refuses to sign a package that is already signed', async () => {
    const signed = await signPackage(statusPackage(), pki.officialRsa.signer);
    await expect(signPackage(signed, pki.officialRsa.signer)).rejects.toMatchObject({ code: 'SIG_DUPLICATE' });
  });

  it('refuses a package without edXMLHeader: there is no place for the Signature', async () => {
    const headless = Buffer.from('<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXML:edXMLBody/></edXML:edXMLEnvelope>');
    await expect(signPackage(headless, pki.officialRsa.signer)).rejects.toMatchObject({ code: 'SIG_MISPLACED' });
  });

  it('refuses an algorithm the key cannot make', async () => {
    await expect(signPackage(statusPackage(), pki.officialRsa.signer, { algorithm: 'ecdsa-sha256' })).rejects.toMatchObject({ code: 'SIG_ALGORITHM_UNSUPPORTED' });
  });
});

describe('verifying what we sign', () => {
  const cases = [
    ['RSA-SHA256, exclusive C14N', 'officialRsa', 'rsa-sha256', 'exc'],
    ['RSA-SHA256, inclusive C14N', 'officialRsa', 'rsa-sha256', 'inclusive'],
    ['ECDSA-SHA256, exclusive C14N', 'officialEc', 'ecdsa-sha256', 'exc'],
    ['ECDSA-SHA256, inclusive C14N', 'officialEc', 'ecdsa-sha256', 'inclusive'],
    ['RSA-SHA1 (legacy), inclusive C14N', 'officialRsa', 'rsa-sha1', 'inclusive'],
  ] as const;

  for (const [name, who, algorithm, c14n] of cases) {
    it(`an official's ${name} signature is valid, with signer, chain and revocation in the report`, async () => {
      const signed = await signPackage(documentPackage(), pki[who].signer, { algorithm, c14n, includeChain: true });
      const report = await verify(signed);
      expect(report.code).toBe('SIG_OK');
      expect(report.valid).toBe(true);
      expect(report.chain?.status).toBe('valid');
      expect(report.chain?.path.length).toBe(3);
      expect(report.revocation?.status).toBe('good');
      expect(report.signer?.subject).toContain(who === 'officialRsa' ? 'Nguyễn Văn An' : 'Trần Thị Bình');
      if (algorithm === 'rsa-sha1') expect(report.warnings.join(' ')).toMatch(/SHA-1/);
      else expect(report.warnings.filter((w) => /SHA-1/.test(w))).toEqual([]);
      // The sample carries a namespace-less <Signature> placeholder of its own: content, not a second signature.
      expect(report.warnings.join(' ')).toMatch(/outside the XMLDSig namespace was ignored/);
    });
  }

  it('records the signing time as the signer\'s (unsigned) claim', async () => {
    const signed = await signPackage(statusPackage(), pki.officialRsa.signer, { includeChain: true, signingTime: new Date('2026-01-02T03:04:05Z') });
    const report = await verify(signed);
    expect(report.code).toBe('SIG_OK');
    expect(report.signingTime).toBe('2026-01-02T03:04:05.000Z');
    expect(report.warnings.join(' ')).toMatch(/SigningTime/);
  });

  it('rejects RSA-SHA1 when policy forbids it', async () => {
    const signed = await signPackage(documentPackage(), pki.officialRsa.signer, { algorithm: 'rsa-sha1', includeChain: true });
    expect((await verify(signed, 'fast', false)).code).toBe('SIG_ALGORITHM_FORBIDDEN');
  });

  it('passes certificate verdicts through: revoked, unknown root, chain missing', async () => {
    const revoked = await signPackage(statusPackage(), pki.revoked.signer, { includeChain: true });
    expect((await verify(revoked)).code).toBe('SIG_CERT_REVOKED');
    const stranger = await signPackage(statusPackage(), pki.stranger.signer, { includeChain: true });
    expect((await verify(stranger)).code).toBe('SIG_CERT_UNTRUSTED');
    const noChain = await signPackage(statusPackage(), pki.officialRsa.signer);
    expect((await verify(noChain)).valid).toBe(false);
  });

  it('the same package re-encoded as UTF-16 still verifies (C14N output is UTF-8 whatever the input encoding)', async () => {
    const signed = await signPackage(statusPackage(), pki.officialRsa.signer, { includeChain: true });
    const text = signed.toString('utf8').replace('encoding="UTF-8"', 'encoding="UTF-16"');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const report = await verify(utf16);
    expect(report.code).toBe('SIG_OK');
    expect(report.warnings.join(' ')).toMatch(/not UTF-8/);
    const changed = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replace('UBND Tỉnh Nghệ An', 'UBND Tinh Nghe An'), 'utf16le')]);
    expect((await verify(changed)).code).toBe('SIG_DIGEST_MISMATCH');
  });

  it('a cached validator gives the same verdict', async () => {
    const signed = await signPackage(statusPackage(), pki.officialRsa.signer, { includeChain: true });
    const validator = cachingValidator(pki.validator);
    const first = await verifyPackage(signed, { validator, policy: pki.policy });
    const second = await verifyPackage(signed, { validator, policy: pki.policy });
    expect(second).toEqual(first);
    expect(second.code).toBe('SIG_OK');
  });
});

describe('any changed byte invalidates the signature (fast path and xmldsigjs reference path agree)', () => {
  let signed: Buffer;
  beforeAll(async () => {
    signed = await signPackage(documentPackage(), pki.officialRsa.signer, { includeChain: true });
  });

  const places = [
    ['the subject', 'Subject', 'SIG_DIGEST_MISMATCH'],
    ['the sender OrganId', 'OrganId', 'SIG_DIGEST_MISMATCH'],
    ['the base64 attachment', 'ContentTransferEncoded', 'SIG_DIGEST_MISMATCH'],
    ['the SignatureValue', 'SignatureValue', 'SIG_VALUE_INVALID'],
    ['the DigestValue', 'DigestValue', 'SIG_DIGEST_MISMATCH'],
  ] as const;

  it('the untouched package is valid on both paths', async () => {
    expect((await verify(signed, 'fast')).code).toBe('SIG_OK');
    expect((await verify(signed, 'reference')).code).toBe('SIG_OK');
  });

  for (const [what, element, code] of places) {
    it(`a byte flipped in ${what} gives ${code}`, async () => {
      const tampered = flipByte(signed, middleOfElement(signed, element));
      const fast = await verify(tampered, 'fast');
      const reference = await verify(tampered, 'reference');
      expect(fast.valid).toBe(false);
      expect(fast.code).toBe(code);
      expect(reference.valid).toBe(false);
      expect(reference.code).toBe(code);
    });
  }

  it('every one of 40 random byte flips inside the signed content is caught', async () => {
    const body = signed.indexOf('<edXML:edXMLBody');
    for (let k = 0; k < 40; k++) {
      const offset = body + Math.floor(Math.random() * (signed.length - body - 20));
      const report = await verify(flipByte(signed, offset));
      expect(report.valid, `flip at ${offset}`).toBe(false);
    }
  });
});

describe('keySigner (an in-memory key behind the Signer seam)', () => {
  it('signs packages that verify, and never shows its key', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { keySigner } = await import('../../src/signature/index.js');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signer = keySigner(privateKey, [pki.officialEc.der]);
    expect(signer.keyAlgorithm).toBe('EC');
    expect(JSON.stringify(signer)).not.toMatch(/PRIVATE|"d"/);
    // A key that does not match the certificate: the signature value does not verify with the certificate.
    const signed = await signPackage(statusPackage(), signer, { includeChain: true });
    expect((await verify(signed)).code).toBe('SIG_VALUE_INVALID');
    await expect(signer.sign(Buffer.from('x'), 'rsa-sha256')).rejects.toThrow(/cannot make/);
    // The official's own key and chain: valid.
    const { createPrivateKey } = await import('node:crypto');
    const { readFileSync } = await import('node:fs');
    const official = keySigner(createPrivateKey(readFileSync(pki.officialRsa.keyPem)), pki.officialRsa.signer.certificateChain);
    const good = await signPackage(statusPackage(), official, { algorithm: 'rsa-sha1', includeChain: true });
    expect((await verify(good)).code).toBe('SIG_OK');
  });
});
