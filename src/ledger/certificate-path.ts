/**
 * A small path check for the axis's own certificates: each certificate signed by the next, up to a trust anchor,
 * each valid at the instant the receipt was made. Receipts are judged at their own time, so a receipt stays
 * provable after the axis certificate expires (revocation of the axis key is for the ledger checkpoints to settle).
 */
import { X509Certificate } from 'node:crypto';

export type PathVerdict =
  | { ok: true; path: X509Certificate[] }
  | { ok: false; code: 'RECEIPT_CHAIN_UNTRUSTED' | 'RECEIPT_CERT_EXPIRED'; message: string };

export function toX509(cert: X509Certificate | Uint8Array): X509Certificate {
  return cert instanceof X509Certificate ? cert : new X509Certificate(cert);
}

function issuedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return child.checkIssued(issuer) && child.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function validAt(cert: X509Certificate, at: Date): boolean {
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  return !(Number.isNaN(from) || Number.isNaN(to)) && at.getTime() >= from && at.getTime() <= to;
}

/** Builds leaf -> ... -> anchor from `pool` (any order) and checks every link and validity at `at`. */
export function verifyPath(leaf: X509Certificate, pool: readonly X509Certificate[], anchors: readonly X509Certificate[], at: Date): PathVerdict {
  const path = [leaf];
  let current = leaf;
  for (let depth = 0; depth < 8; depth += 1) {
    const anchor = anchors.find((a) => a.fingerprint256 === current.fingerprint256) ?? anchors.find((a) => issuedBy(current, a));
    if (anchor) {
      if (anchor.fingerprint256 !== current.fingerprint256) path.push(anchor);
      const expired = path.find((cert) => !validAt(cert, at));
      if (expired) return { ok: false, code: 'RECEIPT_CERT_EXPIRED', message: `Certificate "${expired.subject.replace(/\n/g, ', ')}" was not valid at ${at.toISOString()}, when the receipt was made.` };
      return { ok: true, path };
    }
    const holder = current;
    const next = pool.find((c) => c.fingerprint256 !== holder.fingerprint256 && !path.includes(c) && issuedBy(holder, c));
    if (!next) break;
    path.push(next);
    current = next;
  }
  return { ok: false, code: 'RECEIPT_CHAIN_UNTRUSTED', message: 'The axis certificate that signed this receipt does not lead to any of the trust anchors given.' };
}
