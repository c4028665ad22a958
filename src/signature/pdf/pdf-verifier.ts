/**
 * verifyPdf: every signature dictionary in a PDF, checked the way a careful reader checks it. ByteRange sanity
 * (the hole is exactly this signature's /Contents), the messageDigest over the signed bytes, the CMS signature
 * value, what was appended after the signed range, then the signer's chain and revocation through the
 * CertificateValidator. Never throws for bad input: every outcome is a coded report.
 */
import type { CertificateSummary } from '../../pki/types.js';
import { scanObjects } from './pdf-objects.js';
import { checkCmsIntegrity, isCmsFailure, parseCms } from './cms-signed-data-reader.js';
import { changesAfter, rootBefore } from './pdf-revision-changes.js';
import type { PdfSignatureReport, PdfVerificationReport, PdfVerifyOptions } from './pdf-report.js';
import { findSignatureDictionaries, parsePdfDate, type SignatureDictionary } from './pdf-signature-dictionaries.js';
import { looksLikePdf } from './pdf-sniff.js';
import { checkSigner } from './pdf-signer-identity.js';

const DEFAULT_MAX_BYTES = 100 * 1024 * 1024;

interface Checked {
  report: PdfSignatureReport;
  end: number;
}

function report(partial: Partial<PdfSignatureReport> & Pick<PdfSignatureReport, 'code' | 'message'>): PdfSignatureReport {
  // Key order is for the person reading the JSON: verdict first, details after.
  const { valid = false, code, message, ...rest } = partial;
  return { index: 0, valid, code, message, coversWholeDocument: false, modifiedAfterSigning: false, integrity: 'not-checked', warnings: [], ...rest };
}

function describe(sig: SignatureDictionary): Partial<PdfSignatureReport> {
  const out: Partial<PdfSignatureReport> = {};
  if (sig.fieldName !== undefined) out.fieldName = sig.fieldName;
  if (sig.subFilter !== undefined) out.subFilter = sig.subFilter;
  if (sig.name !== undefined) out.name = sig.name;
  if (sig.reason !== undefined) out.reason = sig.reason;
  if (sig.location !== undefined) out.location = sig.location;
  return out;
}

/** ByteRange [0 a b c]: starts at 0, leaves out exactly this dictionary's /Contents hex string, stays in the file. */
function checkByteRange(buf: Buffer, sig: SignatureDictionary): { range: number[] } | { message: string } {
  const br = sig.byteRange;
  if (br?.kind !== 'array' || br.items.length !== 4) return { message: 'The /ByteRange is not four numbers.' };
  const range = br.items.map((i) => (i.kind === 'number' && Number.isSafeInteger(i.value) && i.value >= 0 ? i.value : -1));
  const [a, b, c, d] = range as [number, number, number, number];
  if (range.includes(-1)) return { message: 'The /ByteRange holds something other than non-negative integers.' };
  if (a !== 0) return { message: 'The /ByteRange does not start at the beginning of the file.' };
  if (c + d > buf.length) return { message: 'The /ByteRange reaches past the end of the file.' };
  const contents = sig.contents;
  if (contents?.kind !== 'string' || !contents.hex) return { message: 'The /Contents is not a hex string.' };
  if (b !== contents.start || c !== contents.end) {
    return { message: 'The /ByteRange does not leave out exactly the signature value: bytes outside the signature are unsigned.' };
  }
  return { range };
}

async function checkOne(buf: Buffer, sig: SignatureDictionary, options: PdfVerifyOptions): Promise<Checked> {
  const base = describe(sig);
  if (sig.superseded) base.warnings = ['A later revision replaced this signature dictionary; the field now shows another one.'];
  if (sig.unreadable) {
    return { report: report({ ...base, code: 'PDF_SIGNATURE_INVALID', message: `The signature field points at object ${sig.objectNumber}, which is not a readable signature dictionary.` }), end: buf.length };
  }
  const br = checkByteRange(buf, sig);
  if ('message' in br) return { report: report({ ...base, code: 'PDF_BYTERANGE_INVALID', message: br.message }), end: buf.length };
  const [, b, c, d] = br.range as [number, number, number, number];
  const end = c + d;
  const common = { ...base, byteRange: br.range, coversWholeDocument: end === buf.length };
  const contents = sig.contents?.kind === 'string' ? sig.contents.bytes : Buffer.alloc(0);
  const cms = parseCms(contents);
  if (isCmsFailure(cms)) return { report: report({ ...common, code: cms.code, message: cms.message }), end };
  const signingTime = sig.m !== undefined ? parsePdfDate(sig.m) : undefined;
  const timed: Partial<PdfSignatureReport> = { digestAlgorithm: cms.digest, signatureAlgorithm: cms.signatureAlgorithm, warnings: [...(base.warnings ?? []), ...cms.warnings] };
  if (signingTime) Object.assign(timed, { signingTime, signingTimeSource: 'pdf-M' });
  else if (cms.signingTime) Object.assign(timed, { signingTime: cms.signingTime.toISOString(), signingTimeSource: 'cms-signingTime' });
  if (sig.subFilter === 'ETSI.CAdES.detached' && !cms.essCertHash) timed.warnings?.push('No signingCertificateV2 attribute: not a PAdES baseline signature.');
  const failure = checkCmsIntegrity(cms, [buf.subarray(0, b), buf.subarray(c, end)]);
  if (failure) {
    const integrity = failure.code === 'PDF_DIGEST_MISMATCH' ? 'digest-mismatch' : 'signature-invalid';
    return { report: report({ ...common, ...timed, integrity, code: failure.code, message: failure.message }), end };
  }
  const identity = await checkSigner(cms, { ...options, policy: policyAt(options, timed) });
  return { report: report({ ...common, ...timed, ...identity, warnings: [...(timed.warnings ?? []), ...identity.warnings], integrity: 'valid' }), end };
}

/** Allowed clock difference between a signer's device and ours before a signing time counts as "in the future". */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * The instant the signer's certificate is judged at: `validityAt: 'signing-time'` takes the claimed signing time
 * (PAdES-B has no timestamp: a document signed while the certificate was valid stays valid after it expires, as
 * Decree 30 reads it; revocation is still refused whatever the date), unless it lies in the future.
 */
function policyAt(options: PdfVerifyOptions, timed: Partial<PdfSignatureReport>): PdfVerifyOptions['policy'] {
  if (options.validityAt !== 'signing-time' || timed.signingTime === undefined) return options.policy;
  const claimed = new Date(timed.signingTime);
  if (Number.isNaN(claimed.getTime()) || claimed.getTime() > Date.now() + CLOCK_SKEW_MS) {
    timed.warnings?.push('The claimed signing time is in the future: the certificate was judged at the time of checking.');
    return options.policy;
  }
  return { ...options.policy, at: claimed };
}

function markModifications(buf: Buffer, checked: Checked[]): void {
  for (const { report: r, end } of checked) {
    if (r.coversWholeDocument || !r.byteRange) continue;
    const changes = changesAfter(buf, end, rootBefore(buf, end));
    if (changes.signaturesOnly) {
      r.warnings.push('The document was extended after this signature, but only by signatures or document metadata.');
      continue;
    }
    r.modifiedAfterSigning = true;
    if (r.integrity === 'valid') {
      r.valid = false;
      r.code = 'PDF_MODIFIED_AFTER_SIGNING';
      r.message = `The document was changed after this signature: ${changes.changes.join('; ')}.`;
    }
  }
}

/** Only valid signatures say who signed: an invalid one proves nothing about its claimed signer. */
function signersIn(reports: PdfSignatureReport[], role: PdfSignatureReport['role']): CertificateSummary[] {
  return reports.flatMap((r) => (r.valid && r.role === role && r.signer ? [r.signer] : []));
}

export async function verifyPdf(pdfBytes: Uint8Array, options: PdfVerifyOptions): Promise<PdfVerificationReport> {
  const buf = Buffer.from(pdfBytes.buffer, pdfBytes.byteOffset, pdfBytes.byteLength);
  const empty = { fileSize: buf.length, signatures: [], officials: [], agencySeals: [], warnings: [] };
  const max = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (buf.length > max) return { valid: false, code: 'PDF_TOO_LARGE', message: `The PDF is larger than the ${max}-byte limit.`, ...empty };
  if (!looksLikePdf(buf)) return { valid: false, code: 'PDF_NOT_PDF', message: 'The file is not a PDF document (no %PDF- header or no %%EOF).', ...empty };
  let signatures: SignatureDictionary[];
  try {
    signatures = findSignatureDictionaries(buf, scanObjects(buf));
  } catch (err) {
    return { valid: false, code: 'PDF_NOT_PDF', message: `The PDF could not be read (${err instanceof Error ? err.message : String(err)}).`, ...empty };
  }
  if (signatures.length === 0) return { valid: false, code: 'PDF_NO_SIGNATURE', message: 'The PDF carries no signature.', ...empty };
  const checked: Checked[] = [];
  for (const sig of signatures) {
    try {
      checked.push(await checkOne(buf, sig, options));
    } catch (err) {
      // A validator that throws (a bug, a store down) means we could not check, not that the signature is bad.
      checked.push({ report: report({ ...describe(sig), code: 'PDF_CHECK_FAILED', message: `The signature could not be checked (${err instanceof Error ? err.message : String(err)}).` }), end: buf.length });
    }
  }
  checked.sort((x, y) => x.end - y.end);
  markModifications(buf, checked);
  const reports = checked.map((c, i) => ({ ...c.report, index: i + 1 }));
  const firstBad = reports.find((r) => !r.valid);
  return {
    valid: !firstBad,
    code: firstBad ? firstBad.code : 'PDF_OK',
    message: firstBad ? `Signature ${firstBad.index}${firstBad.fieldName ? ` (${firstBad.fieldName})` : ''}: ${firstBad.message}` : `All ${reports.length} signature(s) are valid.`,
    fileSize: buf.length,
    signatures: reports,
    officials: signersIn(reports, 'official'),
    agencySeals: signersIn(reports, 'agency-seal'),
    warnings: [],
  };
}
