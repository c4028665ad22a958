/**
 * A time-stamping authority certificate for the test PKI: issued by the subordinate CA, with the one critical
 * extKeyUsage id-kp-timeStamping that RFC 3161 §2.3 requires (and `openssl ts -verify` checks). Variants play the bad
 * inputs: a TSA certificate without the EKU, or with it non-critical.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { buildCertificate, generateKeyPair, randomSerial, TIME_STAMPING_EKU, type KeyKind } from './certificate-builder.js';
import type { TestIdentity, TestPki } from './generate-test-pki.js';

const DAY = 86_400_000;
const SUBJECT_KEY_IDENTIFIER = '2.5.29.14';

export interface TestTsaOptions {
  kind?: KeyKind;
  /** 'critical' (default, as RFC 3161 wants), 'non-critical', or 'none' (no extKeyUsage at all). */
  timeStampingEku?: 'critical' | 'non-critical' | 'none';
  name?: string;
  notBefore?: Date;
  notAfter?: Date;
}

function issuerOf(pki: TestPki): { name: pkijs.RelativeDistinguishedNames; keyId: Buffer } {
  const certificate = pkijs.Certificate.fromBER(pki.subordinate.certificate);
  const ski = certificate.extensions?.find((e) => e.extnID === SUBJECT_KEY_IDENTIFIER);
  if (!ski) throw new Error('The test subordinate CA has no subject key identifier.');
  const keyId = asn1js.fromBER(ski.extnValue.valueBlock.valueHexView).result as asn1js.OctetString;
  return { name: certificate.subject, keyId: Buffer.from(keyId.valueBlock.valueHexView) };
}

export async function issueTestTsa(pki: TestPki, options: TestTsaOptions = {}): Promise<TestIdentity> {
  const kind = options.kind ?? 'EC';
  const eku = options.timeStampingEku ?? 'critical';
  const name = options.name ?? 'TSA phục vụ các cơ quan Nhà nước G2 (TEST)';
  const keys = await generateKeyPair(kind);
  const serial = randomSerial();
  const now = Date.now();
  const issuer = issuerOf(pki);
  const built = await buildCertificate({
    subject: [['2.5.4.6', 'VN'], ['2.5.4.10', 'Ban Cơ yếu Chính phủ'], ['2.5.4.3', name]],
    publicKey: keys.publicKey,
    issuer: { ...issuer, privateKey: pki.subordinate.privateKey },
    serial,
    notBefore: options.notBefore ?? new Date(now - DAY),
    notAfter: options.notAfter ?? new Date(now + 5 * 365 * DAY),
    keyUsage: ['digitalSignature', 'nonRepudiation'],
    ...(eku === 'none' ? {} : { extKeyUsage: [TIME_STAMPING_EKU], extKeyUsageCritical: eku === 'critical' }),
  });
  return {
    name: 'tsa',
    description: `Time-stamping authority (${kind}, ${eku === 'none' ? 'no' : eku} id-kp-timeStamping)`,
    keyAlgorithm: kind,
    certificate: built.der,
    chain: [built.der, ...pki.subordinate.chain],
    serialNumber: serial.toString('hex'),
    privateKey: keys.privateKey,
  };
}
