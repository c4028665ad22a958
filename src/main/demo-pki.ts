/**
 * A throw-away test PKI for the demo, the gateway benchmark and the end-to-end tests: src/pki's generated government-
 * shaped hierarchy, its root written as the axis's trust anchor, and signers over the agency seal certificates
 * (which carry their OrganId, so the axis ties them to the sending agency). Never for production: keys live in memory.
 */
import { KeyObject, sign as nodeSign } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateTestPki, toPem, type TestIdentity, type TestPki } from '../pki/test-pki/generate-test-pki.js';
import type { Signer } from '../signature/signer.js';

export interface DemoPki {
  pki: TestPki;
  /** Holds the test root and subordinate CA certificates: point TRUST_ANCHORS_DIR here. */
  trustDir: string;
  signerOf(identity: TestIdentity): Signer;
}

/** A Signer over a key held in memory (test material only): ECDSA in P1363 form for XMLDSig, DER for CMS. */
export function memorySigner(identity: TestIdentity): Signer {
  const key = KeyObject.from(identity.privateKey);
  return {
    certificateChain: identity.chain,
    keyAlgorithm: identity.keyAlgorithm,
    async sign(data, _algorithm, format) {
      return nodeSign('sha256', data, { key, dsaEncoding: format === 'der' ? 'der' : 'ieee-p1363' });
    },
  };
}

export async function createDemoPki(trustDir: string): Promise<DemoPki> {
  const pki = await generateTestPki();
  await mkdir(trustDir, { recursive: true });
  // As an axis holds the government root and its subordinate CAs: packages usually carry only the signer's own certificate.
  await writeFile(path.join(trustDir, 'test-root.pem'), toPem(pki.root.certificate));
  await writeFile(path.join(trustDir, 'test-subordinate.pem'), toPem(pki.subordinate.certificate));
  return { pki, trustDir, signerOf: memorySigner };
}
