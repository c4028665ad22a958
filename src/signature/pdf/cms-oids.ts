/** Object identifiers of CMS (RFC 5652), ESS (RFC 5035) and the algorithms a PAdES signature uses. */
export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha1WithRSA: '1.2.840.113549.1.1.5',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  sha384WithRSA: '1.2.840.113549.1.1.12',
  sha512WithRSA: '1.2.840.113549.1.1.13',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
  ecPublicKey: '1.2.840.10045.2.1',
} as const;

/** node:crypto digest names by OID; SHA-1 is listed so it can be reported and refused, not silently unknown. */
export const DIGEST_BY_OID: Record<string, 'sha1' | 'sha256' | 'sha384' | 'sha512'> = {
  [OID.sha1]: 'sha1',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

/** Signature algorithms we verify: the key type they need and, where the OID names one, the digest they imply. */
export const SIGNATURE_BY_OID: Record<string, { key: 'RSA' | 'EC'; digest?: 'sha1' | 'sha256' | 'sha384' | 'sha512'; name: string }> = {
  [OID.rsaEncryption]: { key: 'RSA', name: 'rsa' },
  [OID.sha1WithRSA]: { key: 'RSA', digest: 'sha1', name: 'rsa-sha1' },
  [OID.sha256WithRSA]: { key: 'RSA', digest: 'sha256', name: 'rsa-sha256' },
  [OID.sha384WithRSA]: { key: 'RSA', digest: 'sha384', name: 'rsa-sha384' },
  [OID.sha512WithRSA]: { key: 'RSA', digest: 'sha512', name: 'rsa-sha512' },
  [OID.ecdsaWithSHA256]: { key: 'EC', digest: 'sha256', name: 'ecdsa-sha256' },
  [OID.ecdsaWithSHA384]: { key: 'EC', digest: 'sha384', name: 'ecdsa-sha384' },
  [OID.ecdsaWithSHA512]: { key: 'EC', digest: 'sha512', name: 'ecdsa-sha512' },
};
