/**
 * The real package inspector: the edXML library's one-pass check (safe parse, XSD, rules) and then the XMLDSig
 * verdict with the certificate validation behind it. The signature check is handed in (src/main composes
 * src/signature's verifier with src/pki's validator) so the exchange rules never depend on how keys are trusted.
 */
import { checkPackage, type EdxmlProfile, type ParseLimits } from '../../edxml/index.js';
import type { SignatureReport } from '../../signature/signature-report.js';
import { inspectionOf } from './inspected-package.js';
import type { InspectedPackage, PackageInspector } from '../ports/package-inspector.js';

/**
 * Verifies the XMLDSig signature of a package and the certificate that made it. Never throws for a bad or missing
 * signature: the report says so (code SIG_MISSING when there is none); throws only when it cannot judge at all.
 */
export type PackageSignatureCheck = (bytes: Uint8Array) => Promise<SignatureReport>;

export interface EdxmlInspectorOptions {
  verifySignature: PackageSignatureCheck;
  /** Parse limits; maxBytes follows the gateway's package limit. */
  limits?: Partial<ParseLimits>;
  /** Which packages are accepted (EDXML_PROFILE); default field. */
  profile?: EdxmlProfile;
}

export function createEdxmlInspector(options: EdxmlInspectorOptions): PackageInspector {
  return {
    async inspect(bytes: Uint8Array): Promise<InspectedPackage> {
      // Format first: a package that is not edXML never reaches the signature code.
      const checked = checkPackage(bytes, { ...options.limits, ...(options.profile ? { profile: options.profile } : {}) });
      const signature = await options.verifySignature(bytes);
      return inspectionOf(checked, signature);
    },
  };
}
