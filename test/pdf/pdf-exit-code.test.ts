import { describe, expect, it } from 'vitest';
import { pdfExitCodeOf, type PdfVerificationReport } from '../../src/signature/pdf/index.js';

const reportWith = (valid: boolean, code: string) => ({ valid, code, message: '', warnings: [], signatures: [] }) as unknown as PdfVerificationReport;

describe('edx pdf verify exit codes', () => {
  it('0 valid, 2 when revocation or the check could not be established, 1 for any other failure', () => {
    expect(pdfExitCodeOf(reportWith(true, 'SIG_OK'))).toBe(0);
    for (const code of ['SIG_REVOCATION_UNKNOWN', 'SIG_OCSP_UNAVAILABLE', 'SIG_CRL_EXPIRED', 'PDF_CHECK_FAILED']) {
      expect(pdfExitCodeOf(reportWith(false, code))).toBe(2);
    }
    for (const code of ['SIG_CERT_REVOKED', 'PDF_MODIFIED_AFTER_SIGNING', 'SIG_CERT_UNTRUSTED']) {
      expect(pdfExitCodeOf(reportWith(false, code))).toBe(1);
    }
  });
});
