/**
 * Who may sign what. A document package must satisfy its sender's signature policy (envelope, document, either,
 * none: src/signature/documents/signature-policy.ts decides); a status package may be unsigned by the axis's policy.
 * Whatever the policy, a signature that is present must be valid, and an envelope signature must be by a certificate
 * tied to the sending agency (its OrganId in the certificate, or the certificate registered to the agency).
 */
import { AxisError } from '../errors/axis-error.js';
import { evaluateSignaturePolicy } from '../signature/documents/index.js';
import type { SignatureReport } from '../signature/signature-report.js';
import { DEFAULT_SIGNATURE_POLICY, type AgencyRecord, type SignaturePolicyName } from './model/index.js';
import type { ExchangePolicy } from './exchange-deps.js';
import { ExchangeError } from './exchange-error.js';
import type { InspectedPackage } from './ports/package-inspector.js';

export interface PolicyWarning {
  code: string;
  message: string;
}

/** What an accepted package's report and receipt say of its signatures. */
export interface PolicyOutcome {
  policy: SignaturePolicyName;
  /** Which signatures satisfied it: the envelope's, the documents', or nothing (policy none, unsigned). */
  satisfiedBy: 'envelope' | 'document' | 'nothing';
  warnings: PolicyWarning[];
}

/** Throws the refusal, or returns what the accepted package's report and receipt must say. */
export function assertSignaturePolicy(pkg: InspectedPackage, sender: AgencyRecord, policy: ExchangePolicy): PolicyOutcome {
  const report = pkg.signature;
  if (pkg.kind === 'status') {
    if (report.code === 'SIG_MISSING') {
      if (policy.statusSignature === 'optional') return { policy: 'none', satisfiedBy: 'nothing', warnings: [] };
      throw new AxisError('SIG_MISSING', 'The status package is not signed, and this axis requires signed status packages.');
    }
    if (!report.valid) throw new AxisError(report.code, report.message, { signature: report.code });
    assertSignerIsSender(report, sender);
    return { policy: 'envelope', satisfiedBy: 'envelope', warnings: [] };
  }
  const name = sender.signaturePolicy ?? DEFAULT_SIGNATURE_POLICY;
  const decision = evaluateSignaturePolicy({ policy: name, envelope: report, ...(pkg.documents ? { documents: pkg.documents } : {}), senderOrganId: sender.organId });
  if (!decision.accepted) {
    const { accepted: _a, policy: _p, warnings: _w, code, message, ...place } = decision;
    throw new AxisError(code, message, { signature: code, policy: name, ...place });
  }
  // A present envelope signature binds the package to its sender, under every policy.
  if (report.code !== 'SIG_MISSING') assertSignerIsSender(report, sender);
  return { policy: name, satisfiedBy: decision.satisfiedBy, warnings: decision.warnings.map((w) => ({ code: w.code, message: w.message })) };
}

function assertSignerIsSender(report: SignatureReport, sender: AgencyRecord): void {
  const signer = report.signer;
  const registered = signer ? sender.certificateFingerprints.map((f) => f.toLowerCase()).includes(signer.sha256Fingerprint.toLowerCase()) : false;
  if (!signer || (signer.organId !== sender.organId && !registered)) {
    throw new ExchangeError('EXCHANGE_SIGNER_NOT_SENDER', `The package is signed by a certificate that does not belong to agency ${sender.organId}${signer ? ` ("${signer.subject}"${signer.organId ? `, agency ${signer.organId}` : ''})` : ''}: register the certificate to the agency, or sign with one issued to it.`, {
      ...(signer?.organId ? { signerOrganId: signer.organId } : {}),
      ...(signer ? { signerFingerprint: signer.sha256Fingerprint } : {}),
    });
  }
}
