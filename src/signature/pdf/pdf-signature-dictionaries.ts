/**
 * Finds every signature dictionary in a PDF (ISO 32000-1 §12.8.1): each object carrying /ByteRange and /Contents,
 * every definition of it, wherever it sits (so a signature hidden from the AcroForm or replaced by a later revision
 * is still checked), with the name of the field that points at it when there is one.
 */
import { scanObjects, type IndirectObject } from './pdf-objects.js';
import { decodeText, dictGet, type PdfValue } from './pdf-syntax.js';

export interface SignatureDictionary {
  objectNumber: number;
  dict: PdfValue;
  /** A later revision re-defines this object number: the signature is no longer the one the field shows. */
  superseded: boolean;
  /** A signature field's /V points here but no readable signature dictionary is there. */
  unreadable?: boolean;
  fieldName?: string;
  /** Raw entries, checked by the verifier. */
  byteRange: PdfValue | undefined;
  contents: PdfValue | undefined;
  subFilter?: string;
  type?: string;
  /** The claimed signing time as written (/M), if any. */
  m?: string;
  name?: string;
  reason?: string;
  location?: string;
}

function text(value: PdfValue | undefined): string | undefined {
  return value?.kind === 'string' ? decodeText(value.bytes) : undefined;
}

function nameOf(value: PdfValue | undefined): string | undefined {
  return value?.kind === 'name' ? value.value : undefined;
}

export function findSignatureDictionaries(buf: Buffer, objects: IndirectObject[] = scanObjects(buf)): SignatureDictionary[] {
  const newest = new Map<number, IndirectObject>();
  for (const obj of objects) newest.set(obj.num, obj);
  const fieldNames = new Map<number, string>();
  for (const obj of newest.values()) {
    const v = dictGet(obj.value, 'V');
    if (nameOf(dictGet(obj.value, 'FT')) === 'Sig' && v?.kind === 'ref') fieldNames.set(v.num, text(dictGet(obj.value, 'T')) ?? '');
  }
  const found: SignatureDictionary[] = [];
  // Every definition, not only the newest: a signature replaced by a later revision still signed what it signed,
  // and hiding it would hide the changes made after it.
  for (const obj of objects) {
    const d = obj.value;
    if (d.kind !== 'dict' || !d.entries.has('ByteRange') || !d.entries.has('Contents')) continue;
    const type = nameOf(d.entries.get('Type'));
    if (type !== undefined && type !== 'Sig' && type !== 'DocTimeStamp') continue;
    const entry: SignatureDictionary = { objectNumber: obj.num, dict: d, superseded: newest.get(obj.num) !== obj, byteRange: d.entries.get('ByteRange'), contents: d.entries.get('Contents') };
    const optional: Record<string, string | undefined> = {
      fieldName: fieldNames.get(obj.num),
      subFilter: nameOf(d.entries.get('SubFilter')),
      type,
      m: text(d.entries.get('M')),
      name: text(d.entries.get('Name')),
      reason: text(d.entries.get('Reason')),
      location: text(d.entries.get('Location')),
    };
    for (const [k, v] of Object.entries(optional)) if (v !== undefined) (entry as unknown as Record<string, string>)[k] = v;
    found.push(entry);
  }
  // A signed field whose signature cannot be read is a broken signature, not an absent one.
  for (const [num, fieldName] of fieldNames) {
    if (found.some((f) => f.objectNumber === num)) continue;
    found.push({ objectNumber: num, dict: { kind: 'null' }, superseded: false, unreadable: true, byteRange: undefined, contents: undefined, fieldName });
  }
  return found;
}

/** Parses a PDF date (§7.9.4) "D:YYYYMMDDHHmmSSOHH'mm'" into ISO-8601, or undefined when it is not one. */
export function parsePdfDate(value: string): string | undefined {
  const m = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?'?$/.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', sign, oh = '00', om = '00'] = m;
  const offset = sign === '+' || sign === '-' ? `${sign}${oh}:${om}` : 'Z';
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
