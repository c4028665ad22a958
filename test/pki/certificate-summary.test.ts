import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAxisError } from '../../src/errors/axis-error.js';
import { createCertificateValidator, loadTrustAnchors, parseCertificate, summarizeCertificate } from '../../src/pki/index.js';
import { organIdFromAttribute } from '../../src/pki/organ-id.js';
import { buildCrl } from '../../src/pki/test-pki/certificate-builder.js';
import { generateTestPki, toPem, type TestPki } from '../../src/pki/test-pki/index.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/edxml/', import.meta.url));
let pki: TestPki;
let dir: string;

beforeAll(async () => {
  pki = await generateTestPki();
  dir = mkdtempSync(join(tmpdir(), 'edx-pki-summary-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return isAxisError(error) ? error.code : `not an AxisError: ${String(error)}`;
  }
}

describe('a certificate as a person reads it', () => {
  it('the Vietnamese subject survives DER, PEM and bare base64 alike', () => {
    const der = pki.identities['official-rsa'].certificate;
    const pem = toPem(der);
    const base64 = der.toString('base64').replace(/(.{76})/g, '$1\n');
    for (const input of [der, pem, Buffer.from(pem), base64]) {
      const summary = summarizeCertificate(input);
      expect(summary.subject).toBe('CN=Nguyễn Văn An, UID=CCCD:001085000001, T=Chánh Văn phòng, O=UBND tỉnh Hà Nam, ST=Hà Nam, C=VN');
      expect(summary.subjectFields).toMatchObject({ CN: 'Nguyễn Văn An', T: 'Chánh Văn phòng', O: 'UBND tỉnh Hà Nam', C: 'VN' });
      expect(summary.issuer).toMatch(/^CN=CA phục vụ các cơ quan Nhà nước G2 \(TEST\), OU=.*O=Ban Cơ yếu Chính phủ, C=VN$/);
      expect(summary.keyUsage).toEqual(['digitalSignature', 'nonRepudiation']);
      expect(summary.serialNumber).toBe(pki.identities['official-rsa'].serialNumber);
      expect(summary.isCA).toBe(false);
      expect(summary.organId).toBeUndefined();
    }
  });

  it('an agency certificate gives back its OrganId; the CA certificates say they are CAs', () => {
    expect(summarizeCertificate(pki.identities['agency-rsa'].certificate)).toMatchObject({ organId: '000.00.00.H40', subjectFields: { organizationIdentifier: '000.00.00.H40' } });
    expect(summarizeCertificate(pki.root.certificate)).toMatchObject({ isCA: true, keyUsage: ['keyCertSign', 'cRLSign'] });
  });

  it('the real VNPT-CA certificate in the samples reads like OpenSSL reads it, and is not trusted by the test root', async () => {
    const xml = readFileSync(join(FIXTURES, 'edoc.edxml'), 'utf8');
    const base64 = /<X509Certificate>([^<]*)</.exec(xml)![1]!;
    const summary = summarizeCertificate(base64);
    expect(summary).toMatchObject({
      subject: 'UID=CMND:142587899, CN=TRẦN ANH TUẤN',
      issuer: 'CN=VNPT Certification Authority, OU=VNPT-CA Trust Network, O=VNPT Group, C=VN',
      serialNumber: '5401f8b96391ca0971053be87920ef25',
      notAfter: '2018-10-19T16:55:00.000Z',
      keyUsage: ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment'],
      publicKeyAlgorithm: 'RSA',
    });
    const report = await createCertificateValidator({ trustAnchors: [pki.root.certificate] }).validate(Buffer.from(base64.replace(/\s+/g, ''), 'base64'), []);
    expect(report).toMatchObject({ valid: false, code: 'SIG_CERT_UNTRUSTED', signer: { subjectFields: { CN: 'TRẦN ANH TUẤN' } } });
  });

  it('the OrganId attribute: plain or in the ETSI semantic form, and nothing that is not a code', () => {
    expect(organIdFromAttribute('000.00.00.H40')).toBe('000.00.00.H40');
    expect(organIdFromAttribute('NTRVN-000.00.00.H40')).toBe('000.00.00.H40');
    expect(organIdFromAttribute('UBND tỉnh Hà Nam')).toBeUndefined();
    expect(organIdFromAttribute('')).toBeUndefined();
  });

  it('malformed input is SIG_CERT_MALFORMED with a reason, whatever its shape', () => {
    const der = pki.identities['official-rsa'].certificate;
    expect(codeOf(() => parseCertificate('MIIFqTCCBJG'))).toBe('SIG_CERT_MALFORMED');
    expect(codeOf(() => parseCertificate(der.subarray(0, der.length - 10)))).toBe('SIG_CERT_MALFORMED');
    expect(codeOf(() => parseCertificate(Buffer.concat([der, Buffer.from([0, 0])])))).toBe('SIG_CERT_MALFORMED');
    expect(codeOf(() => parseCertificate(pki.crls.root))).toBe('SIG_CERT_MALFORMED');
    expect(codeOf(() => parseCertificate('-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----'))).toBe('SIG_CERT_MALFORMED');
    expect(parseCertificate(der)).toBeInstanceOf(pkijs.Certificate);
  });
});

describe('a directory of trust anchors', () => {
  it('reads PEM bundles and DER files, skips what is not a certificate', async () => {
    const trust = join(dir, 'trust');
    mkdirSync(trust);
    writeFileSync(join(trust, 'bundle.pem'), toPem(pki.root.certificate) + toPem(pki.subordinate.certificate));
    writeFileSync(join(trust, 'other.der'), pki.identities['agency-ec'].certificate);
    writeFileSync(join(trust, 'notes.crt'), 'not a certificate');
    writeFileSync(join(trust, 'readme.txt'), toPem(pki.identities['official-rsa'].certificate));
    const anchors = await loadTrustAnchors(trust);
    expect(anchors.map((a) => summarizeCertificate(a).subjectFields.CN)).toEqual(['RootCA chuyên dùng Chính phủ G2 (TEST)', 'CA phục vụ các cơ quan Nhà nước G2 (TEST)', 'Sở Tài chính tỉnh Hà Nam']);
  });

  it('an empty or missing directory is an error with its code, not "trust nothing"', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    await expect(loadTrustAnchors(empty)).rejects.toMatchObject({ code: 'PKI_TRUST_EMPTY' });
    await expect(loadTrustAnchors(join(dir, 'missing'))).rejects.toMatchObject({ code: 'PKI_TRUST_UNREADABLE' });
  });
});

describe('a revoked CA in the chain', () => {
  it('the root CRL revoking the subordinate CA makes every certificate it issued revoked', async () => {
    const root = pkijs.Certificate.fromBER(pki.root.certificate);
    const keyId = Buffer.from((root.extensions?.find((e) => e.extnID === '2.5.29.14')?.parsedValue as { valueBlock: { valueHexView: Uint8Array } }).valueBlock.valueHexView);
    const rootCrl = await buildCrl({
      issuer: root.subject, issuerKeyId: keyId, privateKey: pki.root.privateKey, thisUpdate: new Date(Date.now() - 60_000), nextUpdate: new Date(Date.now() + 86_400_000),
      revoked: [{ serial: Buffer.from(pki.subordinate.serialNumber.padStart(pki.subordinate.serialNumber.length + (pki.subordinate.serialNumber.length % 2), '0'), 'hex'), revokedAt: new Date(Date.now() - 30_000), reason: 2 }], number: 9,
    });
    const validator = createCertificateValidator({ trustAnchors: [pki.root.certificate] });
    const official = pki.identities['official-rsa'];
    const report = await validator.validate(official.certificate, [pki.subordinate.certificate], { offline: true, crls: [rootCrl, pki.crls.subordinate] });
    expect(report).toMatchObject({ valid: false, code: 'SIG_CERT_REVOKED', revocation: { status: 'revoked', reason: 'cACompromise' } });
    expect(report.message).toMatch(/CA certificate/);
  });
});

describe('a CRL that is not the issuer\'s', () => {
  it('a CRL in the subordinate CA\'s name but signed by another key proves nothing', async () => {
    const sub = pkijs.Certificate.fromBER(pki.subordinate.certificate);
    const forged = await buildCrl({
      issuer: sub.subject, issuerKeyId: Buffer.alloc(20, 1), privateKey: pki.identities['official-rsa'].privateKey,
      thisUpdate: new Date(Date.now() - 60_000), nextUpdate: new Date(Date.now() + 86_400_000), revoked: [], number: 7,
    });
    const validator = createCertificateValidator({ trustAnchors: [pki.root.certificate] });
    const revokedOfficial = pki.identities['official-revoked'];
    const report = await validator.validate(revokedOfficial.certificate, [pki.subordinate.certificate], { offline: true, crls: [pki.crls.root, forged] });
    expect(report).toMatchObject({ valid: false, code: 'SIG_REVOCATION_UNKNOWN', revocation: { status: 'unknown' } });
  });
});
