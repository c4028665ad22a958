/**
 * Signing for the end-to-end tests: the test PKI of src/pki (its root the only trust anchor), the agency seals that
 * carry their OrganId, officials' certificates tied to an agency by fingerprint, and a second PKI nobody trusts.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { createDemoPki } from '../../src/main/demo-pki.js';
import { loadConfig } from '../../src/config/config.js';
import { createSignatureChecking } from '../../src/main/package-signature-check.js';
import type { DocumentSignatureCheck, PackageSignatureCheck } from '../../src/exchange/inspection/edxml-package-inspector.js';
import { verifyDocumentSignatures } from '../../src/signature/documents/index.js';
import type { TestPki } from '../../src/pki/test-pki/index.js';
import { generateTestPki, type TestIdentity, type TestIdentityName } from '../../src/pki/test-pki/generate-test-pki.js';
import { testSigner } from '../../src/pki/test-pki/index.js';
import { signPackage } from '../../src/signature/xmldsig/index.js';

export interface AgencySigner {
  sign(bytes: Uint8Array): Promise<Buffer>;
  /** SHA-256 of the certificate: register it with the agency when the certificate does not carry the OrganId. */
  fingerprint: string;
  carriesOrganId: boolean;
}

export interface TestSigning {
  verifySignature: PackageSignatureCheck;
  /** The signatures inside the documents (PDFs), checked as the gateway checks them. */
  verifyDocuments: DocumentSignatureCheck;
  /** The test PKI: officials' and agencies' identities to sign PDFs with. */
  pki: TestPki;
  /** The seal carrying this OrganId, or the next official certificate (to be registered by fingerprint). */
  agencySigner(organId: string): Promise<AgencySigner>;
  signUntrusted(bytes: Uint8Array): Promise<Buffer>;
  /** Stops the test PKI's CRL/OCSP server. */
  close(): Promise<void>;
}

const OFFICIALS: TestIdentityName[] = ['official-rsa', 'official-ec', 'wrong-key-usage'];

function signerFor(identity: TestIdentity): AgencySigner {
  const signer = testSigner(identity);
  return {
    sign: (bytes) => signPackage(bytes, signer),
    fingerprint: createHash('sha256').update(identity.certificate).digest('hex'),
    carriesOrganId: identity.organId !== undefined,
  };
}

export async function createTestSigning(dir: string): Promise<TestSigning> {
  // The test PKI's CRL/OCSP server runs, so signers are checked under the default policy (require, fail-closed).
  const demo = await createDemoPki(path.join(dir, 'trust'));
  const checking = await createSignatureChecking({ trustAnchorsDir: demo.trustDir, revocationPolicy: loadConfig({}).revocationPolicy });
  const verifySignature = checking.verify;
  const seals = Object.values(demo.pki.identities).filter((i) => i.organId !== undefined);
  let nextOfficial = 0;
  let stranger: TestIdentity | undefined;
  return {
    verifySignature,
    verifyDocuments: (files) => verifyDocumentSignatures(files, { validator: checking.validator, policy: checking.policy }),
    pki: demo.pki,
    async agencySigner(organId) {
      const seal = seals.find((s) => s.organId === organId);
      if (seal) return signerFor(seal);
      const name = OFFICIALS[nextOfficial++ % OFFICIALS.length]!;
      return signerFor(demo.pki.identities[name]);
    },
    async signUntrusted(bytes) {
      stranger ??= (await generateTestPki()).identities['agency-rsa'];
      return signerFor(stranger).sign(bytes);
    },
    close: () => demo.close(),
  };
}
