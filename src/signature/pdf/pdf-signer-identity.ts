/**
 * Who signed, and may we believe it: the signer certificate goes through the CertificateValidator (chain to a
 * trust anchor, validity, key usage, revocation), and the Vietnamese CAs' subject conventions (src/pki/signer-role.ts)
 * decide whether the signature is an official's (personal certificate) or an agency's seal (organisation
 * certificate), as Decree 30/2020 distinguishes them.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { readSignerRole } from '../../pki/signer-role.js';
import type { CertificateSummary, ChainReport, RevocationReport } from '../../pki/types.js';
import type { ParsedCms } from './cms-signed-data-reader.js';
import type { PdfSignerRole, PdfVerifyOptions } from './pdf-report.js';

export interface SignerIdentity {
  valid: boolean;
  code: string;
  message: string;
  role?: PdfSignerRole;
  roleBasis?: string;
  agencyOrganId?: string;
  signer?: CertificateSummary;
  chain?: ChainReport;
  revocation?: RevocationReport;
  validityCheckedAt?: string;
  warnings: string[];
}

/** When the validator cannot summarise the certificate (it did not parse it), say at least what it claims. */
function fallbackSummary(der: Buffer): CertificateSummary | undefined {
  try {
    const x = new X509Certificate(der);
    const fields = Object.fromEntries(x.subject.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    return {
      subject: x.subject.split('\n').reverse().join(', '),
      subjectFields: fields,
      issuer: x.issuer.split('\n').reverse().join(', '),
      serialNumber: x.serialNumber.toLowerCase(),
      notBefore: new Date(x.validFrom).toISOString(),
      notAfter: new Date(x.validTo).toISOString(),
      keyUsage: [],
      isCA: x.ca,
      sha256Fingerprint: createHash('sha256').update(der).digest('hex'),
      publicKeyAlgorithm: x.publicKey.asymmetricKeyType === 'rsa' ? 'RSA' : x.publicKey.asymmetricKeyType === 'ec' ? 'EC' : 'other',
    };
  } catch {
    return undefined;
  }
}

export async function checkSigner(cms: ParsedCms, options: PdfVerifyOptions): Promise<SignerIdentity> {
  const result = await options.validator.validate(cms.signerCertificate, cms.otherCertificates, options.policy);
  const signer = result.signer ?? fallbackSummary(cms.signerCertificate);
  const identity: SignerIdentity = {
    valid: result.valid,
    code: result.valid ? 'PDF_OK' : (result.code ?? 'SIG_CERT_INVALID'),
    message: result.valid ? 'The signature is valid.' : (result.message ?? 'The signer certificate is not valid.'),
    chain: result.chain,
    revocation: result.revocation,
    validityCheckedAt: result.checkedAt,
    warnings: [...result.warnings],
  };
  const reading = readSignerRole(signer);
  identity.role = reading.role;
  identity.roleBasis = reading.basis;
  if (reading.organId) identity.agencyOrganId = reading.organId;
  if (signer) identity.signer = signer;
  return identity;
}
