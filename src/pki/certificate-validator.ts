/**
 * createCertificateValidator: the CertificateValidator of types.ts. Parse -> path to a trust anchor at the policy's
 * instant -> the signer's own constraints (not a CA, a signing key usage) -> revocation of every certificate of the
 * path. Fail-closed by default: a revocation status that cannot be established makes the certificate not valid;
 * fail-open turns that into a warning. Never throws for a bad certificate.
 */
import { createHash } from 'node:crypto';
import type * as pkijs from 'pkijs';
import { buildChain, checkWindows } from './chain-builder.js';
import { certificateDer, derOf, parseCertificate, parseCertificateShared } from './certificate-parse.js';
import { isCertificateAuthority, keyUsageOf, summarizeParsed } from './certificate-summary.js';
import type { CrlDirectory } from './crl-directory.js';
import { fetchCrl, parseCrl } from './crl-source.js';
import { PkiError } from './pki-error.js';
import type { OcspVerdict } from './ocsp-client.js';
import { createMemoryRevocationCache, type RevocationCache } from './revocation-cache.js';
import { describeRevocationCache, type RevocationCacheState } from './revocation-cache-state.js';
import { checkPathRevocation } from './revocation-checker.js';
import type { FetchLike } from './revocation-fetch.js';
import type { CertificateSummary, CertificateValidationReport, CertificateValidator, KeyUsageName, ValidationPolicy } from './types.js';

export interface CertificateValidatorOptions {
  /** Trust anchors (DER or PEM), e.g. from loadTrustAnchors(dir). */
  trustAnchors: Uint8Array[];
  /** CRLs (DER or PEM) always available to this validator, besides those a policy hands in. */
  crls?: Uint8Array[];
  /** CRLs an operator places in a directory (CRL_DIR), read again when they change (crl-directory.ts). */
  crlDirectory?: CrlDirectory;
  /** OCSP on (default) or off; off means only CRLs count. */
  ocsp?: boolean;
  fetch?: FetchLike;
  cache?: RevocationCache;
  /** Network timeout per CRL or OCSP request (default 5 s) and size limit per answer (default 10 MiB). */
  timeoutMs?: number;
  maxResponseBytes?: number;
  /** Policy used when validate() is given none. */
  defaultPolicy?: ValidationPolicy;
  /** The clock revocation freshness is judged by (tests). */
  now?: () => Date;
}

const SIGNING_USAGES: KeyUsageName[] = ['digitalSignature', 'nonRepudiation'];
const PATH_CACHE_LIMIT = 1000;

function keyUsageProblem(cert: pkijs.Certificate, required: KeyUsageName[] | undefined): string | undefined {
  const usage = keyUsageOf(cert);
  if (!usage) return undefined; // RFC 5280: no keyUsage extension means no restriction.
  if (required && required.length > 0) {
    const missing = required.filter((u) => !usage.includes(u));
    return missing.length ? `The signer certificate does not allow ${missing.join(', ')} (it allows ${usage.join(', ') || 'nothing'}).` : undefined;
  }
  return usage.some((u) => SIGNING_USAGES.includes(u)) ? undefined : `The signer certificate is not for signing: its key usage is ${usage.join(', ') || 'empty'}, not digitalSignature or nonRepudiation.`;
}

function fingerprint(ders: Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const der of ders) hash.update(createHash('sha256').update(der).digest());
  return hash.digest('hex');
}

/** A validator that can also be told to fetch again every CRL it has used (a maintenance job, hourly). */
export interface RefreshableCertificateValidator extends CertificateValidator {
  refreshCrls(): Promise<{ refreshed: string[]; failed: Array<{ url: string; reason: string }> }>;
  /** How fresh the CRLs and OCSP answers it holds are (the operators' health page). */
  revocationCacheState(): RevocationCacheState;
}

export function createCertificateValidator(options: CertificateValidatorOptions): RefreshableCertificateValidator {
  const anchors = options.trustAnchors.map((a) => parseCertificate(a));
  if (anchors.length === 0) throw new PkiError('PKI_TRUST_EMPTY', 'A certificate validator needs at least one trust anchor.');
  const configuredCrls = (options.crls ?? []).map(parseCrl).filter((c): c is pkijs.CertificateRevocationList => c !== undefined);
  const cache = options.cache ?? createMemoryRevocationCache();
  const settings = { fetch: options.fetch ?? (globalThis.fetch as FetchLike), timeoutMs: options.timeoutMs ?? 5000, maxBytes: options.maxResponseBytes ?? 10 * 1024 * 1024 };
  const now = options.now ?? (() => new Date());
  // Paths already built and checked (signatures are the costly part); validity windows are re-judged every time.
  const paths = new Map<string, pkijs.Certificate[]>();
  const crlUrls = new Set<string>();
  const downloads = new Map<string, Promise<pkijs.CertificateRevocationList>>();
  const inFlight = new Map<string, Promise<OcspVerdict>>();

  async function pathFor(leaf: pkijs.Certificate, ders: Uint8Array[], intermediates: pkijs.Certificate[], at: Date) {
    const key = fingerprint(ders);
    const known = paths.get(key);
    if (known) return checkWindows(known, at);
    const result = await buildChain(leaf, intermediates, anchors, at);
    if (result.ok) {
      if (paths.size >= PATH_CACHE_LIMIT) paths.delete(paths.keys().next().value as string);
      paths.set(key, result.path);
    }
    return result;
  }

  return {
    async validate(signer, intermediates, policyArg) {
      const policy = { ...options.defaultPolicy, ...policyArg };
      const at = policy.at ?? now();
      const base = { checkedAt: at.toISOString(), warnings: [] as string[] };
      const invalid = (code: string, message: string, rest: Partial<CertificateValidationReport> = {}): CertificateValidationReport => ({
        valid: false, code, message, chain: { status: 'invalid', path: [] }, revocation: { status: 'unknown' }, ...base, ...rest,
      });
      let leaf: pkijs.Certificate;
      let signerSummary: CertificateSummary;
      let others: pkijs.Certificate[];
      try {
        leaf = parseCertificateShared(signer);
        signerSummary = summarizeParsed(leaf, certificateDer(signer));
        others = intermediates.map((i) => parseCertificateShared(i));
      } catch (error) {
        if (error instanceof PkiError) return invalid(error.code, error.message);
        throw error;
      }
      const chain = await pathFor(leaf, [signer, ...intermediates], others, at);
      if (!chain.ok) return invalid(chain.code, chain.message, { signer: signerSummary });
      const summaries = chain.path.map((c, i) => (i === 0 ? signerSummary : summarizeParsed(c, derOf(c))));
      const chainReport = { status: 'valid' as const, path: summaries };
      if (isCertificateAuthority(leaf)) {
        return invalid('SIG_CERT_CA_AS_SIGNER', 'The signer certificate is a CA certificate: a certification authority issues certificates, it does not sign documents.', { signer: signerSummary, chain: chainReport });
      }
      const usage = keyUsageProblem(leaf, policy.requiredKeyUsage);
      if (usage) return invalid('SIG_CERT_KEY_USAGE', usage, { signer: signerSummary, chain: chainReport });

      const handed = [...configuredCrls, ...(policy.crls ?? []).map(parseCrl).filter((c): c is pkijs.CertificateRevocationList => c !== undefined)];
      const offline = policy.offline === true;
      const current = now();
      const placed = options.crlDirectory ? await options.crlDirectory.current() : [];
      const crlCtx = { handed, placed, settings, cache, offline, now: current, seen: crlUrls, downloads };
      const ocspCtx = { settings, cache, offline: offline || options.ocsp === false, now: current, inFlight };
      const revocation = await checkPathRevocation(chain.path, crlCtx, ocspCtx);
      const done = { signer: signerSummary, chain: chainReport, revocation: revocation.report };
      if (revocation.report.status === 'revoked') {
        const who = revocation.position === 0 ? 'The signer certificate' : 'A CA certificate of the chain';
        return invalid('SIG_CERT_REVOKED', `${who} was revoked on ${revocation.report.revokedAt}${revocation.report.reason ? ` (${revocation.report.reason})` : ''}.`, done);
      }
      if (revocation.report.status === 'unknown') {
        const code = revocation.unknownCode ?? 'SIG_REVOCATION_UNKNOWN';
        const message = `The revocation status could not be established: ${revocation.report.detail ?? 'no source answered'}.`;
        if (policy.revocation !== 'fail-open') return invalid(code, message, done);
        return { valid: true, ...done, ...base, warnings: [`${code}: ${message} Accepted because the policy is fail-open.`] };
      }
      return { valid: true, ...done, ...base };
    },
    async refreshCrls() {
      const refreshed: string[] = [];
      const failed: Array<{ url: string; reason: string }> = [];
      for (const url of crlUrls) {
        try {
          await fetchCrl(url, { settings, cache, now: now(), downloads });
          refreshed.push(url);
        } catch (error) {
          failed.push({ url, reason: error instanceof Error ? error.message : String(error) });
        }
      }
      return { refreshed, failed };
    },
    revocationCacheState: () => describeRevocationCache(cache, crlUrls),
  };
}
