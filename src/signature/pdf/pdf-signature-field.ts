/**
 * Plans the objects one more signature needs (ISO 32000-1 §12.7.4.5, §12.8): the signature dictionary, a field
 * merged with its widget (invisible on the first page, or visible on a chosen page with an appearance), the page's
 * /Annots and the AcroForm's /Fields extended, /SigFlags 3. Existing objects are re-issued under their own numbers;
 * nothing earlier is touched.
 */
import { decodeText, dictGet, pdf, type PdfDict, type PdfValue } from './pdf-syntax.js';
import type { ObjectResolver } from './pdf-objects.js';
import { objectBody, type UpdatedObject } from './pdf-incremental-update.js';
import { PdfSignatureError } from './pdf-signature-error.js';

export interface SignatureFieldPlan {
  objects: UpdatedObject[];
  signatureObject: number;
  fieldName: string;
}

function unsupported(message: string): PdfSignatureError {
  return new PdfSignatureError('PDF_STRUCTURE_UNSUPPORTED', message);
}

function asDict(value: PdfValue | undefined, what: string): PdfDict {
  if (value?.kind !== 'dict') throw unsupported(`The PDF's ${what} could not be read.`);
  return value;
}

const MAX_PAGE_TREE_NODES = 100_000;

/** The page with 0-based `index`, walking the page tree in order (§7.7.3.2) and skipping subtrees by their /Count. */
function pageAt(resolver: ObjectResolver, root: PdfValue | undefined, index: number): { num: number; gen: number; dict: PdfDict } {
  let remaining = index;
  const stack: Array<{ node: PdfValue | undefined; depth: number }> = [{ node: root, depth: 0 }];
  for (let visited = 0; stack.length > 0 && visited < MAX_PAGE_TREE_NODES; visited++) {
    const { node, depth } = stack.pop()!;
    if (node?.kind !== 'ref' || depth > 64) continue;
    const obj = resolver.get(node.num);
    const dict = asDict(obj?.value, 'page tree');
    const type = dictGet(dict, 'Type');
    if (type?.kind === 'name' && type.value === 'Page') {
      if (remaining === 0) return { num: node.num, gen: obj?.gen ?? 0, dict };
      remaining--;
      continue;
    }
    const count = dictGet(dict, 'Count');
    if (depth > 0 && count?.kind === 'number' && count.value <= remaining) {
      remaining -= count.value;
      continue;
    }
    const kids = resolver.resolve(dict.entries.get('Kids'));
    if (kids?.kind === 'array') for (let k = kids.items.length - 1; k >= 0; k--) stack.push({ node: kids.items[k], depth: depth + 1 });
  }
  throw unsupported(index === 0 ? 'The PDF has no page to attach the signature field to.' : `The PDF has no page ${index + 1}.`);
}

function existingFieldNames(resolver: ObjectResolver, fields: PdfValue | undefined): Set<string> {
  const names = new Set<string>();
  if (fields?.kind !== 'array') return names;
  for (const f of fields.items) {
    const t = dictGet(resolver.resolve(f), 'T');
    if (t?.kind === 'string') names.add(decodeText(t.bytes));
  }
  return names;
}

/**
 * Adds `item` to the array at `holder[key]`: in place when the array is direct, by re-issuing the array object when
 * it is indirect. Returns the objects to write besides the holder, and whether the holder itself changed.
 */
function appendToArray(resolver: ObjectResolver, holder: PdfDict, key: string, item: PdfValue): { extra: UpdatedObject[]; holderChanged: boolean } {
  const current = holder.entries.get(key);
  if (current?.kind === 'ref') {
    const obj = resolver.get(current.num);
    if (obj?.value.kind !== 'array') throw unsupported(`The PDF's /${key} array could not be read.`);
    return { extra: [{ num: obj.num, gen: obj.gen, body: objectBody(pdf.array([...obj.value.items, item])) }], holderChanged: false };
  }
  holder.entries.set(key, pdf.array([...(current?.kind === 'array' ? current.items : []), item]));
  return { extra: [], holderChanged: true };
}

function copy(dict: PdfDict): PdfDict {
  return { kind: 'dict', entries: new Map(dict.entries) };
}

/** Where a visible signature goes and what it shows (objects from appearanceObjects, numbered from `first`). */
export interface VisibleWidget {
  /** 0-based page index. */
  pageIndex: number;
  rect: [number, number, number, number];
  appearance(first: number): { objects: UpdatedObject[]; form: number };
}

export function planSignatureField(resolver: ObjectResolver, trailer: PdfDict, nextObject: number, signatureBody: string, visible?: VisibleWidget): SignatureFieldPlan {
  const rootRef = trailer.entries.get('Root');
  if (rootRef?.kind !== 'ref') throw unsupported('The PDF trailer names no document catalog.');
  const rootObj = resolver.get(rootRef.num);
  const catalog = copy(asDict(rootObj?.value, 'document catalog'));
  const page = pageAt(resolver, catalog.entries.get('Pages'), visible?.pageIndex ?? 0);
  const sigNum = nextObject;
  const widgetNum = nextObject + 1;
  const objects: UpdatedObject[] = [{ num: sigNum, gen: 0, body: signatureBody }];

  const acroRef = catalog.entries.get('AcroForm');
  const acroObj = acroRef?.kind === 'ref' ? resolver.get(acroRef.num) : undefined;
  const acroForm = acroRef === undefined ? pdf.dict({}) : copy(asDict(acroObj ? acroObj.value : acroRef, 'AcroForm'));
  const taken = existingFieldNames(resolver, resolver.resolve(acroForm.entries.get('Fields')));
  let k = taken.size + 1;
  while (taken.has(`Signature${k}`)) k++;
  const fieldName = `Signature${k}`;

  const pageRef = pdf.ref(page.num, page.gen);
  const widget = pdf.dict({
    Type: pdf.name('Annot'),
    Subtype: pdf.name('Widget'),
    FT: pdf.name('Sig'),
    T: pdf.text(fieldName),
    V: pdf.ref(sigNum),
    // Print + Locked: the signature shows on paper and a reader does not let anyone move it.
    F: pdf.int(132),
    Rect: pdf.array([pdf.int(0), pdf.int(0), pdf.int(0), pdf.int(0)]),
    P: pageRef,
  });
  if (visible) {
    // Numbers after the AcroForm's possible new number (nextObject + 2): the appearance's objects are all new.
    const face = visible.appearance(nextObject + 3);
    const [x, y, w, h] = visible.rect;
    widget.entries.set('Rect', pdf.array([x, y, x + w, y + h].map((v) => ({ kind: 'number' as const, value: v, raw: String(Math.round(v * 100) / 100) }))));
    widget.entries.set('AP', pdf.dict({ N: pdf.ref(face.form) }));
    objects.push(...face.objects);
  }
  objects.push({ num: widgetNum, gen: 0, body: objectBody(widget) });

  const pageDict = copy(page.dict);
  const annots = appendToArray(resolver, pageDict, 'Annots', pdf.ref(widgetNum));
  objects.push(...annots.extra);
  if (annots.holderChanged) objects.push({ num: page.num, gen: page.gen, body: objectBody(pageDict) });

  const fields = appendToArray(resolver, acroForm, 'Fields', pdf.ref(widgetNum));
  objects.push(...fields.extra);
  acroForm.entries.set('SigFlags', pdf.int(3));
  if (acroObj) {
    objects.push({ num: acroObj.num, gen: acroObj.gen, body: objectBody(acroForm) });
  } else {
    const acroNum = nextObject + 2;
    objects.push({ num: acroNum, gen: 0, body: objectBody(acroForm) });
    catalog.entries.set('AcroForm', pdf.ref(acroNum));
    if (page.num === rootRef.num) throw unsupported('The PDF catalog and page are the same object.');
    objects.push({ num: rootRef.num, gen: rootObj?.gen ?? 0, body: objectBody(catalog) });
  }
  // A page re-issued twice (page holding its own Annots array, say) would be ambiguous: keep the last version.
  const byNum = new Map<number, UpdatedObject>();
  for (const o of objects) byNum.set(o.num, o);
  return { objects: [...byNum.values()], signatureObject: sigNum, fieldName };
}
