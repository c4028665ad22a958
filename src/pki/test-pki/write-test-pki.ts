/**
 * Writes a generated test PKI to a directory (`edx pki init DIR`): trust anchors, CA certificates, CRLs, every
 * identity as certificate PEM + private key PEM + PKCS#12, and index.json listing each file and the password.
 * Everything written is TEST material: the keys are fresh and worthless outside tests.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { summarizeCertificate } from '../certificate-summary.js';
import { toPem, type TestIdentity, type TestPki } from './generate-test-pki.js';

export interface TestPkiIndex {
  warning: string;
  generatedAt: string;
  password: string;
  urls: TestPki['urls'];
  trustDir: string;
  crls: Record<'root' | 'subordinate' | 'subordinateExpired', string>;
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
    identities,
  };
  await writeFile(join(dir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  return index;
}
