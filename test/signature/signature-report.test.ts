import { describe, expect, it } from 'vitest';
import { SIGNATURE_CODES, exitCodeOf } from '../../src/signature/index.js';

describe('signature report contract', () => {
  it('keeps every stable code unique and prefixed SIG_', () => {
    expect(new Set(SIGNATURE_CODES).size).toBe(SIGNATURE_CODES.length);
    for (const code of SIGNATURE_CODES) expect(code).toMatch(/^SIG_[A-Z0-9_]+$/);
  });

  it('maps a valid report to exit 0, unknown revocation to 2 and any other failure to 1', () => {
    expect(exitCodeOf({ valid: true, code: 'SIG_OK', message: '', warnings: [] })).toBe(0);
    expect(exitCodeOf({ valid: false, code: 'SIG_REVOCATION_UNKNOWN', message: '', warnings: [] })).toBe(2);
    expect(exitCodeOf({ valid: false, code: 'SIG_OCSP_UNAVAILABLE', message: '', warnings: [] })).toBe(2);
    expect(exitCodeOf({ valid: false, code: 'SIG_CRL_EXPIRED', message: '', warnings: [] })).toBe(2);
    expect(exitCodeOf({ valid: false, code: 'SIG_WRAPPING', message: '', warnings: [] })).toBe(1);
  });
});
