/**
 * Path building and validation (RFC 5280 section 6) with pkijs's CertificateChainValidationEngine: from the signer
 * through the intermediates it came with to a trust anchor, every signature checked, CA certificates checked for
 * basicConstraints and keyCertSign, validity judged at the policy's instant. The engine is given no CRL and no OCSP
 * answer on purpose: it would then skip revocation silently, so revocation is done by revocation-checker.ts for
 * every certificate of the path, and its absence is a verdict, never a silence.
 */
import * as pkijs from 'pkijs';
import { pkiCrypto } from './crypto-engine.js';
import { distinguishedName } from './certificate-summary.js';

export type ChainResult =
  | { ok: true; path: pkijs.Certificate[] }
  | { ok: false; code: 'SIG_CERT_UNTRUSTED' | 'SIG_CERT_EXPIRED' | 'SIG_CERT_NOT_YET_VALID'; message: string };

function outOfWindow(cert: pkijs.Certificate, at: Date): 'SIG_CERT_EXPIRED' | 'SIG_CERT_NOT_YET_VALID' | undefined {
  if (cert.notAfter.value.getTime() < at.getTime()) return 'SIG_CERT_EXPIRED';
  if (cert.notBefore.value.getTime() > at.getTime()) return 'SIG_CERT_NOT_YET_VALID';
  return undefined;
}

async function engineVerify(leaf: pkijs.Certificate, intermediates: pkijs.Certificate[], anchors: pkijs.Certificate[], at: Date): Promise<{ path?: pkijs.Certificate[]; message: string }> {
  // The engine takes the certificate to validate as the LAST of `certs`.
  const engine = new pkijs.CertificateChainValidationEngine({ trustedCerts: anchors, certs: [...intermediates, leaf], checkDate: at });
  try {
    const result = await engine.verify({}, pkiCrypto());
    if (result.result && result.certificatePath) return { path: result.certificatePath, message: '' };
    return { message: result.resultMessage || 'no path to a trust anchor' };
  } catch (error) {
    const message = (error as { resultMessage?: string; message?: string }).resultMessage ?? (error as Error).message;
    return { message: message || 'no path to a trust anchor' };
  }
}

function when(code: 'SIG_CERT_EXPIRED' | 'SIG_CERT_NOT_YET_VALID', cert: pkijs.Certificate): string {
  return code === 'SIG_CERT_EXPIRED' ? `expired on ${cert.notAfter.value.toISOString()}` : `is not valid before ${cert.notBefore.value.toISOString()}`;
}

/** Re-checks the validity windows of a path already built (cached paths are re-judged at each instant). */
export function checkWindows(path: pkijs.Certificate[], at: Date): ChainResult {
  for (const [i, cert] of path.entries()) {
    const code = outOfWindow(cert, at);
    if (code) {
      const who = i === 0 ? 'The signer certificate' : `The CA certificate "${distinguishedName(cert.subject).fields.CN ?? distinguishedName(cert.subject).text}"`;
      return { ok: false, code, message: `${who} ${when(code, cert)} (checked at ${at.toISOString()}).` };
    }
  }
  return { ok: true, path };
}

/**
 * Instants inside the signer's validity to try a path at when it failed at the instant judged: its last second
 * first (its CA is then most likely valid too: a CA renewed, or a certificate back-dated before its CA's start,
 * fails at the first second), then its first second, then the middle.
 */
function instantsInside(leaf: pkijs.Certificate): Date[] {
  const from = leaf.notBefore.value.getTime();
  const to = leaf.notAfter.value.getTime();
  if (to < from) return [];
  const candidates = [Math.max(from, to - 1000), Math.min(to, from + 1000), Math.floor((from + to) / 2)];
  return [...new Set(candidates)].map((t) => new Date(t));
}

export async function buildChain(leaf: pkijs.Certificate, intermediates: pkijs.Certificate[], anchors: pkijs.Certificate[], at: Date): Promise<ChainResult> {
  const first = await engineVerify(leaf, intermediates, anchors, at);
  if (first.path) return { ok: true, path: first.path };
  // Was it only time? A path at an instant inside the signer's validity means "expired" (or not yet valid), not
  // "untrusted": the clerk must be told the certificate's date passed, not that its CA is unknown.
  if (outOfWindow(leaf, at) || intermediates.some((c) => outOfWindow(c, at)) || anchors.some((c) => outOfWindow(c, at))) {
    for (const inside of instantsInside(leaf)) {
      const again = await engineVerify(leaf, intermediates, anchors, inside);
      if (!again.path) continue;
      const timed = checkWindows(again.path, at);
      if (!timed.ok) return timed;
    }
  }
  return { ok: false, code: 'SIG_CERT_UNTRUSTED', message: `The signer certificate does not chain to a trusted root (${first.message}).` };
}
