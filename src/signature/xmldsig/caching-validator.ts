/**
 * Remembers chain-and-revocation verdicts for a while, so a burst of packages from the same official costs one
 * validation. Keyed by the certificates and the policy; verdicts expire after `ttlMs` (revocation can change).
 */
import { createHash } from 'node:crypto';
import type { CertificateValidationReport, CertificateValidator, ValidationPolicy } from '../../pki/types.js';

export function cachingValidator(inner: CertificateValidator, options: { ttlMs?: number; maxEntries?: number } = {}): CertificateValidator {
  const ttl = options.ttlMs ?? 5 * 60_000;
  const max = options.maxEntries ?? 1000;
  const cache = new Map<string, { at: number; report: Promise<CertificateValidationReport> }>();
  return {
    validate(signer: Uint8Array, intermediates: Uint8Array[], policy?: ValidationPolicy): Promise<CertificateValidationReport> {
      const h = createHash('sha256').update(signer);
      for (const i of intermediates) h.update(i);
      const { crls, ...rest } = policy ?? {};
      for (const c of crls ?? []) h.update(c);
      const key = h.update(JSON.stringify(rest)).digest('hex');
      const hit = cache.get(key);
      if (hit && Date.now() - hit.at < ttl) return hit.report;
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      const report = inner.validate(signer, intermediates, policy);
      cache.set(key, { at: Date.now(), report });
      report.catch(() => cache.delete(key));
      return report;
    },
  };
}
