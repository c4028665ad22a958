/**
 * Revocation of every certificate of a path but its anchor: supplied CRLs first (no network), then OCSP from the
 * AIA, then the CRL distribution points. The result is good, revoked, or unknown with the reason and its own code
 * (CRL expired, OCSP responder unavailable, nothing to ask): never a silent "good".
 */
import type * as pkijs from 'pkijs';
import { distinguishedName } from './certificate-summary.js';
import { checkByCrl, type CrlContext, type CrlVerdict } from './crl-source.js';
import { checkByOcsp, type OcspContext } from './ocsp-client.js';
import type { RevocationReport } from './types.js';

export type UnknownCode = 'SIG_REVOCATION_UNKNOWN' | 'SIG_CRL_EXPIRED' | 'SIG_OCSP_UNAVAILABLE';

export interface CertificateRevocation {
  report: RevocationReport;
  /** Set when status is unknown: which flavour of "could not tell". */
  unknownCode?: UnknownCode;
}

function fromCrl(verdict: Extract<CrlVerdict, { status: 'good' | 'revoked' }>, checkedAt: string): RevocationReport {
  if (verdict.status === 'good') return { status: 'good', source: 'crl', checkedAt };
  return { status: 'revoked', source: 'crl', checkedAt, revokedAt: verdict.revokedAt.toISOString(), ...(verdict.reason ? { reason: verdict.reason } : {}) };
}

export async function checkCertificateRevocation(cert: pkijs.Certificate, issuer: pkijs.Certificate, crl: CrlContext, ocsp: OcspContext): Promise<CertificateRevocation> {
  const checkedAt = crl.now.toISOString();
  const supplied = await checkByCrl(cert, issuer, { ...crl, offline: true });
  if (supplied.status === 'good' || supplied.status === 'revoked') return { report: fromCrl(supplied, checkedAt) };

  const answer = await checkByOcsp(cert, issuer, ocsp);
  if (answer.status === 'good') return { report: { status: 'good', source: 'ocsp', checkedAt } };
  if (answer.status === 'revoked') return { report: { status: 'revoked', source: 'ocsp', checkedAt, revokedAt: answer.revokedAt.toISOString() } };

  const fetched = crl.offline ? supplied : await checkByCrl(cert, issuer, crl);
  if (fetched.status === 'good' || fetched.status === 'revoked') return { report: fromCrl(fetched, checkedAt) };

  const crlExpired = fetched.status === 'expired' ? fetched : supplied.status === 'expired' ? supplied : undefined;
  const reasons = [
    crlExpired ? `the CRL (${crlExpired.source}) expired on ${crlExpired.nextUpdate.toISOString()}` : fetched.status === 'none' ? fetched.detail : '',
    answer.detail,
  ].filter(Boolean);
  const unknownCode: UnknownCode = crlExpired ? 'SIG_CRL_EXPIRED' : answer.status === 'unavailable' ? 'SIG_OCSP_UNAVAILABLE' : 'SIG_REVOCATION_UNKNOWN';
  return { report: { status: 'unknown', checkedAt, detail: reasons.join('; ') }, unknownCode };
}

/** Checks the path leaf first; stops at the first revoked or unknown certificate (its name goes into the detail). */
export async function checkPathRevocation(path: pkijs.Certificate[], crl: CrlContext, ocsp: OcspContext): Promise<CertificateRevocation & { position: number }> {
  let leafReport: CertificateRevocation | undefined;
  for (let i = 0; i < path.length - 1; i++) {
    const result = await checkCertificateRevocation(path[i]!, path[i + 1]!, crl, ocsp);
    if (i === 0) leafReport = result;
    if (result.report.status !== 'good') {
      if (i > 0) {
        const name = distinguishedName(path[i]!.subject).fields.CN ?? distinguishedName(path[i]!.subject).text;
        result.report.detail = `issuing CA "${name}": ${result.report.detail ?? result.report.status}`;
      }
      return { ...result, position: i };
    }
  }
  return { ...(leafReport ?? { report: { status: 'good', checkedAt: crl.now.toISOString() } }), position: -1 };
}
