/**
 * Bad input gets a stable code and never an exception: garbage, truncated files, unsigned PDFs, a ByteRange that
 * leaves bytes unsigned, a signature value that is not CMS, and PDFs signPdf cannot sign soundly.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAxisError } from '../../src/errors/axis-error.js';
import { pdfExitCodeOf, signPdf, verifyPdf, type PdfVerificationReport } from '../../src/signature/pdf/index.js';
import { minimalPdf } from '../fixtures/pdf/minimal-pdf.js';
import { openPdfTestPki, type PdfTestPki } from '../fixtures/pdf/pdf-test-pki.js';
import { expectPdfsigAgrees } from '../fixtures/pdf/pdfsig.js';

let pki: PdfTestPki;
let dir: string;
beforeAll(async () => {
  pki = await openPdfTestPki();
  dir = mkdtempSync(join(tmpdir(), 'edx-pdf-bad-'));
});
afterAll(async () => {
  await pki?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const verify = (bytes: Uint8Array, maxBytes?: number): Promise<PdfVerificationReport> =>
  verifyPdf(bytes, { validator: pki.validator, policy: pki.policy, ...(maxBytes ? { maxBytes } : {}) });

async function signCode(bytes: Uint8Array): Promise<string> {
  try {
    await signPdf(bytes, pki.officialRsa);
    return 'signed';
  } catch (error) {
    return isAxisError(error) ? error.code : `not an AxisError: ${String(error)}`;
  }
}

/** Replaces bytes in place, keeping the length (so offsets and the other signatures stay where they were). */
function overwrite(pdf: Buffer, find: string, replace: string): Buffer {
  expect(replace.length).toBe(find.length);
  const copy = Buffer.from(pdf);
  const at = copy.indexOf(find);
  expect(at).toBeGreaterThan(0);
  copy.write(replace, at, 'latin1');
  return copy;
}

describe('verifying what is not a signed PDF', () => {
  it('garbage, an empty file and a truncated PDF are PDF_NOT_PDF, exit 1', async () => {
    const signed = await signPdf(minimalPdf(), pki.officialRsa);
    for (const bytes of [randomBytes(4096), Buffer.alloc(0), signed.subarray(0, signed.length / 2), Buffer.from('%PDF-1.7\n<<<<<<<<[[[[((((\n%%EOF')]) {
      const report = await verify(bytes);
      expect([report.valid, report.signatures.length]).toEqual([false, 0]);
      expect(['PDF_NOT_PDF', 'PDF_NO_SIGNATURE']).toContain(report.code);
      expect(pdfExitCodeOf(report)).toBe(1);
      expectPdfsigAgrees(dir, `garbage-${bytes.length}`, bytes, report);
    }
    expect((await verify(randomBytes(100))).code).toBe('PDF_NOT_PDF');
  });

  it('an unsigned PDF is PDF_NO_SIGNATURE', async () => {
    const report = await verify(minimalPdf());
    expect(report).toMatchObject({ valid: false, code: 'PDF_NO_SIGNATURE', signatures: [] });
    expectPdfsigAgrees(dir, 'unsigned', minimalPdf(), report);
  });

  it('a file over the size limit is PDF_TOO_LARGE before it is parsed', async () => {
    expect((await verify(minimalPdf(), 100)).code).toBe('PDF_TOO_LARGE');
  });

  it('a ByteRange that leaves bytes outside /Contents unsigned is PDF_BYTERANGE_INVALID', async () => {
    const signed = await signPdf(minimalPdf(), pki.officialRsa);
    const range = /\/ByteRange \[0 (\d+) (\d+) (\d+)\s*\]/.exec(signed.toString('latin1'));
    const [whole, b, c, d] = range as unknown as [string, string, string, string];
    // The hole now starts 10 bytes earlier: those 10 bytes would be unsigned yet shown.
    const moved = `/ByteRange [0 ${Number(b) - 10} ${c} ${d}]`.padEnd(whole.length, ' ');
    const bytes = overwrite(signed, whole, moved);
    const report = await verify(bytes);
    expect(report).toMatchObject({ valid: false, code: 'PDF_BYTERANGE_INVALID' });
    expect(report.signatures[0]?.integrity).toBe('not-checked');
    expectPdfsigAgrees(dir, 'byterange-moved', bytes, report, { total: false });
  });

  it('a ByteRange reaching past the end of the file is PDF_BYTERANGE_INVALID', async () => {
    const signed = await signPdf(minimalPdf(), pki.officialRsa);
    const whole = /\/ByteRange \[0 \d+ \d+ \d+\s*\]/.exec(signed.toString('latin1'))?.[0] as string;
    const d = Number(/(\d+)\s*\]$/.exec(whole)?.[1]);
    const longer = whole.replace(/\d+(\s*)\]$/, (_, sp: string) => `${d + 1000}${sp.slice(String(d + 1000).length - String(d).length)}]`);
    const bytes = overwrite(signed, whole, longer);
    const report = await verify(bytes);
    expect(report.code).toBe('PDF_BYTERANGE_INVALID');
    expectPdfsigAgrees(dir, 'byterange-long', bytes, report, { total: false });
  });

  it('a /Contents that is not CMS is PDF_CMS_MALFORMED, and no exception escapes', async () => {
    const signed = await signPdf(minimalPdf(), pki.officialRsa);
    const at = signed.indexOf('/Contents <') + '/Contents <'.length;
    const broken = Buffer.from(signed);
    broken.write('3082ffff0102', at, 'latin1');
    const report = await verify(broken);
    expect(report).toMatchObject({ valid: false, code: 'PDF_CMS_MALFORMED' });
    expectPdfsigAgrees(dir, 'cms-malformed', broken, report, { total: false });
  });
});

describe('when the certificate check itself fails', () => {
  it('a validator that throws gives PDF_CHECK_FAILED (exit 2: could not check), not an exception', async () => {
    const signed = await signPdf(minimalPdf(), pki.officialRsa);
    const broken = { validate: async (): Promise<never> => Promise.reject(new Error('trust store unavailable')) };
    const report = await verifyPdf(signed, { validator: broken });
    expect(report).toMatchObject({ valid: false, code: 'PDF_CHECK_FAILED' });
    expect(report.message).toContain('trust store unavailable');
    expect(pdfExitCodeOf(report)).toBe(2);
  });
});

describe('mangled signed PDFs', () => {
  it('never make verifyPdf throw, and never come out valid', async () => {
    const sealed = await signPdf(await signPdf(minimalPdf(), pki.officialRsa), pki.agencySeal);
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const ranges = [...sealed.toString('latin1').matchAll(/\/ByteRange \[0 (\d+) (\d+) (\d+)/g)].map((m) => m.slice(1).map(Number) as [number, number, number]);
    // The only bytes nobody signed: the zero padding inside each /Contents after the CMS (pdfsig ignores it too).
    const unsigned = (at: number): boolean => ranges.some(([b, c]) => at > b && at < c - 1);
    const codes = new Set<string>();
    for (let i = 0; i < 150; i++) {
      const copy = Buffer.from(sealed);
      const at = next(copy.length);
      const truncated = i % 10 === 9;
      if (i % 3 === 0) copy.fill(0x5b, at, Math.min(copy.length, at + 1 + next(40)));
      else copy[at] = next(256);
      const report = await verify(truncated ? sealed.subarray(0, at) : copy);
      codes.add(report.code);
      if (report.valid && truncated) expect(ranges.map(([, c, d]) => c + d)).toContain(at);
      if (report.valid && !truncated) expect(copy.equals(sealed) || unsigned(at), `byte ${at} changed and the report is valid`).toBe(true);
    }
    expect(codes.size).toBeGreaterThan(2);
  });
});

describe('signing what cannot be signed soundly', () => {
  it('garbage is PDF_NOT_PDF', async () => {
    expect(await signCode(randomBytes(2048))).toBe('PDF_NOT_PDF');
  });

  it('a PDF whose cross-reference stream names no catalog is PDF_STRUCTURE_UNSUPPORTED', async () => {
    const stream = '%PDF-1.5\n1 0 obj\n<< /Type /XRef /Size 1 /W [1 2 1] /Length 0 >>\nstream\n\nendstream\nendobj\nstartxref\n9\n%%EOF\n';
    expect(await signCode(Buffer.from(stream, 'latin1'))).toBe('PDF_STRUCTURE_UNSUPPORTED');
  });

  it('an encrypted PDF is PDF_STRUCTURE_UNSUPPORTED', async () => {
    const encrypted = Buffer.from(minimalPdf().toString('latin1').replace('/Root 1 0 R', '/Root 1 0 R /Encrypt 6 0 R'), 'latin1');
    expect(await signCode(encrypted)).toBe('PDF_STRUCTURE_UNSUPPORTED');
  });

  it('a signer without a certificate is PDF_SIGNER_UNUSABLE', async () => {
    const code = await signPdf(minimalPdf(), { ...pki.officialRsa, certificateChain: [], keyAlgorithm: 'RSA', sign: pki.officialRsa.sign.bind(pki.officialRsa) }).then(
      () => 'signed',
      (e: unknown) => (isAxisError(e) ? e.code : String(e)),
    );
    expect(code).toBe('PDF_SIGNER_UNUSABLE');
  });
});
