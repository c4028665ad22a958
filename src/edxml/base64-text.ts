/**
 * Base64 checked and decoded straight from the package bytes. Attachments run to tens of megabytes, so nothing here
 * turns the whole text into a JS string or copies it more than once: one pass counts and checks, decoding writes
 * into a buffer of the exact decoded size through small chunks.
 */

/** 1 = base64 alphabet, 2 = padding, 3 = XML whitespace, 0 = anything else. */
const CLASS = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') CLASS[c.charCodeAt(0)] = 1;
CLASS[0x3d] = 2;
for (const c of [0x20, 0x09, 0x0a, 0x0d]) CLASS[c] = 3;

export interface Base64Stats {
  valid: boolean;
  /** Alphabet characters, padding and whitespace excluded. */
  dataChars: number;
  /** Line feeds in the text (kept so line numbers survive when the text is cut out before XML parsing). */
  newlines: number;
  hasWhitespace: boolean;
  /** Offset (from the start of the text) of the first character that makes it invalid, -1 when valid. */
  badOffset: number;
}

/** PAIR[b0 | b1 << 8] = 1 when both bytes are in the alphabet: lets the hot loop test four bytes per step. */
const PAIR = new Uint8Array(65536);
for (let i = 0; i < 256; i++) for (let j = 0; j < 256; j++) if (CLASS[i] === 1 && CLASS[j] === 1) PAIR[i | (j << 8)] = 1;

export function scanBase64(bytes: Uint8Array, start = 0, end = bytes.length): Base64Stats {
  let dataChars = 0;
  let padding = 0;
  let newlines = 0;
  let whitespace = 0;
  let badOffset = -1;
  const step = (at: number): boolean => {
    const b = bytes[at]!;
    const cls = CLASS[b]!;
    if (cls === 1 && padding === 0) dataChars++;
    else if (cls === 3) {
      whitespace++;
      if (b === 0x0a) newlines++;
    } else if (cls === 2 && padding < 2) padding++;
    else {
      badOffset = at - start;
      return false;
    }
    return true;
  };
  let i = start;
  while (i < end && ((bytes.byteOffset + i) & 3) !== 0) if (!step(i++)) break;
  if (badOffset < 0 && end - i >= 4) {
    // Aligned words of four alphabet characters take the fast path; anything else goes byte by byte.
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset + i, (end - i) >> 2);
    words: for (let w = 0; w < words.length; w++) {
      const v = words[w]!;
      if ((PAIR[v & 0xffff]! & PAIR[v >>> 16]!) === 1 && padding === 0) {
        dataChars += 4;
        continue;
      }
      const base = i + w * 4;
      for (let k = 0; k < 4; k++) if (!step(base + k)) break words;
    }
    if (badOffset < 0) i += words.length * 4;
  }
  while (badOffset < 0 && i < end) if (!step(i++)) break;
  if (badOffset < 0) {
    const rest = dataChars % 4;
    const paddedOk = padding === 0 ? rest !== 1 : (dataChars + padding) % 4 === 0;
    if (!paddedOk) badOffset = end - start;
  }
  return { valid: badOffset < 0, dataChars, newlines, hasWhitespace: whitespace > 0, badOffset };
}

export function decodedLength(stats: Base64Stats): number {
  return Math.floor((stats.dataChars * 3) / 4);
}

const CHUNK = 4 * 1024 * 1024;

/** Decodes text already known to be valid base64 (see scanBase64) into one buffer of the exact size. */
export function decodeBase64(bytes: Uint8Array, stats: Base64Stats): Buffer {
  const out = Buffer.allocUnsafe(decodedLength(stats));
  const src = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let written = 0;
  if (!stats.hasWhitespace) {
    for (let at = 0; at < src.length; at += CHUNK) {
      written += out.write(src.toString('latin1', at, Math.min(at + CHUNK, src.length)), written, 'base64');
    }
    return out.subarray(0, written);
  }
  // Line-wrapped base64: squeeze whitespace out through a small staging buffer, whole quads at a time.
  const stage = Buffer.allocUnsafe(64 * 1024);
  let staged = 0;
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!;
    if (CLASS[b] === 3) continue;
    stage[staged++] = b;
    if (staged === stage.length) {
      written += out.write(stage.toString('latin1', 0, staged), written, 'base64');
      staged = 0;
    }
  }
  if (staged > 0) written += out.write(stage.toString('latin1', 0, staged), written, 'base64');
  return out.subarray(0, written);
}
