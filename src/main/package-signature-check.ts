/**
 * The package signature check the exchange's inspector calls: src/signature's XMLDSig verifier with src/pki's
 * certificate validator over the configured trust anchors and revocation policy.
 */
import type { AxisConfig } from '../config/config.js';
import type { PackageSignatureCheck } from '../exchange/edxml-inspector.js';
import { createCertificateValidator, loadTrustAnchors } from '../pki/index.js';
import type { CertificateValidator, ValidationPolicy } from '../pki/types.js';
import { cachingValidator, verifyPackage } from '../signature/xmldsig/index.js';

export interface SignatureCheckSettings {
  trustAnchorsDir: string;
  revocationPolicy: AxisConfig['revocationPolicy'];
}

/** REVOCATION_POLICY: require = unknown revocation refuses; prefer = it warns; off = no network look-up at all. */
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

export async function createPackageSignatureCheck(settings: SignatureCheckSettings, warn?: (message: string) => void): Promise<PackageSignatureCheck> {
  const anchors = await loadTrustAnchors(settings.trustAnchorsDir).catch((error: unknown) => {
    warn?.(`no trust anchors loaded from ${settings.trustAnchorsDir} (${(error as Error).message}): every signed package will be refused as untrusted; put the root certificates there (TRUST_ANCHORS_DIR)`);
    return [];
  });
  const policy = policyOf(settings.revocationPolicy);
  // An agency signs thousands of packages with one certificate: its verdict is reused for a few minutes.
  const validator = anchors.length > 0
    ? cachingValidator(createCertificateValidator({ trustAnchors: anchors, ocsp: settings.revocationPolicy !== 'off', defaultPolicy: policy }))
    : NOTHING_TRUSTED(settings.trustAnchorsDir);
  return (bytes) => verifyPackage(bytes, { validator, policy });
}
