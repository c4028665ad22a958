/**
 * Who may sign what: a document package must carry a valid signature by a certificate tied to the sending agency
 * (its OrganId in the certificate, or the certificate registered to the agency), unless the agency's signature policy
 * is `none`; a status package may be unsigned by the axis's policy. A signature that is present must always be valid
 * and tied the same way.
 */
import { AxisError } from '../errors/axis-error.js';
import { DEFAULT_SIGNATURE_POLICY, type AgencyRecord } from './model/index.js';
import type { ExchangePolicy } from './exchange-deps.js';
import { ExchangeError } from './exchange-error.js';
import type { InspectedPackage } from './ports/package-inspector.js';

export interface PolicyWarning {
  code: string;
  message: string;
}

/** Throws the refusal, or returns what the accepted package's report and receipt must say (an unsigned package). */
export function assertSignaturePolicy(pkg: InspectedPackage, sender: AgencyRecord, policy: ExchangePolicy): PolicyWarning[] {
  const report = pkg.signature;
  if (report.code === 'SIG_MISSING') {
    if (pkg.kind === 'status' && policy.statusSignature === 'optional') return [];
    if ((sender.signaturePolicy ?? DEFAULT_SIGNATURE_POLICY) === 'none') {
      return [{ code: 'EXCHANGE_WARN_UNSIGNED', message: `The package is not signed; it was accepted because agency ${sender.organId}'s signature policy is "none". It carries no proof of who approved it.` }];
    }
    throw new AxisError('SIG_MISSING', pkg.kind === 'edoc'
      ? 'The document package is not signed: a document sent through the axis must carry the digital signature of the sending agency.'
      : 'The status package is not signed, and this axis requires signed status packages.');
  }
  if (!report.valid) throw new AxisError(report.code, report.message, { signature: report.code });
  const signer = report.signer;
  const registered = signer ? sender.certificateFingerprints.map((f) => f.toLowerCase()).includes(signer.sha256Fingerprint.toLowerCase()) : false;
  if (!signer || (signer.organId !== sender.organId && !registered)) {
    throw new ExchangeError('EXCHANGE_SIGNER_NOT_SENDER', `The package is signed by a certificate that does not belong to agency ${sender.organId}${signer ? ` ("${signer.subject}"${signer.organId ? `, agency ${signer.organId}` : ''})` : ''}: register the certificate to the agency, or sign with one issued to it.`, {
      ...(signer?.organId ? { signerOrganId: signer.organId } : {}),
      ...(signer ? { signerFingerprint: signer.sha256Fingerprint } : {}),
    });
  }
  return [];
}
