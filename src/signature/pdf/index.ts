export { signPdf } from './pdf-signer.js';
export { verifyPdf } from './pdf-verifier.js';
export { PdfSignatureError } from './pdf-signature-error.js';
export { PDF_SIGNATURE_CODES, pdfExitCodeOf } from './pdf-report.js';
export type { PdfAppearanceOptions, PdfSignatureCode, PdfSignatureReport, PdfSignerRole, PdfSignOptions, PdfVerificationReport, PdfVerifyOptions } from './pdf-report.js';
