/**
 * Certificates with subjects the test PKI does not issue (other CAs' conventions, odd validity), issued by the test
 * PKI's own subordinate CA so they chain to its root: built per run, keys never leave the test.
 */
import type { webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { buildCertificate, generateKeyPair, randomSerial, type NameSpec } from '../../src/pki/test-pki/certificate-builder.js';
import type { TestIdentity, TestPki } from '../../src/pki/test-pki/index.js';

export const OID = { C: '2.5.4.6', ST: '2.5.4.8', L: '2.5.4.7', O: '2.5.4.10', OU: '2.5.4.11', T: '2.5.4.12', CN: '2.5.4.3', UID: '0.9.2342.19200300.100.1.1', organizationIdentifier: '2.5.4.97', serialNumber: '2.5.4.5' } as const;

const DAY = 86_400_000;

export async function issueCustom(pki: TestPki, subject: NameSpec, options: { notBefore?: Date; notAfter?: Date; kind?: 'RSA' | 'EC'; withUrls?: boolean } = {}): Promise<TestIdentity> {
  const sub = pkijs.Certificate.fromBER(pki.subordinate.certificate);
  const ski = sub.extensions?.find((e) => e.extnID === '2.5.29.14');
  const keyId = Buffer.from((asn1js.fromBER(ski!.extnValue.valueBlock.valueHexView).result as asn1js.OctetString).valueBlock.valueHexView);
  const kind = options.kind ?? 'RSA';
  const keys = await generateKeyPair(kind);
  const serial = randomSerial();
  const built = await buildCertificate({
    subject, publicKey: keys.publicKey, serial,
    issuer: { name: sub.subject, privateKey: pki.subordinate.privateKey as webcrypto.CryptoKey, keyId },
    notBefore: options.notBefore ?? new Date(Date.now() - DAY), notAfter: options.notAfter ?? new Date(Date.now() + 365 * DAY),
    keyUsage: ['digitalSignature', 'nonRepudiation'],
    ...(options.withUrls === false ? {} : { crlUrl: pki.urls.subordinateCrl, ocspUrl: pki.urls.ocsp }),
  });
  return {
    name: 'custom', description: 'custom test certificate', keyAlgorithm: kind, certificate: built.der,
    chain: [built.der, pki.subordinate.certificate, pki.root.certificate], serialNumber: serial.toString('hex'), privateKey: keys.privateKey,
  };
}
