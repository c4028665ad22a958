/**
 * The picture of a visible signature (Decree 30/2020 Appendix I: the official's handwritten signature, the agency's
 * seal, PNG with a transparent background) as a PDF image XObject. JPEG goes in as it is (DCTDecode); PNG is
 * decoded (8-bit, not interlaced: gray, RGB, palette, with alpha or tRNS) into colour samples and, when anything is
 * transparent, a soft mask, both FlateDecode. Bounded: at most 10 MiB of file and 25 megapixels.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { PdfSignatureError } from './pdf-signature-error.js';

const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
const MAX_PIXELS = 25_000_000;

export interface PdfImage {
  width: number;
  height: number;
  colorSpace: 'DeviceGray' | 'DeviceRGB';
  filter: 'DCTDecode' | 'FlateDecode';
  data: Buffer;
  /** Alpha as an 8-bit gray image (FlateDecode), when the picture has transparency. */
  alpha?: Buffer;
}

function invalid(message: string): PdfSignatureError {
  return new PdfSignatureError('PDF_APPEARANCE_INVALID', `The signature image: ${message}`);
}

function checkSize(width: number, height: number): void {
  if (width < 1 || height < 1 || width * height > MAX_PIXELS) throw invalid(`${width}x${height} pixels is empty or larger than ${MAX_PIXELS} pixels.`);
}

function jpeg(bytes: Buffer): PdfImage {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) throw invalid('the JPEG markers are damaged.');
    const marker = bytes[at + 1]!;
    const length = bytes.readUInt16BE(at + 2);
    // Start-of-frame markers (baseline, progressive...), not DHT (C4), JPG (C8) or DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const height = bytes.readUInt16BE(at + 5);
      const width = bytes.readUInt16BE(at + 7);
      const components = bytes[at + 9];
      checkSize(width, height);
      if (components !== 1 && components !== 3) throw invalid(`a JPEG with ${components} colour components (only gray and RGB are drawn).`);
      return { width, height, colorSpace: components === 1 ? 'DeviceGray' : 'DeviceRGB', filter: 'DCTDecode', data: bytes };
    }
    at += 2 + length;
  }
  throw invalid('the JPEG has no frame header.');
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Undoes the PNG row filters (RFC 2083 section 6) in place, row by row. */
function unfilter(raw: Buffer, width: number, height: number, bpp: number): Buffer {
  const stride = width * bpp;
  if (raw.length < height * (stride + 1)) throw invalid('the PNG image data is shorter than its size says.');
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const type = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const left = x >= bpp ? out[row + x - bpp]! : 0;
      const up = y > 0 ? out[row - stride + x]! : 0;
      const upLeft = x >= bpp && y > 0 ? out[row - stride + x - bpp]! : 0;
      const value = raw[src + x]!;
      let predicted: number;
      switch (type) {
        case 0: predicted = 0; break;
        case 1: predicted = left; break;
        case 2: predicted = up; break;
        case 3: predicted = (left + up) >> 1; break;
        case 4: predicted = paeth(left, up, upLeft); break;
        default: throw invalid(`PNG row filter ${type} is not a PNG filter.`);
      }
      out[row + x] = (value + predicted) & 0xff;
    }
  }
  return out;
}

function png(bytes: Buffer): PdfImage {
  let at = 8;
  let header: { width: number; height: number; depth: number; type: number; interlace: number } | undefined;
  let palette: Buffer | undefined;
  let transparency: Buffer | undefined;
  const idat: Buffer[] = [];
  while (at + 8 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (data.length !== length) throw invalid('the PNG is truncated.');
    if (type === 'IHDR') header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), depth: data[8]!, type: data[9]!, interlace: data[12]! };
    else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') transparency = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (!header) throw invalid('the PNG has no header.');
  const { width, height, depth, type, interlace } = header;
  checkSize(width, height);
  if (depth !== 8 || interlace !== 0) throw invalid(`a ${depth}-bit${interlace ? ' interlaced' : ''} PNG (save it as 8-bit, not interlaced).`);
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[type];
  if (!channels) throw invalid(`PNG colour type ${type} is not a PNG colour type.`);
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: height * (width * channels + 1) + 1 });
  } catch (error) {
    throw invalid(`the PNG image data cannot be read (${(error as Error).message}).`);
  }
  const pixels = unfilter(raw, width, height, channels);
  const gray = type === 0 || type === 4;
  const color = Buffer.alloc(width * height * (gray ? 1 : 3));
  const alpha = Buffer.alloc(width * height, 255);
  for (let i = 0; i < width * height; i++) {
    const p = i * channels;
    if (type === 3) {
      const index = pixels[p]!;
      if (!palette || index * 3 + 2 >= palette.length) throw invalid('a PNG palette index points outside the palette.');
      palette.copy(color, i * 3, index * 3, index * 3 + 3);
      if (transparency && index < transparency.length) alpha[i] = transparency[index]!;
    } else if (gray) {
      color[i] = pixels[p]!;
      if (type === 4) alpha[i] = pixels[p + 1]!;
      else if (transparency && transparency.length >= 2 && transparency.readUInt16BE(0) === pixels[p]) alpha[i] = 0;
    } else {
      pixels.copy(color, i * 3, p, p + 3);
      if (type === 6) alpha[i] = pixels[p + 3]!;
      else if (transparency && transparency.length >= 6 && transparency.readUInt16BE(0) === pixels[p] && transparency.readUInt16BE(2) === pixels[p + 1] && transparency.readUInt16BE(4) === pixels[p + 2]) alpha[i] = 0;
    }
  }
  const image: PdfImage = { width, height, colorSpace: gray ? 'DeviceGray' : 'DeviceRGB', filter: 'FlateDecode', data: deflateSync(color) };
  if (alpha.some((a) => a !== 255)) image.alpha = deflateSync(alpha);
  return image;
}

/** Reads a PNG or JPEG (by its signature bytes, not its name). Throws PDF_APPEARANCE_INVALID for anything else. */
export function readSignatureImage(bytes: Uint8Array): PdfImage {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length > MAX_IMAGE_BYTES) throw invalid(`the file is larger than ${MAX_IMAGE_BYTES} bytes.`);
  if (buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return png(buf);
  if (buf[0] === 0xff && buf[1] === 0xd8) return jpeg(buf);
  throw invalid('it is neither a PNG nor a JPEG file.');
}
