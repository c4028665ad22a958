/** XMLDSig on edXML packages: sign, verify, and the streaming canonicalizer behind both. */
export { signPackage } from './sign-package.js';
export { verifyPackage, type VerifyOptions } from './verify-package.js';
export { canonicalize, canonicalBytes, BufferedSink, type C14nMode, type C14nOptions, type C14nSink } from './canonicalizer.js';
export { XmlScanError } from './xml-scanner.js';
export { cachingValidator } from './caching-validator.js';
export { keySigner } from './key-signer.js';
export { packageCertificates } from './package-certificates.js';
