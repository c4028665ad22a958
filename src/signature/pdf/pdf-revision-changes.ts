/**
 * Decides whether what was appended after a signature's range only adds signatures (the agency seal after the
 * official's signature) or changes what the reader sees. Deliberately narrow, in the spirit of DocMDP level 2
 * without form filling: allowed are new signature dictionaries and signature fields, an existing signature field
 * being signed (/V, its appearance), a page's /Annots and the AcroForm's /Fields growing by signature fields only,
 * /SigFlags, the catalog gaining /AcroForm, /DSS, /Metadata or /Extensions, document metadata (/Info, XMP), and
 * cross-reference data. Anything else (a content stream, a font, a new /Root, a compressed object stream we
 * cannot look into) counts as a modification.
 */
import { ObjectResolver, readCrossReference, scanObjects, type CrossReference, type IndirectObject } from './pdf-objects.js';
import { dictGet, parseValue, readKeyword, serialize, type PdfValue } from './pdf-syntax.js';

export interface RevisionChanges {
  signaturesOnly: boolean;
  /** What was changed besides signatures, for the report (first few). */
  changes: string[];
}

const ALLOWED_CHANGED_KEYS: Record<string, Set<string>> = {
  catalog: new Set(['AcroForm', 'DSS', 'Metadata', 'Extensions']),
  signatureField: new Set(['V', 'AP', 'Lock', 'SV', 'MK', 'F']),
  page: new Set(['Annots']),
  acroForm: new Set(['Fields', 'SigFlags']),
};

function nameOf(v: PdfValue | undefined): string | undefined {
  return v?.kind === 'name' ? v.value : undefined;
}

function isSignatureField(v: PdfValue | undefined): boolean {
  return nameOf(dictGet(v, 'FT')) === 'Sig';
}

function isSignatureDictionary(v: PdfValue | undefined): boolean {
  return v?.kind === 'dict' && v.entries.has('ByteRange') && v.entries.has('Contents');
}

function roleOf(v: PdfValue): keyof typeof ALLOWED_CHANGED_KEYS | undefined {
  const type = nameOf(dictGet(v, 'Type'));
  if (isSignatureField(v)) return 'signatureField';
  if (type === 'Catalog') return 'catalog';
  if (type === 'Page') return 'page';
  if (v.kind === 'dict' && (v.entries.has('Fields') || v.entries.has('SigFlags'))) return 'acroForm';
  return undefined;
}

function differingKeys(before: PdfValue, after: PdfValue): string[] {
  if (before.kind !== 'dict' || after.kind !== 'dict') return ['(whole object)'];
  const keys = new Set([...before.entries.keys(), ...after.entries.keys()]);
  return [...keys].filter((k) => {
    const a = before.entries.get(k);
    const b = after.entries.get(k);
    return a === undefined || b === undefined || serialize(a) !== serialize(b);
  });
}

/** Items appended to an array must be signature fields; nothing may be removed or reordered. */
function grewBySignatureFields(before: PdfValue | undefined, after: PdfValue | undefined, added: Map<number, IndirectObject>): boolean {
  const old = before?.kind === 'array' ? before.items.map(serialize) : [];
  if (after?.kind !== 'array' || after.items.length < old.length) return false;
  if (!old.every((s, i) => serialize(after.items[i] as PdfValue) === s)) return false;
  return after.items.slice(old.length).every((item) => item.kind === 'ref' && isSignatureField(added.get(item.num)?.value));
}

/**
 * The document as it was signed: the bytes up to the end of the signed range, read through their own
 * cross-reference (so objects that sat in object streams are compared too).
 */
class SignedRevision {
  private readonly resolver: ObjectResolver;
  private readonly xref: CrossReference | undefined;
  private readonly scanned = new Map<number, IndirectObject>();

  constructor(buf: Buffer, end: number) {
    const bytes = buf.subarray(0, end);
    try {
      this.xref = readCrossReference(bytes);
    } catch {
      this.xref = undefined;
    }
    for (const obj of scanObjects(bytes)) this.scanned.set(obj.num, obj);
    this.resolver = new ObjectResolver(bytes, this.xref);
  }

  get root(): string | undefined {
    const root = this.xref?.trailer.entries.get('Root');
    return root ? serialize(root) : undefined;
  }

  get infoNumber(): number | undefined {
    const info = this.xref?.trailer.entries.get('Info');
    return info?.kind === 'ref' ? info.num : undefined;
  }

  existed(num: number): boolean {
    const entry = this.xref?.entries.get(num);
    return (entry !== undefined && !('free' in entry)) || this.scanned.has(num);
  }

  get(num: number): IndirectObject | undefined {
    try {
      return this.resolver.get(num);
    } catch {
      return undefined;
    }
  }
}

export function changesAfter(buf: Buffer, from: number, rootFromTrailer: string | undefined): RevisionChanges {
  const changes: string[] = [];
  const before = new SignedRevision(buf, from);
  const previousRoot = before.root ?? rootFromTrailer;
  const infoNum = before.infoNumber;
  const added = new Map<number, IndirectObject>();
  const unreadable = (offset: number): void => {
    changes.push(`an object at byte ${offset} cannot be read`);
  };
  for (const obj of scanObjects(buf, from, buf.length, unreadable)) added.set(obj.num, obj);

  const derefNew = (v: PdfValue | undefined): PdfValue | undefined => (v?.kind === 'ref' ? (added.get(v.num) ?? before.get(v.num))?.value : v);
  const derefOld = (v: PdfValue | undefined): PdfValue | undefined => (v?.kind === 'ref' ? before.get(v.num)?.value : v);
  for (const obj of added.values()) {
    const v = obj.value;
    const type = nameOf(dictGet(v, 'Type'));
    if (type === 'XRef') {
      const root = dictGet(v, 'Root');
      if (previousRoot !== undefined && root && serialize(root) !== previousRoot) changes.push(`the document catalog was replaced (${serialize(root)})`);
      continue;
    }
    if (type === 'ObjStm') {
      changes.push(`object ${obj.num} is a compressed object stream that cannot be checked`);
      continue;
    }
    const old = before.get(obj.num);
    if (!old && before.existed(obj.num)) {
      changes.push(`object ${obj.num} was re-issued and its signed version cannot be read to compare`);
      continue;
    }
    // A brand-new object only matters if an allowed change makes it reachable; those are checked below.
    if (!old) continue;
    // Metadata (the /Info dictionary, XMP streams) is not what the reader sees on the page; signing tools update it.
    const plainInfo = obj.num === infoNum && old.value.kind === 'dict' && !old.stream && dictGet(old.value, 'Type') === undefined;
    if (plainInfo || (type === 'Metadata' && nameOf(dictGet(old.value, 'Type')) === 'Metadata')) continue;
    // A newer version of a signature (reported as superseded) is not a content change.
    if (isSignatureDictionary(old.value) && isSignatureDictionary(v)) continue;
    if (old.value.kind === 'array') {
      if (!grewBySignatureFields(old.value, v, added)) changes.push(`array object ${obj.num} changed`);
      continue;
    }
    const role = roleOf(old.value);
    const diff = differingKeys(old.value, v);
    const allowed = role ? ALLOWED_CHANGED_KEYS[role] : undefined;
    const bad = diff.filter((k) => !allowed?.has(k));
    if (bad.length > 0) {
      changes.push(`object ${obj.num} changed (${bad.slice(0, 5).join(', ')})`);
      continue;
    }
    for (const key of diff) {
      const a = dictGet(old.value, key);
      const b = dictGet(v, key);
      if ((key === 'Annots' || key === 'Fields') && !grewBySignatureFields(derefOld(a), derefNew(b), added)) changes.push(`object ${obj.num} /${key} gained something other than a signature field`);
      if (key === 'AcroForm' && !isNewAcroFormOfSignatures(b, a, before, added)) changes.push(`object ${obj.num} got an AcroForm with more than signature fields`);
    }
  }
  for (const root of trailerRoots(buf, from)) {
    if (previousRoot !== undefined && root !== previousRoot) changes.push(`the document catalog was replaced (${root})`);
  }
  return { signaturesOnly: changes.length === 0, changes: changes.slice(0, 10) };
}

const NEW_ACROFORM_KEYS = new Set(['Fields', 'SigFlags', 'DA', 'DR']);

/** A catalog pointing at another AcroForm: it may hold only the old fields plus signature fields, and no XFA. */
function isNewAcroFormOfSignatures(value: PdfValue | undefined, old: PdfValue | undefined, before: SignedRevision, added: Map<number, IndirectObject>): boolean {
  const form = value?.kind === 'ref' ? (added.get(value.num) ?? before.get(value.num))?.value : value;
  if (form?.kind !== 'dict' || ![...form.entries.keys()].every((k) => NEW_ACROFORM_KEYS.has(k))) return false;
  const oldForm = old?.kind === 'ref' ? before.get(old.num)?.value : old;
  const derefNew = (v: PdfValue | undefined): PdfValue | undefined => (v?.kind === 'ref' ? (added.get(v.num) ?? before.get(v.num))?.value : v);
  const derefOld = (v: PdfValue | undefined): PdfValue | undefined => (v?.kind === 'ref' ? before.get(v.num)?.value : v);
  return grewBySignatureFields(derefOld(dictGet(oldForm, 'Fields')), derefNew(dictGet(form, 'Fields')), added);
}

/** The /Root of every trailer dictionary in [from, end): a new catalog means a new document. */
function trailerRoots(buf: Buffer, from: number): string[] {
  const roots: string[] = [];
  for (let at = buf.indexOf('trailer', from, 'latin1'); at >= 0; at = buf.indexOf('trailer', at + 7, 'latin1')) {
    try {
      const { value } = parseValue(buf, readKeyword(buf, at).end);
      const root = dictGet(value, 'Root');
      if (root) roots.push(serialize(root));
    } catch {
      // Not a trailer readers would use (the word inside other data): nothing to compare.
    }
  }
  return roots;
}

/** The /Root of the newest trailer before `to`: what the signed revision showed. */
export function rootBefore(buf: Buffer, to: number): string | undefined {
  const at = buf.lastIndexOf('trailer', to, 'latin1');
  if (at < 0) return undefined;
  try {
    const root = dictGet(parseValue(buf, readKeyword(buf, at).end).value, 'Root');
    return root ? serialize(root) : undefined;
  } catch {
    return undefined;
  }
}
