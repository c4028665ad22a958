/**
 * `edx pdf sign|verify` keep the contract of `edx sign|verify` (issue 3: "same exits"): the same failure given to
 * both commands gives the same exit code, on the same channel, in the same JSON shape, with the same code where the
 * cause is the same. CLI from dist/ (npm run build), offline with the test PKI's CRLs (no responder needed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTestPki, writeTestPki } from '../../src/pki/test-pki/index.js';
import { minimalPdf } from '../fixtures/pdf/minimal-pdf.js';
import { documentPackage } from '../signature/xmldsig-helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PASS_VAR = 'EDX_CONTRACT_P12_PASSWORD';
let dir: string;
let password: string;

interface Run { exit: number | null; stdout: string; stderr: string }

function edx(args: string[], env: Record<string, string> = {}): Run {
  const run = spawnSync(process.execPath, [join(ROOT, 'bin/edx.js'), ...args], { encoding: 'utf8', cwd: dir, env: { ...process.env, [PASS_VAR]: password, ...env } });
  return { exit: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The two commands of one operation: XMLDSig on an edXML package, and PAdES on a PDF. */
const kinds = [
  { name: 'edx sign/verify', input: 'doc.edxml', signed: 'doc.signed.edxml', sign: ['sign'], verify: ['verify'], unreadable: 'SIG_INPUT_UNREADABLE' },
  { name: 'edx pdf sign/verify', input: 'in.pdf', signed: 'in.signed.pdf', sign: ['pdf', 'sign'], verify: ['pdf', 'verify'], unreadable: 'PDF_INPUT_UNREADABLE' },
] as const;
type Kind = (typeof kinds)[number];

const signWith = (kind: Kind, p12: string, out: string, env: Record<string, string> = {}, passEnv = PASS_VAR) =>
  edx([...kind.sign, kind.input, '--p12', p12, '--pass-env', passEnv, '-o', out], env);
const crls = ['--crl', 'pki/crl/root.crl', '--crl', 'pki/crl/subordinate.crl'];
const verifyWith = (kind: Kind, file: string, extra: string[] = ['--trust', 'pki/trust', ...crls]) => edx([...kind.verify, file, ...extra, '--offline']);

/** A sign failure: nothing on stdout, one { ok: false, code, message } line on stderr, exit 2, no output file. */
function signFailure(run: Run, out: string): { exit: number | null; code: unknown; keys: string[] } {
  expect(run.stdout).toBe('');
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  const line = JSON.parse(run.stderr) as Record<string, unknown>;
  expect(line).toMatchObject({ ok: false, message: expect.any(String) });
  expect(existsSync(join(dir, out))).toBe(false);
  return { exit: run.exit, code: line.code, keys: Object.keys(line).sort() };
}

/** A verify outcome: always a report on stdout with at least valid, code, message, warnings; nothing on stderr. */
function verdict(run: Run): { exit: number | null; valid: unknown; code: unknown } {
  expect(run.stderr).toBe('');
  const report = JSON.parse(run.stdout) as Record<string, unknown>;
  expect(report).toMatchObject({ valid: expect.any(Boolean), code: expect.any(String), message: expect.any(String), warnings: expect.any(Array) });
  return { exit: run.exit, valid: report.valid, code: report.code };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edx-cli-contract-'));
  expect(existsSync(join(ROOT, 'dist/src/cli/edx.js')), 'run `npm run build` first').toBe(true);
  const [pki, other] = await Promise.all([generateTestPki(), generateTestPki()]);
  password = pki.password;
  await writeTestPki(pki, join(dir, 'pki'));
  await writeTestPki(other, join(dir, 'other-pki'));
  writeFileSync(join(dir, 'doc.edxml'), documentPackage());
  writeFileSync(join(dir, 'in.pdf'), minimalPdf());
  writeFileSync(join(dir, 'not-a-bundle.p12'), 'not PKCS#12');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('edx sign and edx pdf sign fail alike', () => {
  it('an unset --pass-env variable: SIG_P12_PASSWORD_MISSING, exit 2, stderr', () => {
    const [xml, pdf] = kinds.map((k) => signFailure(signWith(k, 'pki/p12/official-rsa.p12', 'never', {}, 'EDX_CONTRACT_NOT_SET'), 'never'));
    expect(xml).toEqual({ exit: 2, code: 'SIG_P12_PASSWORD_MISSING', keys: ['code', 'message', 'ok'] });
    expect(pdf).toEqual(xml);
  });

  it('edx pki init names an unset --pass-env variable with the same code (its errors all exit 1)', () => {
    const run = edx(['pki', 'init', 'never-pki', '--pass-env', 'EDX_CONTRACT_NOT_SET']);
    expect(run.exit).toBe(1);
    expect(JSON.parse(run.stderr)).toMatchObject({ ok: false, code: 'SIG_P12_PASSWORD_MISSING' });
    expect(existsSync(join(dir, 'never-pki'))).toBe(false);
  });

  it('a wrong password: SIG_P12_PASSWORD, exit 2, stderr, the password never echoed', () => {
    const runs = kinds.map((k) => signWith(k, 'pki/p12/official-rsa.p12', 'never', { [PASS_VAR]: 'wrong-password' }));
    const [xml, pdf] = runs.map((run) => signFailure(run, 'never'));
    expect(xml).toEqual({ exit: 2, code: 'SIG_P12_PASSWORD', keys: ['code', 'message', 'ok'] });
    expect(pdf).toEqual(xml);
    for (const run of runs) expect(run.stderr).not.toContain('wrong-password');
  });

  it('a file that is not a PKCS#12 bundle, or none at all: SIG_P12_INVALID, exit 2', () => {
    for (const p12 of ['not-a-bundle.p12', 'no-such.p12']) {
      const [xml, pdf] = kinds.map((k) => signFailure(signWith(k, p12, 'never'), 'never'));
      expect(xml).toEqual({ exit: 2, code: 'SIG_P12_INVALID', keys: ['code', 'message', 'ok'] });
      expect(pdf).toEqual(xml);
    }
  });

  it('an input that cannot be signed (neither edXML nor PDF): its own code, exit 2', () => {
    writeFileSync(join(dir, 'garbage.bin'), 'neither XML nor PDF');
    const [xml, pdf] = kinds.map((k) => signFailure(edx([...k.sign, 'garbage.bin', '--p12', 'pki/p12/official-rsa.p12', '--pass-env', PASS_VAR, '-o', 'never']), 'never'));
    expect(xml).toMatchObject({ exit: 2, code: expect.stringMatching(/^(SIG|EDXML)_/) });
    expect(pdf).toEqual({ exit: 2, code: 'PDF_NOT_PDF', keys: ['code', 'message', 'ok'] });
  });

  it('success: exit 0 and { ok: true, out, bytes } on stdout', () => {
    for (const kind of kinds) {
      const run = signWith(kind, 'pki/p12/official-rsa.p12', kind.signed);
      expect(run.exit, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, out: kind.signed, bytes: expect.any(Number) });
    }
  });
});

describe('edx verify and edx pdf verify report alike (after the signing above)', () => {
  it('valid: exit 0', () => {
    const [xml, pdf] = kinds.map((k) => verdict(verifyWith(k, k.signed)));
    expect(xml).toMatchObject({ exit: 0, valid: true });
    expect(pdf).toMatchObject({ exit: 0, valid: true });
  });

  it('an unreadable input file: a report on stdout, exit 2 (could not check)', () => {
    const [xml, pdf] = kinds.map((k) => verdict(verifyWith(k, 'no-such-file')));
    expect(xml).toEqual({ exit: 2, valid: false, code: 'SIG_INPUT_UNREADABLE' });
    expect(pdf).toEqual({ exit: 2, valid: false, code: 'PDF_INPUT_UNREADABLE' });
  });

  it('a signer from another root: SIG_CERT_UNTRUSTED, exit 1', () => {
    const [xml, pdf] = kinds.map((k) => verdict(verifyWith(k, k.signed, ['--trust', 'other-pki/trust', ...crls])));
    expect(xml).toEqual({ exit: 1, valid: false, code: 'SIG_CERT_UNTRUSTED' });
    expect(pdf).toEqual(xml);
  });

  it('a trust directory that does not exist: PKI_TRUST_UNREADABLE, exit 2', () => {
    const [xml, pdf] = kinds.map((k) => verdict(verifyWith(k, k.signed, ['--trust', 'no-such-dir', ...crls])));
    expect(xml).toEqual({ exit: 2, valid: false, code: 'PKI_TRUST_UNREADABLE' });
    expect(pdf).toEqual(xml);
  });

  it('no CRL and no network: SIG_REVOCATION_UNKNOWN, exit 2', () => {
    const [xml, pdf] = kinds.map((k) => verdict(verifyWith(k, k.signed, ['--trust', 'pki/trust'])));
    expect(xml).toEqual({ exit: 2, valid: false, code: 'SIG_REVOCATION_UNKNOWN' });
    expect(pdf).toEqual(xml);
  });

  it('an --at that is not an instant: a report on stdout, exit 2', () => {
    const [xml, pdf] = kinds.map((k) => verdict(verifyWith(k, k.signed, ['--trust', 'pki/trust', ...crls, '--at', 'yesterday'])));
    expect(xml).toMatchObject({ exit: 2, valid: false });
    expect(pdf).toMatchObject({ exit: 2, valid: false });
  });
});
