/**
 * What an agency needs to verify the axis's signatures without asking anyone: the certificate that signs receipts and
 * pushes now, the earlier ones that signed older receipts and pushes, each with its chain (`GET /v1/axis/certificates`,
 * docs/api.md "The axis's certificates"). A push names its certificate by SHA-256 (`keyid`), a receipt by
 * `signerFingerprint`: the same value as `fingerprint` here.
 */
import { X509Certificate } from 'node:crypto';
import { toPem } from '../pki/test-pki/generate-test-pki.js';
import type { PublicAxisIdentity } from './identity-history.js';

export interface AxisCertificateView {
  /** SHA-256 (hex, lower case) of the signing certificate's DER. */
  fingerprint: string;
  /** true: signs receipts and pushes now. false: an earlier identity, kept so that what it signed still verifies. */
  current: boolean;
  subject: string;
  issuer: string;
  serialNumber: string;
  /** ISO 8601. */
  notBefore: string;
  notAfter: string;
  /** The signing certificate first, then its issuers: base64 DER. */
  chain: string[];
  /** The same chain as PEM, ready for `openssl verify -untrusted`. */
  pem: string;
}

export interface AxisCertificates {
  /** The fingerprint of the current signing certificate. */
  current: string;
  /** The current certificate first, then earlier ones, newest first. */
  certificates: AxisCertificateView[];
}

const oneLine = (name: string) => name.split('\n').join(', ');

function viewOf(identity: PublicAxisIdentity, current: boolean): AxisCertificateView {
  const leaf = new X509Certificate(identity.chainDer[0]!);
  return {
    fingerprint: identity.fingerprint,
    current,
    subject: oneLine(leaf.subject),
    issuer: oneLine(leaf.issuer),
    serialNumber: leaf.serialNumber.toLowerCase(),
    notBefore: new Date(leaf.validFrom).toISOString(),
    notAfter: new Date(leaf.validTo).toISOString(),
    chain: identity.chainDer.map((der) => Buffer.from(der).toString('base64')),
    pem: identity.chainDer.map((der) => toPem(der)).join(''),
  };
}

/** `earlier`: oldest first, as the history reads them; the current identity among them is not repeated. */
export function describeAxisCertificates(current: PublicAxisIdentity, earlier: readonly PublicAxisIdentity[]): AxisCertificates {
  const older = earlier.filter((e) => e.fingerprint !== current.fingerprint).reverse();
  return { current: current.fingerprint, certificates: [viewOf(current, true), ...older.map((e) => viewOf(e, false))] };
}
