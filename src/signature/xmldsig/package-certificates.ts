/**
 * The certificates a package's XMLDSig KeyInfo carries (the signer and the issuers it sent along), DER, whatever the
 * verdict on the signature: what an evidence bundle keeps as the signer's chain. Unreadable XML or base64 gives none;
 * this never throws.
 */
import { decodeBase64 } from './key-info-certificates.js';
import { readPackageStructure } from './package-structure.js';
import { readElement, readSignatureParts } from './signature-element.js';

export function packageCertificates(bytes: Uint8Array): Buffer[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found: Buffer[] = [];
  try {
    for (const location of readPackageStructure(buf).signatures) {
      for (const text of readSignatureParts(readElement(buf, location)).certificates) {
        const der = decodeBase64(text);
        if (der) found.push(der);
      }
    }
  } catch {
    // Not a package the scanner can read: it carries no certificate we could name.
  }
  return found;
}
