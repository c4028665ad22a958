/**
 * signPdf: a PAdES baseline-B signature (SubFilter ETSI.CAdES.detached) added as an incremental update, so a PDF
 * already signed by an official can be sealed by the agency without breaking the first signature.
 *
 * Why not @signpdf/placeholder-plain: it strips the input's trailing EOL before appending (the bytes an earlier
 * signature covered change), rewrites the AcroForm by text search for "/Type /AcroForm", and drops the trailer /ID.
 * Writing the update from the parsed cross-reference (table or stream) keeps earlier revisions byte-exact.
 */
import { createHash } from 'node:crypto';
import { summarizeCertificate } from '../../pki/certificate-summary.js';
import { readSignerRole } from '../../pki/signer-role.js';
import type { Signer } from '../signer.js';
import { buildAppearance, vietnamTime } from './pdf-appearance.js';
import { buildPadesSignedData } from './cms-signed-data-builder.js';
import { appendIncrementalUpdate } from './pdf-incremental-update.js';
import { ObjectResolver, readCrossReference, type CrossReference } from './pdf-objects.js';
import type { PdfSignOptions } from './pdf-report.js';
import { PdfSignatureError } from './pdf-signature-error.js';
import { planSignatureField, type VisibleWidget } from './pdf-signature-field.js';
import { looksLikePdf } from './pdf-sniff.js';
import { pdf, serialize } from './pdf-syntax.js';

const MAX_SIGN_BYTES = 200 * 1024 * 1024;
const BYTE_RANGE_PLACEHOLDER = '0 0000000000 0000000000 0000000000';

/** D:YYYYMMDDHHmmSS+00'00' (§7.9.4), always in UTC so the same instant always gives the same bytes. */
export function pdfDate(at: Date): string {
  const iso = at.toISOString();
  return `D:${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}+00'00'`;
}

function signatureDictionaryBody(options: PdfSignOptions, signingTime: Date, contentsBytes: number): string {
  const entries: string[] = [
    '/Type /Sig',
    '/Filter /Adobe.PPKLite',
    '/SubFilter /ETSI.CAdES.detached',
    `/M ${serialize(pdf.text(pdfDate(signingTime)))}`,
  ];
  if (options.name) entries.push(`/Name ${serialize(pdf.text(options.name))}`);
  if (options.reason) entries.push(`/Reason ${serialize(pdf.text(options.reason))}`);
  if (options.location) entries.push(`/Location ${serialize(pdf.text(options.location))}`);
  if (options.contactInfo) entries.push(`/ContactInfo ${serialize(pdf.text(options.contactInfo))}`);
  entries.push(`/ByteRange [${BYTE_RANGE_PLACEHOLDER}]`, `/Contents <${'0'.repeat(contentsBytes * 2)}>`);
  return `<<${entries.join(' ')}>>`;
}

function readStructure(input: Buffer): CrossReference {
  if (input.length > MAX_SIGN_BYTES) throw new PdfSignatureError('PDF_TOO_LARGE', `The PDF is larger than ${MAX_SIGN_BYTES} bytes.`);
  if (!looksLikePdf(input)) throw new PdfSignatureError('PDF_NOT_PDF', 'The file is not a PDF document (no %PDF- header or no %%EOF).');
  let xref: CrossReference;
  try {
    xref = readCrossReference(input);
  } catch (err) {
    throw new PdfSignatureError('PDF_STRUCTURE_UNSUPPORTED', 'The PDF cross-reference table could not be read; repair or re-save the file.', { cause: String(err) });
  }
  if (xref.trailer.entries.has('Encrypt')) throw new PdfSignatureError('PDF_STRUCTURE_UNSUPPORTED', 'The PDF is encrypted; remove the password protection before signing.');
  return xref;
}

/** The visible widget of options.appearance: role and lines default from the signer's certificate. */
function visibleWidget(options: PdfSignOptions, signer: Signer, signingTime: Date): VisibleWidget | undefined {
  const a = options.appearance;
  if (!a) return undefined;
  const page = a.page ?? 1;
  if (!Number.isSafeInteger(page) || page < 1) throw new PdfSignatureError('PDF_APPEARANCE_INVALID', `The page number ${page} is not a page.`);
  if (a.rect.length !== 4 || !a.rect.every(Number.isFinite) || a.rect[2] <= 0 || a.rect[3] <= 0) {
    throw new PdfSignatureError('PDF_APPEARANCE_INVALID', 'The signature rectangle must be x,y,width,height with a positive width and height.');
  }
  let role = a.role;
  let cn: string | undefined;
  try {
    const summary = summarizeCertificate(signer.certificateChain[0]!);
    cn = summary.subjectFields['CN'];
    role ??= readSignerRole(summary).role === 'agency-seal' ? 'agency-seal' : 'official';
  } catch {
    role ??= 'official';
  }
  const who = options.name ?? cn;
  const lines = a.lines ?? [...(who ? [who] : []), `Ngày ký: ${vietnamTime(signingTime)}`];
  return {
    pageIndex: page - 1,
    rect: a.rect,
    appearance: (first) => buildAppearance({ page, rect: a.rect, role: role ?? 'official', lines, ...(a.image ? { image: a.image } : {}), ...(a.font ? { font: a.font } : {}) }, first),
  };
}

export async function signPdf(pdfBytes: Uint8Array, signer: Signer, options: PdfSignOptions = {}): Promise<Buffer> {
  const input = Buffer.from(pdfBytes.buffer, pdfBytes.byteOffset, pdfBytes.byteLength);
  const xref = readStructure(input);
  if (signer.certificateChain.length === 0) throw new PdfSignatureError('PDF_SIGNER_UNUSABLE', 'The signer has no certificate.');
  const chainBytes = signer.certificateChain.reduce((n, c) => n + c.length, 0);
  const reserved = chainBytes + 8192;
  const size = xref.trailer.entries.get('Size');
  const nextObject = Math.max(size?.kind === 'number' ? size.value : 0, ...[...xref.entries.keys()].map((n) => n + 1));
  const signingTime = options.signingTime ?? new Date();
  const visible = visibleWidget(options, signer, signingTime);
  const plan = planSignatureField(new ObjectResolver(input, xref), xref.trailer, nextObject, signatureDictionaryBody(options, signingTime, reserved), visible);
  const { bytes, bodyOffsets } = appendIncrementalUpdate(input, plan.objects, xref);

  const sigBodyAt = bodyOffsets.get(plan.signatureObject) as number;
  const contentsStart = bytes.indexOf('/Contents <', sigBodyAt, 'latin1') + '/Contents '.length;
  const contentsEnd = contentsStart + reserved * 2 + 2;
  const byteRangeAt = bytes.indexOf(BYTE_RANGE_PLACEHOLDER, sigBodyAt, 'latin1');
  const byteRange = `0 ${contentsStart} ${contentsEnd} ${bytes.length - contentsEnd}`.padEnd(BYTE_RANGE_PLACEHOLDER.length, ' ');
  bytes.write(byteRange, byteRangeAt, 'latin1');

  const digest = createHash('sha256').update(bytes.subarray(0, contentsStart)).update(bytes.subarray(contentsEnd)).digest();
  const cms = await buildPadesSignedData(signer, digest);
  if (cms.length > reserved) throw new PdfSignatureError('PDF_SIGNER_UNUSABLE', 'The signature does not fit the space reserved for it.');
  bytes.write(cms.toString('hex'), contentsStart + 1, 'latin1');
  return bytes;
}
