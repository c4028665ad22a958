/**
 * Development only: when no TSA_URL is configured the axis time-stamps through the test TSA server on 127.0.0.1,
 * with a TSA certificate issued once by the development root (dev-axis-pki.ts) and kept under `dataDir/axis/`. Its
 * tokens then verify against the same trust directory as the receipts: `edx evidence verify --trust DATA_DIR/axis/trust`.
 */
import { randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { buildCertificate, generateKeyPair, TIME_STAMPING_EKU } from '../../pki/test-pki/certificate-builder.js';
import { toPem } from '../../pki/test-pki/generate-test-pki.js';
import { axisDir, loadOrCreateDevAxis } from '../dev-axis-pki.js';

/** Key and certificate in one file, renamed into place whole: two processes starting at once never pair one's key
 * with the other's certificate. */
const TSA_FILE = 'dev-tsa.pem';
const ROOT_KEY_FILE = 'dev-root-key.pem';
const ROOT_CERT_FILE = join('trust', 'axis-dev-root.pem');
const YEAR = 365 * 86_400_000;
const EC = { name: 'ECDSA', namedCurve: 'P-256' };

export interface DevTsa {
  certificate: Buffer;
  privateKey: webcrypto.CryptoKey;
  /** None: the dev root issues the TSA certificate directly. */
  intermediates: Buffer[];
}

function der(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

async function load(dir: string): Promise<DevTsa> {
  const pem = await readFile(join(dir, TSA_FILE), 'utf8');
  const keyPem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(pem)?.[0] ?? '';
  const certificate = Buffer.from(new X509Certificate(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0] ?? '').raw);
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der(keyPem), EC, true, ['sign']);
  return { certificate, privateKey, intermediates: [] };
}

async function issue(dir: string): Promise<void> {
  const rootCertificate = pkijs.Certificate.fromBER(der(await readFile(join(dir, ROOT_CERT_FILE), 'utf8')));
  const rootKey = await webcrypto.subtle.importKey('pkcs8', der(await readFile(join(dir, ROOT_KEY_FILE), 'utf8')), EC, false, ['sign']);
  const ski = rootCertificate.extensions?.find((e) => e.extnID === '2.5.29.14');
  const keyId = Buffer.from((asn1js.fromBER(ski!.extnValue.valueBlock.valueHexView).result as asn1js.OctetString).valueBlock.valueHexView);
  const keys = await generateKeyPair('EC');
  const now = Date.now();
  const built = await buildCertificate({
    subject: [['2.5.4.6', 'VN'], ['2.5.4.10', 'Document axis (development)'], ['2.5.4.3', 'Document axis time-stamping (development)']],
    publicKey: keys.publicKey,
    issuer: { name: rootCertificate.subject, privateKey: rootKey, keyId },
    notBefore: new Date(now - 3600_000), notAfter: new Date(now + 10 * YEAR),
    keyUsage: ['digitalSignature', 'nonRepudiation'], extKeyUsage: [TIME_STAMPING_EKU], extKeyUsageCritical: true,
  });
  const suffix = randomBytes(6).toString('hex');
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  await writeFile(join(dir, `${TSA_FILE}.${suffix}`), toPem(pkcs8, 'PRIVATE KEY') + toPem(built.der), { mode: 0o600 });
  await rename(join(dir, `${TSA_FILE}.${suffix}`), join(dir, TSA_FILE));
}

export async function loadOrCreateDevTsa(dataDir: string): Promise<DevTsa> {
  await loadOrCreateDevAxis(dataDir);
  const dir = axisDir(dataDir);
  try {
    return await load(dir);
  } catch {
    await issue(dir);
    return load(dir);
  }
}
