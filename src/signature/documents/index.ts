export { verifyDocumentSignatures, type DocumentFile, type DocumentSignatureOptions } from './verify-document-signatures.js';
export { evaluateSignaturePolicy, SIGNATURE_POLICIES, SIGNATURE_POLICY_CODES, type PolicyDecision, type PolicyInput, type PolicyPlace, type PolicyWarning, type SignaturePolicyName } from './signature-policy.js';
export type { DocumentFileSignatures, DocumentSignature, DocumentSignaturesReport, DocumentSignaturesSummary, SignatureVerdict, SignerCertificate } from './document-signature-report.js';
