/**
 * The package signature check the exchange's inspector calls: src/signature's XMLDSig verifier with src/pki's
 * certificate validator over the configured trust anchors and revocation policy.
 */
import type { AxisConfig } from '../config/config.js';
import type { PackageSignatureCheck } from '../exchange/inspection/edxml-package-inspector.js';
import { createCertificateValidator, loadTrustAnchors, openCrlDirectory, type CrlDirectory, type CrlDirectoryEntry, type RevocationCacheState } from '../pki/index.js';
import type { CertificateValidator, ValidationPolicy } from '../pki/types.js';
import { cachingValidator, verifyPackage } from '../signature/xmldsig/index.js';

export interface SignatureCheckSettings {
  trustAnchorsDir: string;
  revocationPolicy: AxisConfig['revocationPolicy'];
  /** CRLs placed by an operator (CRL_DIR); absent: only fetched ones. */
  crlDir?: string;
}

/**
 * REVOCATION_POLICY: require (default) = unknown revocation refuses the package (fail-closed); prefer = it is
 * accepted with a warning in the report (fail-open); off = no network look-up at all, also with a warning.
 */
function policyOf(revocation: AxisConfig['revocationPolicy']): ValidationPolicy {
  if (revocation === 'require') return { revocation: 'fail-closed' };
  if (revocation === 'prefer') return { revocation: 'fail-open' };
  return { revocation: 'fail-open', offline: true };
}

/**
 * With no trust anchor configured nothing can be trusted: every signer is reported untrusted (and the start-up log
 * says why) rather than the gateway refusing to start on a fresh clone.
 */
const NOTHING_TRUSTED = (dir: string): CertificateValidator => ({
  async validate() {
    return {
      valid: false,
      code: 'SIG_CERT_UNTRUSTED',
      message: `The axis has no trust anchors (${dir} is empty or missing): no signer certificate can be trusted until the operator installs the root certificates there.`,
      chain: { status: 'invalid', path: [] },
      revocation: { status: 'unknown', detail: 'not checked' },
      checkedAt: new Date().toISOString(),
      warnings: [],
    };
  },
});

export interface PackageSignatureChecking {
  verify: PackageSignatureCheck;
  /** The validator and policy behind verify, for inspector threads that verify elsewhere but validate here. */
  validator: CertificateValidator;
  policy: ValidationPolicy;
  /** Re-fetches every CRL the validator has used (the maintenance worker's hourly hook); failures are warned, not thrown. */
  refreshRevocation(): Promise<void>;
  /**
   * Reads TRUST_ANCHORS_DIR again (SIGHUP, or the directory changed: trust-anchor-reload.ts) and validates with what
   * it holds from the next package on; the verdicts cached under the old anchors go with them. Answers the number of
   * anchors now trusted (0: nothing is trusted, as at a start on an empty directory).
   */
  reloadTrustAnchors(): Promise<number>;
  /** The revocation data the checks hold now, and the CRLs placed in CRL_DIR (the operators' health page). */
  revocationState(): Promise<RevocationState>;
}

export interface RevocationState extends RevocationCacheState {
  /** CRL_DIR's files and whether each is current; undefined without CRL_DIR. */
  placed?: CrlDirectoryEntry[];
}

interface AnchoredValidator {
  validator: CertificateValidator;
  refreshCrls(): Promise<{ failed: { url: string; reason: string }[] }>;
  cacheState(): RevocationCacheState;
  anchors: number;
}

const NOTHING_HELD: RevocationCacheState = { listed: true, crls: [], ocsp: { answers: 0, good: 0, revoked: 0 } };

async function anchoredValidator(settings: SignatureCheckSettings, policy: ValidationPolicy, crlDirectory: CrlDirectory | undefined, warn?: (message: string) => void): Promise<AnchoredValidator> {
  const anchors = await loadTrustAnchors(settings.trustAnchorsDir).catch((error: unknown) => {
    warn?.(`no trust anchors loaded from ${settings.trustAnchorsDir} (${(error as Error).message}): every signed package will be refused as untrusted; put the root certificates there (TRUST_ANCHORS_DIR)`);
    return [];
  });
  if (anchors.length === 0) return { validator: NOTHING_TRUSTED(settings.trustAnchorsDir), refreshCrls: async () => ({ failed: [] }), cacheState: () => NOTHING_HELD, anchors: 0 };
  const certificates = createCertificateValidator({ trustAnchors: anchors, ocsp: settings.revocationPolicy !== 'off', defaultPolicy: policy, ...(crlDirectory ? { crlDirectory } : {}) });
  // An agency signs thousands of packages with one certificate: its verdict is reused for a few minutes.
  return { validator: cachingValidator(certificates), refreshCrls: () => certificates.refreshCrls(), cacheState: () => certificates.revocationCacheState(), anchors: anchors.length };
}

export async function createSignatureChecking(settings: SignatureCheckSettings, warn?: (message: string) => void): Promise<PackageSignatureChecking> {
  const policy = policyOf(settings.revocationPolicy);
  if (settings.revocationPolicy !== 'require') {
    warn?.(`REVOCATION_POLICY=${settings.revocationPolicy}: a signer whose revocation status cannot be established is accepted with a warning in the package report (fail-open${settings.revocationPolicy === 'off' ? ', and CRL/OCSP are never fetched' : ''}); the default, require, refuses it`);
  }
  // CRLs an operator placed (CRL_DIR): one directory for the process, read again when its files change.
  const crlDirectory = settings.crlDir ? openCrlDirectory(settings.crlDir) : undefined;
  for (const entry of (await crlDirectory?.describe()) ?? []) {
    if (entry.state !== 'current') warn?.(`CRL_DIR: ${entry.file} is ${entry.state}${entry.problem ? ` (${entry.problem})` : ''}: ${entry.state === 'expired' ? 'its certificates count as of unknown revocation status until a newer CRL is placed' : 'it is not used'}`);
  }
  let current = await anchoredValidator(settings, policy, crlDirectory, warn);
  // One validator object for the whole process (the inspector threads hold it): it asks whichever anchors are current.
  const validator: CertificateValidator = { validate: (signer, intermediates, asked) => current.validator.validate(signer, intermediates, asked) };
  return {
    verify: (bytes) => verifyPackage(bytes, { validator, policy }),
    validator,
    policy,
    async refreshRevocation() {
      const { failed } = await current.refreshCrls();
      for (const f of failed) warn?.(`CRL refresh failed for ${f.url}: ${f.reason}`);
    },
    async reloadTrustAnchors() {
      current = await anchoredValidator(settings, policy, crlDirectory, warn);
      return current.anchors;
    },
    async revocationState() {
      const placed = await crlDirectory?.describe();
      return { ...current.cacheState(), ...(placed ? { placed } : {}) };
    },
  };
}
