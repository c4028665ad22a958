/**
 * The one seam private keys sit behind. Today a PKCS#12 file; later a token, an HSM or a remote signing service.
 * Callers get signatures, never keys: an implementation must not expose, log or serialise its private key.
 */
export type SignatureAlgorithmName = 'rsa-sha256' | 'rsa-sha1' | 'ecdsa-sha256';

export interface Signer {
  /** Signer certificate first, then its issuers (DER), as they should appear in KeyInfo or a CMS SignedData. */
  readonly certificateChain: readonly Uint8Array[];
  readonly keyAlgorithm: 'RSA' | 'EC';
  /**
   * Signs `data` (not a digest) with the named algorithm. ECDSA signatures are returned in the IEEE P1363 (r||s)
   * form XMLDSig uses; `format: 'der'` gives the DER form CMS uses.
   */
  sign(data: Uint8Array, algorithm: SignatureAlgorithmName, format?: 'p1363' | 'der'): Promise<Uint8Array>;
}
