/**
 * Development only: when no PKCS#12 is configured the axis makes its own identity once, a dev root and an axis
 * certificate issued by it, and keeps them under `dataDir/axis/` so receipts stay verifiable across restarts.
 * The root certificate alone goes to `dataDir/axis/trust/`, the trust directory for `edx receipt verify`.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';
import { AxisError } from '../errors/axis-error.js';

const KEY_FILE = 'axis-key.pem';
const CERT_FILE = 'axis-cert.pem';
const ROOT_KEY_FILE = 'dev-root-key.pem';
const ROOT_CERT_FILE = join('trust', 'axis-dev-root.pem');

export function axisDir(dataDir: string): string {
  return join(dataDir, 'axis');
}

/** The directory of trust anchors a dev axis's receipts verify against. */
export function devTrustDir(dataDir: string): string {
  return join(axisDir(dataDir), 'trust');
}

interface KeyPem {
  publicPem: string;
  privatePem: string;
}

function rsaKeys(): KeyPem {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function certificate(input: { subjectCn: string; subject: KeyPem; issuer?: { cert: forge.pki.Certificate; privatePem: string }; years: number; ca: boolean }): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(input.subject.publicPem);
  // Positive serial: a leading 0x01 keeps the high bit clear.
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 3600_000);
  cert.validity.notAfter = new Date(now.getTime() + input.years * 365 * 86_400_000);
  const attrs = [
    { shortName: 'C', value: 'VN' },
    { shortName: 'O', value: 'Document axis (development)' },
    { shortName: 'CN', value: input.subjectCn },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(input.issuer ? input.issuer.cert.subject.attributes : attrs);
  cert.setExtensions(input.ca
    ? [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }, { name: 'subjectKeyIdentifier' }]
    : [{ name: 'basicConstraints', cA: false, critical: true }, { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true }, { name: 'subjectKeyIdentifier' }]);
  const signingPem = input.issuer?.privatePem ?? input.subject.privatePem;
  cert.sign(forge.pki.privateKeyFromPem(signingPem) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return cert;
}

function derOfPem(pem: string): Buffer {
  return Buffer.from(new X509Certificate(pem).raw);
}

async function generateInto(dir: string): Promise<void> {
  const rootKeys = rsaKeys();
  const root = certificate({ subjectCn: 'Document axis development root', subject: rootKeys, years: 20, ca: true });
  const axisKeys = rsaKeys();
  const axis = certificate({ subjectCn: 'Document axis receipts (development)', subject: axisKeys, issuer: { cert: root, privatePem: rootKeys.privatePem }, years: 10, ca: false });
  await mkdir(join(dir, 'trust'), { recursive: true });
  await writeFile(join(dir, ROOT_KEY_FILE), rootKeys.privatePem, { mode: 0o600 });
  await writeFile(join(dir, KEY_FILE), axisKeys.privatePem, { mode: 0o600 });
  await writeFile(join(dir, CERT_FILE), forge.pki.certificateToPem(axis) + forge.pki.certificateToPem(root));
  await writeFile(join(dir, ROOT_CERT_FILE), forge.pki.certificateToPem(root));
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
  await mkdir(dataDir, { recursive: true });
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
