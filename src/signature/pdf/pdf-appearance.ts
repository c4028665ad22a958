/**
 * The visible face of a signature (Decree 30/2020 Appendix I): for an official, the picture of the handwritten
 * signature with the official's name and the signing time under it; for an agency, the picture of its seal. A form
 * XObject the widget shows (/AP /N), placed on a page by a rectangle; its objects are all new, so an earlier
 * signature's modification check sees only a signature field added (pdf-revision-changes.ts).
 */
import { fontObjects, glyphRun, readTrueTypeFont } from './pdf-font.js';
import { readSignatureImage, type PdfImage } from './pdf-image.js';
import type { UpdatedObject } from './pdf-incremental-update.js';
import { PdfSignatureError } from './pdf-signature-error.js';

export interface SignatureAppearance {
  /** 1-based page number. */
  page: number;
  /** x, y, width, height in points (1/72 in) from the page's lower-left corner. */
  rect: [number, number, number, number];
  /** PNG (transparent background, as Decree 30 asks) or JPEG. */
  image?: Uint8Array;
  /** official: picture above name and time; agency-seal: the picture alone. */
  role: 'official' | 'agency-seal';
  /** Lines written under an official's picture (the signer's name and the signing time). */
  lines: string[];
  /** A TrueType font for the lines (Vietnamese needs one); without it Helvetica shows them without diacritics. */
  font?: Uint8Array;
}

export interface AppearanceObjects {
  objects: UpdatedObject[];
  /** The form XObject to name in the widget's /AP /N. */
  form: number;
}

/** dd/MM/yyyy HH:mm:ss in Asia/Ho_Chi_Minh (UTC+7 all year), as people there read a signing time. */
export function vietnamTime(at: Date): string {
  const t = new Date(at.getTime() + 7 * 3600_000).toISOString();
  return `${t.slice(8, 10)}/${t.slice(5, 7)}/${t.slice(0, 4)} ${t.slice(11, 19)} +07:00`;
}

function num(n: number): string {
  return String(Math.round(n * 100) / 100);
}

function imageObjects(image: PdfImage, at: number): UpdatedObject[] {
  const stream = (dict: string, data: Buffer) => `<<${dict} /Length ${data.length}>>\nstream\n${data.toString('latin1')}\nendstream`;
  const common = `/Type /XObject /Subtype /Image /Width ${image.width} /Height ${image.height} /BitsPerComponent 8`;
  const objects: UpdatedObject[] = [{ num: at, gen: 0, body: stream(`${common} /ColorSpace /${image.colorSpace} /Filter /${image.filter}${image.alpha ? ` /SMask ${at + 1} 0 R` : ''}`, image.data) }];
  if (image.alpha) objects.push({ num: at + 1, gen: 0, body: stream(`${common} /ColorSpace /DeviceGray /Filter /FlateDecode`, image.alpha) });
  return objects;
}

/** Latin letters without their marks, for Helvetica (WinAnsi has no Vietnamese): "Nguyễn" -> "Nguyen". */
function withoutMarks(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').replace(/[^\x20-\x7e]/g, '?');
}

function escapeLiteral(text: string): string {
  return text.replace(/([\\()])/g, '\\$1');
}

export function buildAppearance(appearance: SignatureAppearance, first: number): AppearanceObjects {
  const [, , w, h] = appearance.rect;
  if (!(w > 0 && h > 0)) throw new PdfSignatureError('PDF_APPEARANCE_INVALID', 'The signature rectangle has no area.');
  const form = first;
  let next = first + 1;
  const objects: UpdatedObject[] = [];
  const resources: string[] = [];
  let content = '';
  const lines = appearance.role === 'official' ? appearance.lines.filter((l) => l.trim() !== '') : [];
  const textHeight = lines.length > 0 ? Math.min(h * 0.38, lines.length * 12 + 4) : 0;

  if (appearance.image) {
    const image = readSignatureImage(appearance.image);
    const imageNum = next;
    objects.push(...imageObjects(image, imageNum));
    next += image.alpha ? 2 : 1;
    resources.push(`/XObject <</Im1 ${imageNum} 0 R>>`);
    const areaH = h - textHeight;
    const scale = Math.min(w / image.width, areaH / image.height);
    const iw = image.width * scale;
    const ih = image.height * scale;
    content += `q ${num(iw)} 0 0 ${num(ih)} ${num((w - iw) / 2)} ${num(textHeight + (areaH - ih) / 2)} cm /Im1 Do Q\n`;
  }

  if (lines.length > 0) {
    const lineHeight = textHeight / lines.length;
    if (appearance.font) {
      const font = readTrueTypeFont(appearance.font);
      const runs = lines.map((line) => glyphRun(font, line));
      objects.push(...fontObjects(font, next, runs.flatMap((r) => r.glyphs)));
      resources.push(`/Font <</F1 ${next} 0 R>>`);
      next += 5;
      runs.forEach((run, i) => {
        // As large as fits the line and the width, at most 10 pt.
        const size = Math.min(10, lineHeight * 0.8, run.width > 0 ? (w * 0.96 * 1000) / run.width : 10);
        const x = (w - (run.width * size) / 1000) / 2;
        const y = textHeight - (i + 1) * lineHeight + lineHeight * 0.25;
        content += `BT /F1 ${num(size)} Tf ${num(x)} ${num(y)} Td <${run.hex}> Tj ET\n`;
      });
    } else {
      objects.push({ num: next, gen: 0, body: '<</Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding>>' });
      resources.push(`/Font <</F1 ${next} 0 R>>`);
      next += 1;
      lines.forEach((line, i) => {
        const text = withoutMarks(line);
        const size = Math.min(10, lineHeight * 0.8, (w * 0.96) / (text.length * 0.55));
        const y = textHeight - (i + 1) * lineHeight + lineHeight * 0.25;
        content += `BT /F1 ${num(size)} Tf ${num(Math.max(0, (w - text.length * 0.55 * size) / 2))} ${num(y)} Td (${escapeLiteral(text)}) Tj ET\n`;
      });
    }
  }

  const data = Buffer.from(content, 'latin1');
  objects.unshift({ num: form, gen: 0, body: `<</Type /XObject /Subtype /Form /BBox [0 0 ${num(w)} ${num(h)}] /Resources <<${resources.join(' ')}>> /Length ${data.length}>>\nstream\n${content}\nendstream` });
  return { objects, form };
}
