/**
 * `edx sign` and `edx pdf sign` with a key on a token (--pkcs11 MODULE --token-label --key-label --pin-env), from
 * dist/ (npm run build), in a process of their own: the edXML verifies with xmlsec1, the visible PDF signature with
 * pdfsig; every failure is one JSON line { ok: false, code } on stderr and exit 2 (docs/xmldsig.md, CLI contract).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocumentPackage } from '../../src/edxml/index.js';
import { generateTestPki, toPem, writeTestPki, type TestPki } from '../../src/pki/test-pki/index.js';
import { minimalPdf } from '../fixtures/pdf/minimal-pdf.js';
import { runPdfsig } from '../fixtures/pdf/pdfsig.js';
import { sealPng } from '../fixtures/pdf/png-images.js';
import { SOFTHSM_MODULE, softHsmToken, type SoftHsmToken } from './softhsm-token.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'edx-pkcs11-cli-'));
let pki: TestPki;
let token: SoftHsmToken;

beforeAll(async () => {
  pki = await generateTestPki({ baseUrl: 'http://127.0.0.1:9' });
  token = await softHsmToken(pki, [pki.identities['official-rsa'], pki.identities['agency-rsa']], TOKEN);
  writeFileSync(join(dir, 'in.edxml'), buildDocumentPackage({
    from: { organId: '000.00.00.H40', organName: 'UBND tỉnh Hà Nam' },
    to: [{ organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' }],
    code: { codeNumber: '12', codeNotation: 'UBND-VP' },
    subject: 'Công văn ký bằng token',
  }));
  writeFileSync(join(dir, 'in.pdf'), minimalPdf());
  writeFileSync(join(dir, 'seal.png'), sealPng());
  writeFileSync(join(dir, 'root.pem'), toPem(pki.root.certificate));
  await writeTestPki(pki, join(dir, 'pki'));
});

afterAll(() => token?.dispose());

function edx(args: string[], env: Record<string, string | undefined> = {}) {
  const run = spawnSync(process.execPath, [join(ROOT, 'bin/edx.js'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, SOFTHSM2_CONF: token.conf, EDX_TEST_PIN: token.pin, ...env } });
  const parse = (text: string) => { try { return JSON.parse(text) as Record<string, unknown>; } catch { return undefined; } };
  return { code: run.status, stdout: parse(run.stdout), stderr: parse(run.stderr), raw: run.stderr };
}

const TOKEN = 'edx-cli-token';
const token11 = (key: string) => ['--pkcs11', SOFTHSM_MODULE, '--token-label', TOKEN, '--key-label', key, '--pin-env', 'EDX_TEST_PIN'];

describe('edx sign and edx pdf sign with a token', () => {
  it('edx sign --pkcs11: the package verifies with xmlsec1', () => {
    const run = edx(['sign', 'in.edxml', ...token11('official-rsa'), '-o', 'signed.edxml']);
    expect(run.code, run.raw).toBe(0);
    expect(run.stdout).toMatchObject({ ok: true, out: 'signed.edxml', algorithm: 'rsa-sha256' });
    const xmlsec = spawnSync('xmlsec1', ['--verify', '--trusted-pem', join(dir, 'root.pem'), join(dir, 'signed.edxml')], { encoding: 'utf8' });
    expect(xmlsec.status, xmlsec.stderr).toBe(0);
  });

  it('edx pdf sign --pkcs11 with a visible seal: pdfsig verifies it, edx pdf verify calls it a seal', () => {
    const run = edx(['pdf', 'sign', 'in.pdf', ...token11('agency-rsa'), '--rect', '270,85,110,110', '--image', 'seal.png', '-o', 'sealed.pdf']);
    expect(run.code, run.raw).toBe(0);
    expect(run.stdout).toMatchObject({ ok: true, out: 'sealed.pdf' });
    const reference = runPdfsig(join(dir, 'sealed.pdf'));
    expect(reference.signatures.map((s) => s.integrityValid), reference.output).toEqual([true]);
    const verify = edx(['pdf', 'verify', 'sealed.pdf', '--trust', join(dir, 'pki/trust'), '--offline', '--crl', join(dir, 'pki/crl/root.crl'), '--crl', join(dir, 'pki/crl/subordinate.crl')]);
    expect(verify.code).toBe(0);
    expect((verify.stdout?.['signatures'] as Array<{ role: string }>)[0]?.role).toBe('agency-seal');
  });

  it.each([
    ['the PIN variable unset', 'SIG_PKCS11_PIN_MISSING', ['sign', 'in.edxml', ...token11('official-rsa'), '-o', 'x.edxml'], { EDX_TEST_PIN: undefined }],
    ['a wrong PIN', 'SIG_PKCS11_PIN', ['sign', 'in.edxml', ...token11('official-rsa'), '-o', 'x.edxml'], { EDX_TEST_PIN: '999999' }],
    ['a token that is not there', 'SIG_PKCS11_TOKEN_NOT_FOUND', ['pdf', 'sign', 'in.pdf', '--pkcs11', SOFTHSM_MODULE, '--token-label', 'other', '--key-label', 'official-rsa', '--pin-env', 'EDX_TEST_PIN', '-o', 'x.pdf'], {}],
    ['both --p12 and --pkcs11', 'SIG_SIGNER_OPTIONS', ['pdf', 'sign', 'in.pdf', '--p12', 'pki/p12/official-rsa.p12', '--pass-env', 'EDX_TEST_PIN', ...token11('official-rsa'), '-o', 'x.pdf'], {}],
    ['no key at all', 'SIG_SIGNER_OPTIONS', ['sign', 'in.edxml', '-o', 'x.edxml'], {}],
    ['--pkcs11 without --key-label', 'SIG_SIGNER_OPTIONS', ['sign', 'in.edxml', '--pkcs11', SOFTHSM_MODULE, '--token-label', TOKEN, '--pin-env', 'EDX_TEST_PIN', '-o', 'x.edxml'], {}],
    ['a bad --rect', 'PDF_OPTION_INVALID', ['pdf', 'sign', 'in.pdf', ...token11('official-rsa'), '--rect', '1,2,three', '-o', 'x.pdf'], {}],
  ])('%s: exit 2 with %s', (_, code, args, env) => {
    const run = edx(args as string[], env as Record<string, string | undefined>);
    expect(run.code, run.raw).toBe(2);
    expect(run.stderr).toMatchObject({ ok: false, code });
  });
});
