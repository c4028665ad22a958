/**
 * Appends an incremental update (ISO 32000-1 §7.5.6): new and replaced objects, a cross-reference section that
 * lists only them, and a trailer whose /Prev points at the previous section. The original bytes are kept exactly,
 * so every earlier signature still covers what it covered.
 */
import { serialize, type PdfDict, type PdfValue } from './pdf-syntax.js';

export interface UpdatedObject {
  num: number;
  gen: number;
  /** Serialised body (between "obj" and "endobj"). */
  body: string;
}

export interface IncrementalUpdate {
  bytes: Buffer;
  /** Offset, in `bytes`, where each object's body starts (to find placeholders). */
  bodyOffsets: Map<number, number>;
}

export function objectBody(value: PdfValue): string {
  return serialize(value);
}

/**
 * `kind` follows the previous section: a file whose newest cross-reference is a stream gets a stream again
 * (uncompressed, /W [1 4 2]), a classic file gets a classic table.
 */
export function appendIncrementalUpdate(original: Buffer, objects: UpdatedObject[], previous: { trailer: PdfDict; startxref: number; kind: 'table' | 'stream' }): IncrementalUpdate {
  const parts: Buffer[] = [original];
  let length = original.length;
  const push = (bytes: string | Buffer): void => {
    const b = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
    parts.push(b);
    length += b.length;
  };
  const last = original[original.length - 1];
  if (last !== 0x0a && last !== 0x0d) push('\n');
  const offsets = new Map<number, { offset: number; gen: number }>();
  const bodyOffsets = new Map<number, number>();
  for (const obj of objects) {
    offsets.set(obj.num, { offset: length, gen: obj.gen });
    const head = `${obj.num} ${obj.gen} obj\n`;
    bodyOffsets.set(obj.num, length + head.length);
    push(`${head}${obj.body}\nendobj\n`);
  }
  const size = Math.max(...objects.map((o) => o.num + 1), numberOf(previous.trailer.entries.get('Size')));
  const trailer: Array<[string, string]> = [];
  for (const key of ['Root', 'Info', 'ID']) {
    const v = previous.trailer.entries.get(key);
    if (v) trailer.push([key, serialize(v)]);
  }
  trailer.push(['Prev', String(previous.startxref)]);
  const xrefAt = length;
  if (previous.kind === 'table') {
    push(`xref\n${crossReferenceSubsections(offsets)}`);
    push(`trailer\n<</Size ${size} ${trailer.map(([k, v]) => `/${k} ${v}`).join(' ')}>>\nstartxref\n${xrefAt}\n%%EOF\n`);
  } else {
    // The stream lists itself too: it is object number `size`, so the new /Size is one more.
    offsets.set(size, { offset: xrefAt, gen: 0 });
    const { index, data } = crossReferenceStreamData(offsets);
    const dict = `<</Type /XRef /Size ${size + 1} ${trailer.map(([k, v]) => `/${k} ${v}`).join(' ')} /W [1 4 2] /Index [${index}] /Length ${data.length}>>`;
    push(`${size} 0 obj\n${dict}\nstream\n`);
    push(data);
    push(`\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`);
  }
  return { bytes: Buffer.concat(parts, length), bodyOffsets };
}

function numberOf(value: PdfValue | undefined): number {
  return value?.kind === 'number' ? value.value : 0;
}

function runs(nums: number[]): number[][] {
  const out: number[][] = [];
  for (const n of nums) {
    const run = out[out.length - 1];
    if (run && run[run.length - 1] === n - 1) run.push(n);
    else out.push([n]);
  }
  return out;
}

function crossReferenceSubsections(offsets: Map<number, { offset: number; gen: number }>): string {
  let out = '';
  for (const run of runs([...offsets.keys()].sort((a, b) => a - b))) {
    out += `${run[0]} ${run.length}\n`;
    for (const num of run) {
      const e = offsets.get(num) as { offset: number; gen: number };
      // Each entry is exactly 20 bytes (§7.5.4): 10-digit offset, 5-digit generation, type, two-byte EOL.
      out += `${String(e.offset).padStart(10, '0')} ${String(e.gen).padStart(5, '0')} n\r\n`;
    }
  }
  return out;
}

function crossReferenceStreamData(offsets: Map<number, { offset: number; gen: number }>): { index: string; data: Buffer } {
  const grouped = runs([...offsets.keys()].sort((a, b) => a - b));
  const data = Buffer.alloc(offsets.size * 7);
  let at = 0;
  for (const run of grouped) {
    for (const num of run) {
      const e = offsets.get(num) as { offset: number; gen: number };
      data.writeUInt8(1, at);
      data.writeUInt32BE(e.offset, at + 1);
      data.writeUInt16BE(e.gen, at + 5);
      at += 7;
    }
  }
  return { index: grouped.map((r) => `${r[0]} ${r.length}`).join(' '), data };
}
