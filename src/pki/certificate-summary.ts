/** A certificate as a person reads it (types.ts CertificateSummary): names decoded from UTF-8, usages by name. */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { certificateDer, parseCertificate } from './certificate-parse.js';
import { ORGANIZATION_IDENTIFIER_OID, organIdFromAttribute } from './organ-id.js';
import type { CertificateSummary, KeyUsageName } from './types.js';

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'T',
  '2.5.4.42': 'GN',
  [ORGANIZATION_IDENTIFIER_OID]: 'organizationIdentifier',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'E',
};

const KEY_USAGE_BITS: KeyUsageName[] = [
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly',
];

export const EXTENSION = {
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  crlDistributionPoints: '2.5.29.31',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  extKeyUsage: '2.5.29.37',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
} as const;

function attributeText(value: pkijs.AttributeTypeAndValue['value']): string {
  const block = (value as { valueBlock?: { value?: unknown } }).valueBlock;
  if (typeof block?.value === 'string') return block.value;
  return Buffer.from((value as asn1js.BaseBlock).toBER(false)).toString('hex');
}

function escape(text: string): string {
  return text.replace(/([,+"\\<>;])/g, '\\$1');
}

/** RFC 4514 order (most specific first) with the short names people know. */
export function distinguishedName(name: pkijs.RelativeDistinguishedNames): { text: string; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  const parts: string[] = [];
  for (const attr of name.typesAndValues) {
    const key = SHORT_NAMES[attr.type] ?? attr.type;
    const value = attributeText(attr.value);
    fields[key] = fields[key] === undefined ? value : `${fields[key]}, ${value}`;
    parts.push(`${key}=${escape(value)}`);
  }
  return { text: parts.reverse().join(', '), fields };
}

export function extensionOf(cert: pkijs.Certificate, oid: string): pkijs.Extension | undefined {
  return cert.extensions?.find((e) => e.extnID === oid);
}

/** Key usages by name; undefined when the certificate has no keyUsage extension (every usage allowed by RFC 5280). */
export function keyUsageOf(cert: pkijs.Certificate): KeyUsageName[] | undefined {
  const ext = extensionOf(cert, EXTENSION.keyUsage);
  if (!ext) return undefined;
  const bits = new Uint8Array((ext.parsedValue as asn1js.BitString).valueBlock.valueHexView);
  return KEY_USAGE_BITS.filter((_, i) => ((bits[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0);
}

export function isCertificateAuthority(cert: pkijs.Certificate): boolean {
  const ext = extensionOf(cert, EXTENSION.basicConstraints);
  return (ext?.parsedValue as pkijs.BasicConstraints | undefined)?.cA === true;
}

export function serialHex(cert: pkijs.Certificate): string {
  return Buffer.from(cert.serialNumber.valueBlock.valueHexView).toString('hex').replace(/^(00)+(?=.)/, '');
}

function keyAlgorithm(cert: pkijs.Certificate): CertificateSummary['publicKeyAlgorithm'] {
  const oid = cert.subjectPublicKeyInfo.algorithm.algorithmId;
  if (oid === '1.2.840.113549.1.1.1') return 'RSA';
  if (oid === '1.2.840.10045.2.1') return 'EC';
  return 'other';
}

export function organIdOf(cert: pkijs.Certificate): string | undefined {
  const attr = cert.subject.typesAndValues.find((t) => t.type === ORGANIZATION_IDENTIFIER_OID);
  return attr ? organIdFromAttribute(attributeText(attr.value)) : undefined;
}

export function summarizeParsed(cert: pkijs.Certificate, der: Uint8Array): CertificateSummary {
  const subject = distinguishedName(cert.subject);
  const organId = organIdOf(cert);
  return {
    subject: subject.text,
    subjectFields: subject.fields,
    issuer: distinguishedName(cert.issuer).text,
    serialNumber: serialHex(cert),
    notBefore: cert.notBefore.value.toISOString(),
    notAfter: cert.notAfter.value.toISOString(),
    keyUsage: keyUsageOf(cert) ?? [],
    isCA: isCertificateAuthority(cert),
    ...(organId ? { organId } : {}),
    sha256Fingerprint: createHash('sha256').update(der).digest('hex'),
    publicKeyAlgorithm: keyAlgorithm(cert),
  };
}

/** Summary of a certificate (DER, PEM or base64); throws SIG_CERT_MALFORMED for anything else. */
export function summarizeCertificate(input: Uint8Array | string): CertificateSummary {
  return summarizeParsed(parseCertificate(input), certificateDer(input));
}
