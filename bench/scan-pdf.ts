/** A PDF the benchmarks sign and send: one page and an incompressible image, like a scanned decision. */
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';

/** A one-page PDF of about `size` bytes: the page plus an (incompressible) embedded image stream, like a scan. */
export function scanPdf(size: number): Buffer {
  const scan = deflateSync(randomBytes(size - 2048), { level: 0 });
  const objects: Array<string | Buffer> = [];
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = '<< /Type /Pages /Kids [3 0 R] /Count 1 >>';
  objects[3] = '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>';
  const content = 'q 595 0 0 842 0 0 cm /Im1 Do Q';
  objects[4] = `<< /Length ${content.length} >>\nstream\n${content}\nendstream`;
  const side = Math.floor(Math.sqrt((size - 2048) / 3));
  objects[5] = Buffer.concat([Buffer.from(`<< /Type /XObject /Subtype /Image /Width ${side} /Height ${side} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /Length ${scan.length} >>\nstream\n`, 'latin1'), scan, Buffer.from('\nendstream', 'latin1')]);
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n', 'latin1')];
  let length = parts[0]!.length;
  const offsets: number[] = [];
  for (let n = 1; n < objects.length; n++) {
    offsets[n] = length;
    const body = objects[n]!;
    const chunk = Buffer.concat([Buffer.from(`${n} 0 obj\n`, 'latin1'), typeof body === 'string' ? Buffer.from(body, 'latin1') : body, Buffer.from('\nendobj\n', 'latin1')]);
    parts.push(chunk);
    length += chunk.length;
  }
  let xref = `xref\n0 ${objects.length}\n0000000000 65535 f\r\n`;
  for (let n = 1; n < objects.length; n++) xref += `${String(offsets[n]).padStart(10, '0')} 00000 n\r\n`;
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

