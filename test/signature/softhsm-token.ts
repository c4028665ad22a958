/**
 * A SoftHSM2 token of its own per test file: a private SOFTHSM2_CONF and token directory under the OS temp dir, the
 * token initialised with softhsm2-util, keys imported with softhsm2-util and certificates written with OpenSC's
 * pkcs11-tool, exactly as an operator would load a real token. Test PINs only.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestIdentity, TestPki } from '../../src/pki/test-pki/index.js';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

export interface SoftHsmToken {
  label: string;
  pin: string;
  /** SOFTHSM2_CONF for this token: set it in the environment of whatever loads the module. */
  conf: string;
  dispose(): void;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync(command, args, { env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}${result.stdout}`);
}

/** A token holding each identity's key and certificate (under the identity's name) and the CA certificates. */
export async function softHsmToken(pki: TestPki, identities: TestIdentity[], label = 'edx-test'): Promise<SoftHsmToken> {
  const dir = mkdtempSync(join(tmpdir(), 'edx-softhsm-'));
  mkdirSync(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  const pin = '246810';
  run('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', '13579135', '--pin', pin], env);
  const tool = (args: string[]) => run('pkcs11-tool', ['--module', SOFTHSM_MODULE, '--token-label', label, '--login', '--pin', pin, ...args], env);
  for (const [i, identity] of identities.entries()) {
    const id = (i + 1).toString(16).padStart(2, '0');
    const key = join(dir, `${identity.name}.key.pem`);
    const cert = join(dir, `${identity.name}.der`);
    writeFileSync(key, await pki.privateKeyPem(identity), { mode: 0o600 });
    writeFileSync(cert, identity.certificate);
    run('softhsm2-util', ['--import', key, '--token', label, '--label', identity.name, '--id', id, '--pin', pin], env);
    tool(['--write-object', cert, '--type', 'cert', '--id', id, '--label', identity.name]);
    rmSync(key);
  }
  const ca = join(dir, 'subordinate.der');
  writeFileSync(ca, pki.subordinate.certificate);
  tool(['--write-object', ca, '--type', 'cert', '--id', 'ca01', '--label', 'subordinate-ca']);
  return { label, pin, conf, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
