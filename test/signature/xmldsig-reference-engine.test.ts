/**
 * xmldsigjs is the reference engine only: `edx verify` (bin/edx.js, needs `npm run build`) loads it, @xmldom and
 * xml-core for `--engine reference` and never on the default path (module resolutions are traced by a loader hook in
 * the child), and running it leaves xmldsigjs's own classes as the library shipped them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import * as xmldsigjs from 'xmldsigjs';
import { generateTestPki, testSigner, writeTestPki } from '../../src/pki/test-pki/index.js';
import { signPackage, verifyPackage } from '../../src/signature/index.js';
import { openXmldsigTestPki } from '../fixtures/xmldsig/xmldsig-test-pki.js';
import { documentPackage } from './xmldsig-helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'edx-reference-engine-'));
const REFERENCE_MODULES = /\/node_modules\/(xmldsigjs|xml-core|@xmldom\/xmldom)\//;

beforeAll(async () => {
  const pki = await generateTestPki();
  await writeTestPki(pki, join(dir, 'pki'));
  writeFileSync(join(dir, 'signed.edxml'), await signPackage(documentPackage(), testSigner(pki.identities['official-rsa']), { includeChain: true }));
  writeFileSync(join(dir, 'trace-hooks.mjs'), [
    "import { appendFileSync } from 'node:fs';",
    'export async function resolve(specifier, context, next) {',
    '  const result = await next(specifier, context);',
    "  appendFileSync(process.env.EDX_TEST_MODULE_TRACE, result.url + '\\n');",
    '  return result;',
    '}',
  ].join('\n'));
  writeFileSync(join(dir, 'register.mjs'), "import { register } from 'node:module';\nregister('./trace-hooks.mjs', import.meta.url);\n");
});

/** `edx verify` in a child whose every module resolution is written to a trace file. */
function tracedVerify(engine: 'fast' | 'reference'): { report: { code: string }; modules: string[] } {
  const trace = join(dir, `trace-${engine}.txt`);
  writeFileSync(trace, '');
  const run = spawnSync(process.execPath, [
    '--import', pathToFileURL(join(dir, 'register.mjs')).href, join(ROOT, 'bin/edx.js'),
    'verify', 'signed.edxml', '--trust', 'pki/trust', '--crl', 'pki/crl/root.crl', '--crl', 'pki/crl/subordinate.crl', '--offline', '--engine', engine,
  ], { encoding: 'utf8', cwd: dir, env: { ...process.env, EDX_TEST_MODULE_TRACE: trace } });
  expect(run.status, run.stdout + run.stderr).toBe(0);
  return { report: JSON.parse(run.stdout) as { code: string }, modules: readFileSync(trace, 'utf8').split('\n').filter(Boolean) };
}

describe('xmldsigjs stays behind --engine reference', () => {
  it('the default engine verifies without loading xmldsigjs, @xmldom or xml-core', () => {
    const { report, modules } = tracedVerify('fast');
    expect(report.code).toBe('SIG_OK');
    expect(modules.some((url) => url.includes('/dist/src/signature/xmldsig/verify-package.js'))).toBe(true);
    expect(modules.filter((url) => REFERENCE_MODULES.test(url))).toEqual([]);
  });

  it('--engine reference loads them, and agrees', () => {
    const { report, modules } = tracedVerify('reference');
    expect(report.code).toBe('SIG_OK');
    expect(modules.some((url) => url.includes('/node_modules/xmldsigjs/'))).toBe(true);
    expect(modules.some((url) => url.includes('/dist/src/signature/xmldsig/reference-verifier.js'))).toBe(true);
  });

  it('a reference verification changes nothing in xmldsigjs for the rest of the process', async () => {
    const pki = await openXmldsigTestPki();
    const prototype = xmldsigjs.XmlDsigEnvelopedSignatureTransform.prototype;
    const own = Object.getOwnPropertyNames(prototype).map((name) => [name, Object.getOwnPropertyDescriptor(prototype, name)?.value] as const);
    const signed = await signPackage(documentPackage(), pki.officialRsa.signer, { includeChain: true });
    expect((await verifyPackage(signed, { validator: pki.validator, policy: pki.policy, engine: 'reference' })).code).toBe('SIG_OK');
    expect(Object.getOwnPropertyNames(prototype).map((name) => [name, Object.getOwnPropertyDescriptor(prototype, name)?.value] as const)).toEqual(own);
    // The library's transform still removes only a Signature that is a direct child of the node it is given.
    const doc = xmldsigjs.Parse('<a><b><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"/></b></a>');
    const transform = new xmldsigjs.XmlDsigEnvelopedSignatureTransform();
    transform.LoadInnerXml(doc.documentElement);
    transform.GetOutput();
    expect(doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature').length).toBe(1);
  });
});
