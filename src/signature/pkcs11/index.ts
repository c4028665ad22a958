export { openPkcs11Signer, type Pkcs11Signer, type Pkcs11SignerOptions } from './pkcs11-signer.js';
export { PKCS11_CODES, Pkcs11SignerError, type Pkcs11Code } from './pkcs11-error.js';
