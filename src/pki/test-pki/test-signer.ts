/**
 * A signer over a test identity's in-memory key, shaped like src/signature's Signer (structurally: src/pki must not
 * import src/signature, which imports src/pki). For tests, demos and benchmarks; production keys go through
 * openPkcs12Signer (or a token/HSM later).
 */
import { KeyObject, sign as nodeSign } from 'node:crypto';
import type { TestIdentity } from './generate-test-pki.js';

export interface TestSigner {
  readonly certificateChain: readonly Uint8Array[];
  readonly keyAlgorithm: 'RSA' | 'EC';
  sign(data: Uint8Array, algorithm: 'rsa-sha256' | 'rsa-sha1' | 'ecdsa-sha256', format?: 'p1363' | 'der'): Promise<Uint8Array>;
}

export function testSigner(identity: TestIdentity): TestSigner {
  const key = KeyObject.from(identity.privateKey);
  const keyAlgorithm = identity.keyAlgorithm;
  return {
    certificateChain: Object.freeze([...identity.chain]),
    keyAlgorithm,
    async sign(data, algorithm, format = 'p1363') {
      if ((algorithm === 'ecdsa-sha256') !== (keyAlgorithm === 'EC')) throw new Error(`A ${keyAlgorithm} key cannot make a ${algorithm} signature.`);
      const hash = algorithm === 'rsa-sha1' ? 'sha1' : 'sha256';
      return nodeSign(hash, data, keyAlgorithm === 'EC' ? { key, dsaEncoding: format === 'der' ? 'der' : 'ieee-p1363' } : key);
    },
  };
}
