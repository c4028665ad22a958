/**
 * Cross-reference streams and object streams (ISO 32000-1 §7.5.7, §7.5.8): what PDF 1.5+ writers (Adobe, Word)
 * produce. Only FlateDecode with the PNG predictors is supported, which is what those writers use; anything else
 * is refused rather than guessed.
 */
import { inflateSync } from 'node:zlib';
import { parseValue, PdfSyntaxError, readInteger, type IndirectObject, type PdfValue } from './pdf-syntax.js';

export type XrefEntry = { offset: number; gen: number } | { inStream: number; index: number };

/** Decoded streams are bounded: a small flate bomb must not take the gateway down. */
const MAX_DECODED_BYTES = 64 * 1024 * 1024;

function numberIn(value: PdfValue | undefined): number | undefined {
  return value?.kind === 'number' ? value.value : undefined;
}

function unpredict(data: Buffer, parms: PdfValue | undefined): Buffer {
  const predictor = parms?.kind === 'dict' ? (numberIn(parms.entries.get('Predictor')) ?? 1) : 1;
  if (predictor === 1) return data;
  if (predictor < 10) throw new PdfSyntaxError('TIFF predictor is not supported', 0);
  const columns = (parms?.kind === 'dict' ? numberIn(parms.entries.get('Columns')) : undefined) ?? 1;
  const rowLength = columns + 1;
  const rows = Math.floor(data.length / rowLength);
  const out = Buffer.alloc(rows * columns);
  for (let r = 0; r < rows; r++) {
    const type = data[r * rowLength];
    for (let c = 0; c < columns; c++) {
      const raw = data[r * rowLength + 1 + c] as number;
      const up = r > 0 ? (out[(r - 1) * columns + c] as number) : 0;
      const left = c > 0 ? (out[r * columns + c - 1] as number) : 0;
      const upLeft = r > 0 && c > 0 ? (out[(r - 1) * columns + c - 1] as number) : 0;
      let v = raw;
      if (type === 1) v = raw + left;
      else if (type === 2) v = raw + up;
      else if (type === 3) v = raw + ((left + up) >> 1);
      else if (type === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        v = raw + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
      } else if (type !== 0) throw new PdfSyntaxError('bad PNG predictor row', r);
      out[r * columns + c] = v & 0xff;
    }
  }
  return out;
}

export function decodeStream(buf: Buffer, obj: IndirectObject): Buffer {
  if (!obj.stream || obj.value.kind !== 'dict') throw new PdfSyntaxError('not a stream', obj.start);
  const raw = buf.subarray(obj.stream.start, obj.stream.end);
  const filter = obj.value.entries.get('Filter');
  const filters = filter?.kind === 'array' ? filter.items : filter ? [filter] : [];
  if (filters.length === 0) return Buffer.from(raw);
  if (filters.length > 1 || filters[0]?.kind !== 'name' || filters[0].value !== 'FlateDecode') throw new PdfSyntaxError('only FlateDecode streams are supported', obj.start);
  const parms = obj.value.entries.get('DecodeParms');
  return unpredict(inflateSync(raw, { maxOutputLength: MAX_DECODED_BYTES }), parms?.kind === 'array' ? parms.items[0] : parms);
}

/** Entries of one cross-reference stream; newer sections are read first, so existing entries are kept. */
export function readXrefStream(buf: Buffer, obj: IndirectObject, into: Map<number, XrefEntry | { free: true }>): void {
  const dict = obj.value.kind === 'dict' ? obj.value : undefined;
  const w = dict?.entries.get('W');
  const widths = w?.kind === 'array' ? w.items.map(numberIn) : [];
  if (widths.length !== 3 || widths.some((x) => x === undefined || x < 0 || x > 8)) throw new PdfSyntaxError('bad /W in cross-reference stream', obj.start);
  const [w1, w2, w3] = widths as [number, number, number];
  const size = numberIn(dict?.entries.get('Size')) ?? 0;
  const index = dict?.entries.get('Index');
  const ranges = index?.kind === 'array' ? index.items.map((i) => numberIn(i) ?? -1) : [0, size];
  const data = decodeStream(buf, obj);
  const field = (at: number, width: number): number => {
    let v = 0;
    for (let i = 0; i < width; i++) v = v * 256 + (data[at + i] ?? 0);
    return v;
  };
  let at = 0;
  const rowLength = w1 + w2 + w3;
  for (let r = 0; r + 1 < ranges.length; r += 2) {
    const [first, count] = [ranges[r] as number, ranges[r + 1] as number];
    if (first < 0 || count < 0) throw new PdfSyntaxError('bad /Index in cross-reference stream', obj.start);
    for (let i = 0; i < count && at + rowLength <= data.length; i++, at += rowLength) {
      const type = w1 === 0 ? 1 : field(at, w1);
      const a = field(at + w1, w2);
      const b = field(at + w1 + w2, w3);
      const num = first + i;
      if (into.has(num)) continue;
      if (type === 1) into.set(num, { offset: a, gen: b });
      else if (type === 2) into.set(num, { inStream: a, index: b });
      else into.set(num, { free: true });
    }
  }
}

/** The object `num` stored in object stream `streamObj` (its dictionary gives /N pairs and /First). */
export function readFromObjectStream(buf: Buffer, streamObj: IndirectObject, num: number): IndirectObject | undefined {
  const dict = streamObj.value.kind === 'dict' ? streamObj.value : undefined;
  const n = numberIn(dict?.entries.get('N')) ?? 0;
  const first = numberIn(dict?.entries.get('First')) ?? 0;
  const data = decodeStream(buf, streamObj);
  let p = 0;
  for (let i = 0; i < n; i++) {
    const objNum = readInteger(data, p);
    const offset = objNum && readInteger(data, objNum.end);
    if (!objNum || !offset) return undefined;
    p = offset.end;
    if (objNum.value === num) {
      const { value, end } = parseValue(data, first + offset.value);
      return { num, gen: 0, value, start: -1, end };
    }
  }
  return undefined;
}
