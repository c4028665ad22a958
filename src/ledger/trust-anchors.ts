/**
 * Trust anchors for offline receipt verification: the same directory format the signature checks use (src/pki), as
 * node X509Certificate objects because receipt signatures are checked with node:crypto.
 */
import { X509Certificate } from 'node:crypto';
import { loadTrustAnchors as loadAnchorDer } from '../pki/trust-anchors.js';

export async function loadTrustAnchors(dir: string): Promise<X509Certificate[]> {
  return (await loadAnchorDer(dir)).map((der) => new X509Certificate(der));
}
