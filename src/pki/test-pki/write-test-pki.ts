/**
 * Writes a generated test PKI to a directory (`edx pki init DIR`): trust anchors, CA certificates, CRLs, every
 * identity as certificate PEM + private key PEM + PKCS#12, and index.json listing each file and the password.
 * Everything written is TEST material: the keys are fresh and worthless outside tests.
 */
import { webcrypto } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { certificatesDer } from '../certificate-parse.js';
import { summarizeCertificate } from '../certificate-summary.js';
import { writePkcs12 } from './pkcs12-writer.js';
import { toPem, type TestIdentity, type TestPki } from './generate-test-pki.js';

export interface TestPkiIndex {
  warning: string;
  generatedAt: string;
  password: string;
  urls: TestPki['urls'];
  trustDir: string;
  crls: Record<'root' | 'subordinate' | 'subordinateExpired', string>;
  revoked: Array<{ serial: string; revokedAt: string; reason: number }>;
  identities: Array<{
    name: string;
    description: string;
    keyAlgorithm: string;
    subject: string;
    serialNumber: string;
    organId?: string;
    notAfter: string;
    files: { certificate: string; chain: string; privateKey: string; pkcs12: string };
  }>;
}

async function importKey(pem: string, kind: string): Promise<webcrypto.CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const algorithm = kind === 'EC' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  return webcrypto.subtle.importKey('pkcs8', der, algorithm, true, ['sign']);
}

/**
 * Reads back a test PKI written by writeTestPki (for `edx pki serve DIR`): certificates, keys, CRLs and the revoked
 * list. Issuing more certificates needs the generator's state, so issueAgency/issueOfficial refuse here.
 */
export async function readTestPki(dir: string): Promise<TestPki> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as TestPkiIndex;
  const identities = new Map<string, TestIdentity>();
  for (const entry of index.identities) {
    const chainPem = await readFile(join(dir, entry.files.chain), 'latin1');
    const chain = certificatesDer(Buffer.from(chainPem, 'latin1'));
    identities.set(entry.name, {
      name: entry.name, description: entry.description, keyAlgorithm: entry.keyAlgorithm === 'EC' ? 'EC' : 'RSA',
      certificate: chain[0]!, chain, serialNumber: entry.serialNumber, ...(entry.organId ? { organId: entry.organId } : {}),
      privateKey: await importKey(await readFile(join(dir, entry.files.privateKey), 'utf8'), entry.keyAlgorithm),
    });
  }
  const need = (name: string): TestIdentity => {
    const found = identities.get(name);
    if (!found) throw new Error(`${dir}/index.json lists no identity "${name}"`);
    return found;
  };
  const refuse = async (): Promise<TestIdentity> => {
    throw new Error('A test PKI read from disk cannot issue new certificates; generate a new one with edx pki init.');
  };
  const named = Object.fromEntries([...identities].filter(([name]) => name !== 'root' && name !== 'subordinate')) as TestPki['identities'];
  return {
    root: need('root'),
    subordinate: need('subordinate'),
    identities: named,
    crls: {
      root: await readFile(join(dir, index.crls.root)),
      subordinate: await readFile(join(dir, index.crls.subordinate)),
      subordinateExpired: await readFile(join(dir, index.crls.subordinateExpired)),
    },
    revoked: (index.revoked ?? []).map((r) => ({ serial: r.serial, revokedAt: new Date(r.revokedAt), reason: r.reason })),
    extraIdentities: [],
    password: index.password,
    urls: index.urls,
    issueAgency: refuse,
    issueOfficial: refuse,
    pkcs12: (identity, pass) => writePkcs12(identity.privateKey, identity.chain, pass ?? index.password, identity.name),
    async privateKeyPem(identity) {
      return toPem(Buffer.from(await webcrypto.subtle.exportKey('pkcs8', identity.privateKey)), 'PRIVATE KEY');
    },
  };
}

export async function writeTestPki(pki: TestPki, dir: string): Promise<TestPkiIndex> {
  for (const sub of ['trust', 'ca', 'crl', 'certs', 'keys', 'p12']) await mkdir(join(dir, sub), { recursive: true });
  await writeFile(join(dir, 'trust', 'root-ca-g2-test.pem'), toPem(pki.root.certificate));
  await writeFile(join(dir, 'ca', 'subordinate-ca-g2-test.pem'), toPem(pki.subordinate.certificate));
  const crls = { root: 'crl/root.crl', subordinate: 'crl/subordinate.crl', subordinateExpired: 'crl/subordinate-expired.crl' };
  await writeFile(join(dir, crls.root), pki.crls.root);
  await writeFile(join(dir, crls.subordinate), pki.crls.subordinate);
  await writeFile(join(dir, crls.subordinateExpired), pki.crls.subordinateExpired);
  const all: TestIdentity[] = [pki.root, pki.subordinate, ...Object.values(pki.identities)];
  const identities: TestPkiIndex['identities'] = [];
  for (const identity of all) {
    const files = { certificate: `certs/${identity.name}.pem`, chain: `certs/${identity.name}.chain.pem`, privateKey: `keys/${identity.name}.key.pem`, pkcs12: `p12/${identity.name}.p12` };
    await writeFile(join(dir, files.certificate), toPem(identity.certificate));
    await writeFile(join(dir, files.chain), identity.chain.map((c) => toPem(c)).join(''));
    await writeFile(join(dir, files.privateKey), await pki.privateKeyPem(identity), { mode: 0o600 });
    await writeFile(join(dir, files.pkcs12), await pki.pkcs12(identity), { mode: 0o600 });
    const summary = summarizeCertificate(identity.certificate);
    identities.push({
      name: identity.name, description: identity.description, keyAlgorithm: identity.keyAlgorithm, subject: summary.subject,
      serialNumber: identity.serialNumber, ...(identity.organId ? { organId: identity.organId } : {}), notAfter: summary.notAfter, files,
    });
  }
  const index: TestPkiIndex = {
    warning: 'TEST PKI: fresh keys for tests and demos only. Never trust this root outside a test system.',
    generatedAt: new Date().toISOString(),
    password: pki.password,
    urls: pki.urls,
    trustDir: 'trust',
    crls,
    revoked: pki.revoked.map((r) => ({ serial: r.serial, revokedAt: r.revokedAt.toISOString(), reason: r.reason })),
    identities,
  };
  await writeFile(join(dir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  return index;
}
