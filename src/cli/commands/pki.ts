/**
 * `edx pki init DIR` writes a fresh TEST PKI (certs/README.md), `edx pki serve DIR` serves its CRLs and an OCSP
 * responder on 127.0.0.1, and `edx pki inspect FILE` prints a certificate as a person reads it. Output is one JSON
 * object on stdout; errors are one JSON line on stderr with a stable code.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { isAxisError } from '../../errors/axis-error.js';
import { certificatesDer, summarizeCertificate } from '../../pki/index.js';
import { generateTestPki, readTestPki, startTestPkiServer, writeTestPki } from '../../pki/test-pki/index.js';

function fail(code: string, message: string): void {
  process.stderr.write(`${JSON.stringify({ ok: false, code, message })}\n`);
  process.exitCode = 1;
}

interface InitOptions { baseUrl: string; passEnv?: string; force?: boolean }

async function init(dir: string, opts: InitOptions): Promise<void> {
  if (existsSync(join(dir, 'index.json')) && !opts.force) {
    fail('PKI_DIR_NOT_EMPTY', `${dir} already holds a test PKI (index.json); pass --force to replace it.`);
    return;
  }
  const password = opts.passEnv ? process.env[opts.passEnv] : undefined;
  if (opts.passEnv && password === undefined) {
    // The same code as `edx sign` and `edx pdf sign` give for an unset --pass-env variable (docs/xmldsig.md).
    fail('SIG_P12_PASSWORD_MISSING', `The environment variable ${opts.passEnv} (the PKCS#12 password) is not set.`);
    return;
  }
  if (password !== undefined && !/^[\x20-\x7e]+$/.test(password)) {
    fail('PKI_PASSWORD_UNSUPPORTED', 'Use a printable ASCII password: PKCS#12 readers disagree on how to encode other characters.');
    return;
  }
  const pki = await generateTestPki({ baseUrl: opts.baseUrl, ...(password !== undefined ? { password } : {}) });
  const index = await writeTestPki(pki, dir);
  process.stdout.write(`${JSON.stringify({ ok: true, dir, trustDir: join(dir, index.trustDir), urls: index.urls, identities: index.identities.map((i) => i.name) })}\n`);
}

async function inspectCertificates(file: string): Promise<void> {
  try {
    const summaries = certificatesDer(await readFile(file)).map((der) => summarizeCertificate(der));
    process.stdout.write(`${JSON.stringify(summaries.length === 1 ? summaries[0] : summaries, null, 2)}\n`);
  } catch (error) {
    if (isAxisError(error)) fail(error.code, error.message);
    else fail('PKI_FILE_UNREADABLE', `Cannot read ${file}: ${(error as Error).message}`);
  }
}

/** Serves DIR's CRLs and an OCSP responder on 127.0.0.1, at the port its certificates name, until stopped. */
async function serve(dir: string, opts: { port?: string }): Promise<void> {
  let pki;
  try {
    pki = await readTestPki(dir);
  } catch (error) {
    fail('PKI_DIR_UNREADABLE', `${dir} does not hold a test PKI written by edx pki init (${(error as Error).message}).`);
    return;
  }
  const port = Number(opts.port ?? (new URL(pki.urls.ocsp).port || '80'));
  const server = await startTestPkiServer({ port });
  server.serve(pki);
  process.stdout.write(`${JSON.stringify({ ok: true, url: server.url, ocsp: `${server.url}/ocsp`, crls: [`${server.url}/crl/root.crl`, `${server.url}/crl/subordinate.crl`] })}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export function registerPkiCommands(program: Command): void {
  const pki = program.command('pki').description('Certificates: a test PKI for development, certificate inspection');
  pki
    .command('init')
    .argument('<dir>', 'directory to write the test PKI into')
    .option('--base-url <url>', 'where the CRLs (/crl/*.crl) and the OCSP responder (/ocsp) will be served', 'http://127.0.0.1:8089')
    .option('--pass-env <var>', 'environment variable holding the PKCS#12 password (default: edx-test-pki, listed in index.json)')
    .option('--force', 'replace a test PKI already in DIR')
    .description('Generate a TEST PKI (root -> subordinate -> agencies and officials, CRLs, PKCS#12) into DIR; see certs/README.md')
    .action(init);
  pki
    .command('serve')
    .argument('<dir>', 'a test PKI written by edx pki init')
    .option('--port <n>', 'port on 127.0.0.1 (default: the one in the certificates\' URLs)')
    .description('Serve the test PKI\'s CRLs and a development OCSP responder on 127.0.0.1 until interrupted')
    .action(serve);
  pki
    .command('inspect')
    .argument('<file>', 'certificate file (PEM, possibly several, or DER)')
    .description('Print a certificate as a person reads it: subject (UTF-8), issuer, validity, key usage, OrganId')
    .action(inspectCertificates);
}
