/**
 * Development only: when no PKCS#12 is configured the axis makes its own identity once, a dev root and an axis
 * certificate issued by it, and keeps them under `dataDir/axis/` so receipts stay verifiable across restarts.
 * The root certificate alone goes to `dataDir/axis/trust/`, the trust directory for `edx receipt verify`.
 */
import { createPrivateKey, randomBytes, webcrypto, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AxisError } from '../errors/axis-error.js';
import { buildCertificate, generateKeyPair } from '../pki/test-pki/certificate-builder.js';
import { toPem } from '../pki/test-pki/generate-test-pki.js';

const KEY_FILE = 'axis-key.pem';
const CERT_FILE = 'axis-cert.pem';
const ROOT_KEY_FILE = 'dev-root-key.pem';
const ROOT_CERT_FILE = join('trust', 'axis-dev-root.pem');
const YEAR = 365 * 86_400_000;

export function axisDir(dataDir: string): string {
  return join(dataDir, 'axis');
}

/** The directory of trust anchors a dev axis's receipts verify against. */
export function devTrustDir(dataDir: string): string {
  return join(axisDir(dataDir), 'trust');
}

async function pkcs8Pem(key: webcrypto.CryptoKey): Promise<string> {
  return toPem(new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', key)), 'PRIVATE KEY');
}

/**
 * ECDSA P-256: every receipt is signed inside the store's transaction, and a P-256 signature costs a small fraction
 * of an RSA-2048 one (the gateway seals several receipts per accepted package). Verifiers accept either.
 */
async function generateInto(dir: string): Promise<void> {
  const now = Date.now();
  const dev: [string, string][] = [['2.5.4.6', 'VN'], ['2.5.4.10', 'Document axis (development)']];
  const rootKeys = await generateKeyPair('EC');
  const root = await buildCertificate({
    subject: [...dev, ['2.5.4.3', 'Document axis development root']],
    publicKey: rootKeys.publicKey, selfPrivateKey: rootKeys.privateKey,
    notBefore: new Date(now - 3600_000), notAfter: new Date(now + 20 * YEAR),
    keyUsage: ['keyCertSign', 'cRLSign'], ca: {},
  });
  const axisKeys = await generateKeyPair('EC');
  const axis = await buildCertificate({
    subject: [...dev, ['2.5.4.3', 'Document axis receipts (development)']],
    publicKey: axisKeys.publicKey, issuer: { name: root.name, privateKey: rootKeys.privateKey, keyId: root.keyId },
    notBefore: new Date(now - 3600_000), notAfter: new Date(now + 10 * YEAR),
    keyUsage: ['digitalSignature', 'nonRepudiation'],
  });
  // Private whatever the umask: the directory holds the axis's keys.
  await mkdir(join(dir, 'trust'), { recursive: true, mode: 0o700 });
  await writeFile(join(dir, ROOT_KEY_FILE), await pkcs8Pem(rootKeys.privateKey), { mode: 0o600 });
  await writeFile(join(dir, KEY_FILE), await pkcs8Pem(axisKeys.privateKey), { mode: 0o600 });
  await writeFile(join(dir, CERT_FILE), toPem(axis.der) + toPem(root.der));
  await writeFile(join(dir, ROOT_CERT_FILE), toPem(root.der));
}

function derOfPem(pem: string): Buffer {
  return Buffer.from(new X509Certificate(pem).raw);
}

async function load(dir: string): Promise<{ privateKey: KeyObject; chainDer: Buffer[] }> {
  try {
    const privateKey = createPrivateKey(await readFile(join(dir, KEY_FILE)));
    const pems = (await readFile(join(dir, CERT_FILE), 'utf8')).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (pems.length === 0) throw new Error('no certificate');
    return { privateKey, chainDer: pems.map(derOfPem) };
  } catch (error) {
    throw new AxisError('LEDGER_IDENTITY_UNREADABLE', `The development axis identity in ${dir} is damaged: remove that directory to make a new one (older receipts then verify only against the old trust directory).`, { dir }, { cause: error });
  }
}

export async function loadOrCreateDevAxis(dataDir: string): Promise<{ privateKey: KeyObject; chainDer: Buffer[] }> {
  const dir = axisDir(dataDir);
  try {
    return await load(dir);
  } catch (error) {
    const missing = await readFile(join(dir, KEY_FILE)).then(() => false, () => true);
    if (!missing) throw error;
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // Built aside and renamed in whole, so a second process starting at the same moment never sees half an identity.
  const staging = join(dataDir, `.axis-${randomBytes(6).toString('hex')}`);
  try {
    await generateInto(staging);
    await rename(staging, dir).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return load(dir);
}
