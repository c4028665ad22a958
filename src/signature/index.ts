export { SIGNATURE_CODES, exitCodeOf } from './signature-report.js';
export type { SignatureCode, SignatureReport, SignOptions, SignaturePolicy } from './signature-report.js';
export type { Signer, SignatureAlgorithmName } from './signer.js';
export { signPackage, verifyPackage, cachingValidator, keySigner, canonicalize, canonicalBytes, XmlScanError, type VerifyOptions, type C14nMode, type C14nOptions } from './xmldsig/index.js';
