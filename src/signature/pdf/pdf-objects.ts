/**
 * Finding indirect objects in a PDF's bytes: by the cross-reference table when it is a classic one (§7.5.4), or by
 * walking the body object after object (what repairing readers do), which also serves to list what one
 * incremental update added. Objects inside compressed object streams are not reachable here by design.
 */
import { dictGet, parseValue, readInteger, readKeyword, skipBlank, PdfSyntaxError, type IndirectObject, type PdfDict, type PdfValue } from './pdf-syntax.js';
import { readFromObjectStream, readXrefStream, type XrefEntry } from './pdf-xref-stream.js';

export type { IndirectObject } from './pdf-syntax.js';


const OBJ_HEADER = /(\d{1,10})[\0\t\n\f\r ]+(\d{1,5})[\0\t\n\f\r ]+obj(?![^\0\t\n\f\r ()<>[\]{}/%])/g;

/** Parses the object whose "n g obj" header starts at `start`. */
export function readObjectAt(buf: Buffer, start: number): IndirectObject {
  const num = readInteger(buf, start);
  const gen = num && readInteger(buf, num.end);
  if (!num || !gen || readKeyword(buf, gen.end).text !== 'obj') throw new PdfSyntaxError('no object header', start);
  const objKeyword = readKeyword(buf, gen.end);
  const { value, end } = parseValue(buf, objKeyword.end);
  let p = end;
  const next = readKeyword(buf, p);
  let stream: IndirectObject['stream'];
  if (next.text === 'stream') {
    stream = locateStream(buf, value, next.end);
    p = readKeyword(buf, stream.end).end;
  }
  const close = readKeyword(buf, p);
  const obj: IndirectObject = { num: num.value, gen: gen.value, value, start, end: close.text === 'endobj' ? close.end : p };
  if (stream) obj.stream = stream;
  return obj;
}

/** The stream data: by a direct /Length when it lands on "endstream", else up to the next "endstream". */
function locateStream(buf: Buffer, dict: PdfValue, afterKeyword: number): { start: number; end: number } {
  let p = afterKeyword;
  if (buf[p] === 0x0d) p++;
  if (buf[p] === 0x0a) p++;
  const length = dict.kind === 'dict' ? dict.entries.get('Length') : undefined;
  if (length?.kind === 'number' && Number.isInteger(length.value) && length.value >= 0 && p + length.value <= buf.length) {
    if (readKeyword(buf, p + length.value).text === 'endstream') return { start: p, end: p + length.value };
  }
  let end = buf.indexOf('endstream', p, 'latin1');
  if (end < 0) throw new PdfSyntaxError('unterminated stream', afterKeyword);
  if (buf[end - 1] === 0x0a) end--;
  if (buf[end - 1] === 0x0d) end--;
  return { start: p, end: Math.max(p, end) };
}

/** Every object defined in [from, to), in file order, skipping over stream data and unparsable fragments. */
export function scanObjects(buf: Buffer, from = 0, to = buf.length, unreadable?: (offset: number) => void): IndirectObject[] {
  const text = buf.toString('latin1', 0, to);
  const found: IndirectObject[] = [];
  OBJ_HEADER.lastIndex = from;
  for (let m = OBJ_HEADER.exec(text); m; m = OBJ_HEADER.exec(text)) {
    const before = buf[m.index - 1];
    if (m.index > 0 && before !== undefined && !/[\0\t\n\f\r ]/.test(String.fromCharCode(before))) continue;
    try {
      const obj = readObjectAt(buf, m.index);
      found.push(obj);
      OBJ_HEADER.lastIndex = Math.max(obj.end, m.index + 1);
    } catch {
      unreadable?.(m.index);
      OBJ_HEADER.lastIndex = m.index + m[0].length;
    }
  }
  return found;
}

export interface CrossReference {
  /** Object number -> where its newest definition is (sections read newest first; older never override). */
  entries: Map<number, XrefEntry | { free: true }>;
  /** The newest trailer dictionary (for a cross-reference stream, its dictionary). */
  trailer: PdfDict;
  /** Offset of the newest cross-reference section (what a new update's /Prev must point to). */
  startxref: number;
  /** Kind of the newest section: an update must be written in the same kind. */
  kind: 'table' | 'stream';
}

export function findStartxref(buf: Buffer): number | undefined {
  const at = buf.lastIndexOf('startxref', buf.length, 'latin1');
  if (at < 0 || buf.length - at > 4096) return undefined;
  return readInteger(buf, at + 'startxref'.length)?.value;
}

/** Reads the cross-reference chain (tables and streams, following /Prev and a hybrid file's /XRefStm). */
export function readCrossReference(buf: Buffer): CrossReference {
  const startxref = findStartxref(buf);
  if (startxref === undefined || startxref >= buf.length) throw new PdfSyntaxError('no usable startxref', buf.length);
  const entries: CrossReference['entries'] = new Map();
  let newest: { trailer: PdfDict; kind: 'table' | 'stream' } | undefined;
  const seen = new Set<number>();
  const pending: number[] = [startxref];
  while (pending.length > 0) {
    const at = pending.shift() as number;
    if (seen.has(at) || seen.size > 10_000 || at >= buf.length) throw new PdfSyntaxError('cross-reference chain loops or points outside the file', at);
    seen.add(at);
    const head = readKeyword(buf, at);
    let trailer: PdfDict;
    if (head.text === 'xref') {
      trailer = readTableSection(buf, head.end, entries);
      const hybrid = trailer.entries.get('XRefStm');
      if (hybrid?.kind === 'number') pending.push(hybrid.value);
    } else {
      const obj = readObjectAt(buf, skipBlank(buf, at));
      if (dictGet(obj.value, 'Type')?.kind !== 'name' || (dictGet(obj.value, 'Type') as { value: string }).value !== 'XRef') {
        throw new PdfSyntaxError('startxref points at neither a table nor a stream', at);
      }
      readXrefStream(buf, obj, entries);
      trailer = obj.value as PdfDict;
    }
    newest ??= { trailer, kind: head.text === 'xref' ? 'table' : 'stream' };
    const prev = trailer.entries.get('Prev');
    if (prev?.kind === 'number') pending.push(prev.value);
  }
  if (!newest) throw new PdfSyntaxError('no trailer', startxref);
  return { entries, trailer: newest.trailer, startxref, kind: newest.kind };
}

function readTableSection(buf: Buffer, from: number, entries: CrossReference['entries']): PdfDict {
  let p = from;
  for (;;) {
    const word = readKeyword(buf, p);
    if (word.text === 'trailer') {
      const { value } = parseValue(buf, word.end);
      if (value.kind !== 'dict') throw new PdfSyntaxError('trailer is not a dictionary', word.end);
      return value;
    }
    const first = readInteger(buf, p);
    const count = first && readInteger(buf, first.end);
    if (!first || !count) throw new PdfSyntaxError('bad cross-reference subsection', p);
    p = count.end;
    for (let i = 0; i < count.value; i++) {
      const offset = readInteger(buf, p);
      const gen = offset && readInteger(buf, offset.end);
      const type = gen && readKeyword(buf, gen.end);
      if (!offset || !gen || !type || (type.text !== 'n' && type.text !== 'f')) throw new PdfSyntaxError('bad cross-reference entry', p);
      const num = first.value + i;
      if (!entries.has(num)) entries.set(num, type.text === 'n' ? { offset: offset.value, gen: gen.value } : { free: true });
      p = type.end;
    }
  }
}

/** Resolves indirect objects by the cross-reference, falling back to the newest definition in the body. */
export class ObjectResolver {
  private scanned: Map<number, IndirectObject> | undefined;

  constructor(private readonly buf: Buffer, private readonly xref: CrossReference | undefined) {}

  get(num: number, depth = 0): IndirectObject | undefined {
    const entry = this.xref?.entries.get(num);
    if (entry && 'inStream' in entry) {
      const container = depth === 0 ? this.get(entry.inStream, 1) : undefined;
      return container ? readFromObjectStream(this.buf, container, num) : undefined;
    }
    if (entry && 'offset' in entry) {
      try {
        const obj = readObjectAt(this.buf, entry.offset);
        if (obj.num === num) return obj;
      } catch {
        // A wrong offset is common in hand-edited files; the body walk below still finds the object.
      }
    }
    if (!this.scanned) {
      this.scanned = new Map();
      for (const obj of scanObjects(this.buf)) this.scanned.set(obj.num, obj);
    }
    return this.scanned.get(num);
  }

  resolve(value: PdfValue | undefined): PdfValue | undefined {
    return value?.kind === 'ref' ? this.get(value.num)?.value : value;
  }
}
