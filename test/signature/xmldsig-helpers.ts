/** Shared pieces of the XMLDSig tests: the packages they sign, and byte surgery on signed packages. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const fixture = (name: string): Buffer => readFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)));

/** A real package with a ~360 KB base64 attachment, as agency systems send it. */
export const documentPackage = (): Buffer => fixture('edxml/edoc_new_clean.edxml');
export const statusPackage = (): Buffer => fixture('xmldsig/status.edxml');

/**
 * The package with one byte changed at `offset`, or at the next ASCII letter or digit after it (to another one, so
 * the package stays well-formed UTF-8 XML and only the signature can notice).
 */
export function flipByte(bytes: Buffer, offset: number): Buffer {
  const copy = Buffer.from(bytes);
  let at = offset;
  while (at < copy.length && !/[A-Za-z0-9]/.test(String.fromCharCode(copy[at]!))) at++;
  copy[at] = copy[at] === 0x41 ? 0x42 : 0x41;
  return copy;
}

/** The XMLDSig Signature element our signer wrote, as text. */
export function ourSignature(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  const start = text.indexOf('<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">');
  return text.slice(start, text.indexOf('</Signature>', start));
}

export function replaceText(bytes: Buffer, from: string | RegExp, to: string | ((match: string) => string)): Buffer {
  const text = bytes.toString('utf8');
  const next = typeof to === 'string' ? text.replace(from, to) : text.replace(from, to);
  if (next === text) throw new Error(`replaceText: ${String(from)} not found`);
  return Buffer.from(next, 'utf8');
}

/** Offset of the middle of the text content of the first element named `local` (any prefix). */
export function middleOfElement(bytes: Buffer, local: string): number {
  const text = bytes.toString('latin1');
  const open = new RegExp(`<(?:\\w+:)?${local}[^>]*>`).exec(text);
  if (!open) throw new Error(`no ${local}`);
  const start = open.index + open[0].length;
  const end = text.indexOf('<', start);
  return Math.floor((start + end) / 2);
}
