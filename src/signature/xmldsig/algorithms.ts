/** The XMLDSig algorithm identifiers the axis knows, and what each one means for a verifier. */
import type { SignatureAlgorithmName } from '../signer.js';
import type { C14nMode } from './canonicalizer.js';

export const ALG = {
  rsaSha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  rsaSha384: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384',
  rsaSha512: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  ecdsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  ecdsaSha384: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384',
  ecdsaSha512: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha384: 'http://www.w3.org/2001/04/xmldsig-more#sha384',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
  c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  c14nWithComments: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  excC14nWithComments: 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
} as const;

export interface SignatureMethod {
  key: 'RSA' | 'EC';
  hash: 'sha1' | 'sha256' | 'sha384' | 'sha512';
  legacy: boolean;
}

export const SIGNATURE_METHODS: ReadonlyMap<string, SignatureMethod> = new Map([
  [ALG.rsaSha1, { key: 'RSA', hash: 'sha1', legacy: true }],
  [ALG.rsaSha256, { key: 'RSA', hash: 'sha256', legacy: false }],
  [ALG.rsaSha384, { key: 'RSA', hash: 'sha384', legacy: false }],
  [ALG.rsaSha512, { key: 'RSA', hash: 'sha512', legacy: false }],
  [ALG.ecdsaSha256, { key: 'EC', hash: 'sha256', legacy: false }],
  [ALG.ecdsaSha384, { key: 'EC', hash: 'sha384', legacy: false }],
  [ALG.ecdsaSha512, { key: 'EC', hash: 'sha512', legacy: false }],
]);

export const DIGEST_METHODS: ReadonlyMap<string, { hash: 'sha1' | 'sha256' | 'sha384' | 'sha512'; legacy: boolean }> = new Map([
  [ALG.sha1, { hash: 'sha1', legacy: true }],
  [ALG.sha256, { hash: 'sha256', legacy: false }],
  [ALG.sha384, { hash: 'sha384', legacy: false }],
  [ALG.sha512, { hash: 'sha512', legacy: false }],
]);

export const CANONICALIZATIONS: ReadonlyMap<string, { mode: C14nMode; withComments: boolean }> = new Map([
  [ALG.c14n, { mode: 'inclusive', withComments: false }],
  [ALG.c14nWithComments, { mode: 'inclusive', withComments: true }],
  [ALG.excC14n, { mode: 'exclusive', withComments: false }],
  [ALG.excC14nWithComments, { mode: 'exclusive', withComments: true }],
]);

/** HMAC: a shared secret, not an official's certificate. Never a valid signature on a package. */
export function isHmac(uri: string): boolean {
  return /#hmac-/i.test(uri);
}

export const SIGN_ALGORITHMS: Record<SignatureAlgorithmName, { signature: string; digest: string }> = {
  'rsa-sha256': { signature: ALG.rsaSha256, digest: ALG.sha256 },
  'rsa-sha1': { signature: ALG.rsaSha1, digest: ALG.sha1 },
  'ecdsa-sha256': { signature: ALG.ecdsaSha256, digest: ALG.sha256 },
};
