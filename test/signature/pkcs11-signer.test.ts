/**
 * Officials sign with their token: a key on a SoftHSM2 token signs an edXML package (XMLDSig) and a PDF (PAdES)
 * through the one Signer seam; xmlsec1 and pdfsig, the reference tools, verify both, and so do we.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocumentPackage } from '../../src/edxml/index.js';
import { createCertificateValidator } from '../../src/pki/index.js';
import { generateTestPki, toPem, type TestPki } from '../../src/pki/test-pki/index.js';
import { signPdf, verifyPdf } from '../../src/signature/pdf/index.js';
import { openPkcs11Signer, type Pkcs11Signer } from '../../src/signature/pkcs11/index.js';
import { signPackage, verifyPackage } from '../../src/signature/xmldsig/index.js';
import { minimalPdf } from '../fixtures/pdf/minimal-pdf.js';
import { runPdfsig } from '../fixtures/pdf/pdfsig.js';
import { SOFTHSM_MODULE, softHsmToken, type SoftHsmToken } from './softhsm-token.js';

let pki: TestPki;
let token: SoftHsmToken;
const work = mkdtempSync(join(tmpdir(), 'edx-pkcs11-'));
const opened: Pkcs11Signer[] = [];

beforeAll(async () => {
  pki = await generateTestPki({ baseUrl: 'http://127.0.0.1:9' });
  token = await softHsmToken(pki, [pki.identities['official-rsa'], pki.identities['official-ec']]);
  // SoftHSM reads its configuration when the module is initialised, in this process.
  process.env['SOFTHSM2_CONF'] = token.conf;
});

afterAll(() => {
  for (const signer of opened) signer.close();
  token?.dispose();
});

async function open(keyLabel: string, overrides: Partial<Parameters<typeof openPkcs11Signer>[0]> = {}): Promise<Pkcs11Signer> {
  const signer = await openPkcs11Signer({ module: SOFTHSM_MODULE, tokenLabel: token.label, keyLabel, pin: token.pin, ...overrides });
  opened.push(signer);
  return signer;
}

const validator = () => createCertificateValidator({ trustAnchors: [pki.root.certificate], crls: [pki.crls.root, pki.crls.subordinate] });

function xmlsecVerify(bytes: Buffer): { ok: boolean; output: string } {
  const file = join(work, `pkg-${Date.now()}-${Math.random()}.edxml`);
  const root = join(work, 'root.pem');
  writeFileSync(file, bytes);
  writeFileSync(root, toPem(pki.root.certificate));
  const run = spawnSync('xmlsec1', ['--verify', '--trusted-pem', root, file], { encoding: 'utf8' });
  return { ok: run.status === 0, output: run.stderr };
}

const edoc = () => buildDocumentPackage({
  from: { organId: '000.00.00.H40', organName: 'UBND tỉnh Hà Nam' },
  to: [{ organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' }],
  code: { codeNumber: '12', codeNotation: 'UBND-VP' },
  subject: 'Công văn ký bằng token',
});

describe('signing with a key on a PKCS#11 token (SoftHSM2)', () => {
  it('finds the key, its certificate and the CA certificate on the token, and shows no secret', async () => {
    const signer = await open('official-rsa');
    expect(signer.keyAlgorithm).toBe('RSA');
    expect(signer.certificateChain.map((c) => Buffer.from(c).toString('base64'))).toEqual([pki.identities['official-rsa'].certificate, pki.subordinate.certificate].map((c) => c.toString('base64')));
    const shown = JSON.stringify(signer);
    expect(JSON.parse(shown)).toMatchObject({ kind: 'Pkcs11Signer', tokenLabel: token.label, keyLabel: 'official-rsa' });
    expect(shown).not.toContain(token.pin);
  });

  it.each(['official-rsa', 'official-ec'])('an edXML package signed with %s on the token verifies with xmlsec1 and with ours', async (keyLabel) => {
    const signed = await signPackage(edoc(), await open(keyLabel), { includeChain: true });
    const xmlsec = xmlsecVerify(signed);
    expect(xmlsec.ok, xmlsec.output).toBe(true);
    const report = await verifyPackage(signed, { validator: validator(), policy: { offline: true } });
    expect(report).toMatchObject({ valid: true, code: 'SIG_OK' });
    expect(report.signer?.serialNumber).toBe(pki.identities[keyLabel as 'official-rsa'].serialNumber);
  });

  it.each(['official-rsa', 'official-ec'])('a PDF signed with %s on the token verifies with pdfsig and with ours', async (keyLabel) => {
    const signed = await signPdf(minimalPdf(), await open(keyLabel), { reason: 'Ký ban hành' });
    const file = join(work, `${keyLabel}.pdf`);
    writeFileSync(file, signed);
    const pdfsig = runPdfsig(file);
    expect(pdfsig.signatures.map((s) => [s.integrityValid, s.totalDocumentSigned]), pdfsig.output).toEqual([[true, true]]);
    const report = await verifyPdf(signed, { validator: validator(), policy: { offline: true } });
    expect(report.valid, report.message).toBe(true);
    expect(report.signatures[0]).toMatchObject({ role: 'official', signatureAlgorithm: keyLabel === 'official-ec' ? 'ecdsa-sha256' : 'rsa-sha256' });
  });

  it('concurrent signatures on one session are made one after the other, all valid', async () => {
    const signer = await open('official-rsa');
    const signed = await Promise.all([1, 2, 3].map((i) => signPdf(minimalPdf(`Van ban ${i}`), signer)));
    for (const pdf of signed) expect((await verifyPdf(pdf, { validator: validator(), policy: { offline: true } })).valid).toBe(true);
  });
});

describe('a token that cannot sign says why, with a stable code', () => {
  it.each([
    ['a wrong PIN', { pin: '000000' }, 'SIG_PKCS11_PIN'],
    ['an absent token', { tokenLabel: 'no-such-token' }, 'SIG_PKCS11_TOKEN_NOT_FOUND'],
    ['an unknown key label', { keyLabel: 'no-such-key' }, 'SIG_PKCS11_KEY_NOT_FOUND'],
    ['a module that is not there', { module: '/usr/lib/no-such-pkcs11.so' }, 'SIG_PKCS11_MODULE'],
  ])('%s: %s', async (_, overrides, code) => {
    await expect(openPkcs11Signer({ module: SOFTHSM_MODULE, tokenLabel: token.label, keyLabel: 'official-rsa', pin: token.pin, ...overrides })).rejects.toMatchObject({ code });
  });
});
