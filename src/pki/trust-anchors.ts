/**
 * A directory of trust anchors (the government root and subordinate certificates, or the test PKI's): every .pem,
 * .crt, .cer or .der file, PEM bundles included. Anything that is not a certificate is skipped; an empty result is an
 * error, because "trust nothing" configured by mistake must not look like "every signer is untrusted".
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { certificatesDer, parseCertificate } from './certificate-parse.js';
import { PkiError } from './pki-error.js';

const CERT_FILE = /\.(pem|crt|cer|der)$/i;
const MAX_ANCHOR_FILE = 1024 * 1024;

export async function loadTrustAnchors(dir: string): Promise<Buffer[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new PkiError('PKI_TRUST_UNREADABLE', `The trust directory ${dir} cannot be read.`, { dir }, { cause: error });
  }
  const anchors: Buffer[] = [];
  for (const name of names.filter((n) => CERT_FILE.test(n)).sort()) {
    const bytes = await readFile(join(dir, name));
    if (bytes.length > MAX_ANCHOR_FILE) continue;
    try {
      for (const der of certificatesDer(bytes)) {
        parseCertificate(der);
        anchors.push(der);
      }
    } catch {
      // Not a certificate, so not an anchor; the empty check below tells the operator when nothing was usable.
    }
  }
  if (anchors.length === 0) throw new PkiError('PKI_TRUST_EMPTY', `The trust directory ${dir} holds no readable certificate.`, { dir });
  return anchors;
}
