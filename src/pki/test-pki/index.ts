export { generateTestPki, toPem, TEST_ROOT_NAME, TEST_SUBORDINATE_NAME } from './generate-test-pki.js';
export type { TestIdentity, TestIdentityName, TestPki, TestPkiOptions, RevokedSerial } from './generate-test-pki.js';
export { startTestPkiServer } from './test-pki-server.js';
export type { ServeOptions, TestPkiServer } from './test-pki-server.js';
export { answerOcspRequest } from './ocsp-responder.js';
export type { OcspAnswer, OcspResponderOptions } from './ocsp-responder.js';
export { writePkcs12 } from './pkcs12-writer.js';
export { readTestPki, writeTestPki } from './write-test-pki.js';
export type { TestPkiIndex } from './write-test-pki.js';
