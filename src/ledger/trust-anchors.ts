/** Reads a directory of trust anchors (PEM, possibly several per file, or DER) for offline receipt verification. */
import { X509Certificate } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AxisError } from '../errors/axis-error.js';

const CERT_FILE = /\.(pem|crt|cer|der)$/i;
const MAX_ANCHOR_FILE = 1024 * 1024;

export function certificatesOf(bytes: Buffer): X509Certificate[] {
  const text = bytes.toString('latin1');
  const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (pems) return pems.map((pem) => new X509Certificate(pem));
  return [new X509Certificate(bytes)];
}

export async function loadTrustAnchors(dir: string): Promise<X509Certificate[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new AxisError('LEDGER_TRUST_UNREADABLE', `The trust directory ${dir} cannot be read.`, { dir }, { cause: error });
  }
  const anchors: X509Certificate[] = [];
  for (const name of names.filter((n) => CERT_FILE.test(n)).sort()) {
    const bytes = await readFile(join(dir, name));
    if (bytes.length > MAX_ANCHOR_FILE) continue;
    try {
      anchors.push(...certificatesOf(bytes));
    } catch {
      // A file that is not a certificate is not an anchor; the count below tells the operator if nothing was usable.
    }
  }
  if (anchors.length === 0) throw new AxisError('LEDGER_TRUST_EMPTY', `The trust directory ${dir} holds no readable certificate.`, { dir });
  return anchors;
}
