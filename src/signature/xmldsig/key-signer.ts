/**
 * A Signer over a private key already in memory (demo PKI, tests, a key unwrapped by another component), for callers
 * that do not go through PKCS#12 (src/signature/pkcs12-signer.ts). The key stays in this closure: it is not a
 * property, so it is never enumerated, serialised or logged; JSON shows only the certificates.
 */
import { KeyObject, sign as nodeSign, type webcrypto } from 'node:crypto';
import type { Signer, SignatureAlgorithmName } from '../signer.js';

const HASH: Record<SignatureAlgorithmName, string> = { 'rsa-sha256': 'sha256', 'rsa-sha1': 'sha1', 'ecdsa-sha256': 'sha256' };

export function keySigner(privateKey: KeyObject | webcrypto.CryptoKey, certificateChain: readonly Uint8Array[]): Signer {
  const key = privateKey instanceof KeyObject ? privateKey : KeyObject.from(privateKey);
  if (key.type !== 'private') throw new TypeError('keySigner needs a private key');
  const keyAlgorithm = key.asymmetricKeyType === 'ec' ? 'EC' : 'RSA';
  const chain = certificateChain.map((der) => Buffer.from(der));
  return {
    certificateChain: chain,
    keyAlgorithm,
    async sign(data: Uint8Array, algorithm: SignatureAlgorithmName, format: 'p1363' | 'der' = 'p1363'): Promise<Uint8Array> {
      if ((algorithm === 'ecdsa-sha256') !== (keyAlgorithm === 'EC')) throw new TypeError(`A ${keyAlgorithm} key cannot make a ${algorithm} signature`);
      return nodeSign(HASH[algorithm], data, keyAlgorithm === 'EC' ? { key, dsaEncoding: format === 'der' ? 'der' : 'ieee-p1363' } : key);
    },
    toJSON: () => ({ keyAlgorithm, certificates: chain.length }),
  } as Signer & { toJSON(): unknown };
}
