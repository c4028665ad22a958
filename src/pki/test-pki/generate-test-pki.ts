/**
 * generateTestPki: a complete test PKI shaped like the government's specialised-signature PKI (certs/README.md):
 * root "RootCA chuyên dùng Chính phủ G2 (TEST)" -> subordinate "CA phục vụ các cơ quan Nhà nước G2 (TEST)" ->
 * agency (seal) certificates carrying their OrganId and officials' personal certificates, RSA-2048 and ECDSA P-256,
 * plus the bad-input material: a revoked official (listed in the CRL), an expired and a not-yet-valid one, a CA
 * certificate used as a signer, an encryption-only certificate, and a delegated OCSP responder. Keys are generated
 * per run (node WebCrypto) and never committed.
 */
import { webcrypto } from 'node:crypto';
import { ORGANIZATION_IDENTIFIER_OID } from '../organ-id.js';
import type { KeyUsageName } from '../types.js';
import { buildCertificate, buildCrl, generateKeyPair, OCSP_SIGNING_EKU, randomSerial, type KeyKind, type NameSpec } from './certificate-builder.js';
import { writePkcs12 } from './pkcs12-writer.js';

const DAY = 86_400_000;
const YEAR = 365 * DAY;
const C = '2.5.4.6', ST = '2.5.4.8', O = '2.5.4.10', OU = '2.5.4.11', T = '2.5.4.12', CN = '2.5.4.3', UID = '0.9.2342.19200300.100.1.1';

export const TEST_ROOT_NAME = 'RootCA chuyên dùng Chính phủ G2 (TEST)';
export const TEST_SUBORDINATE_NAME = 'CA phục vụ các cơ quan Nhà nước G2 (TEST)';

export type TestIdentityName =
  | 'official-rsa' | 'official-ec' | 'agency-rsa' | 'agency-ec'
  | 'official-revoked' | 'official-expired' | 'official-not-yet-valid' | 'ca-as-signer' | 'wrong-key-usage' | 'ocsp-responder';

export interface TestIdentity {
  /** A TestIdentityName, 'root', 'subordinate', or agency-<OrganId> / official-<n> for later issues. */
  name: string;
  description: string;
  keyAlgorithm: KeyKind;
  /** DER. */
  certificate: Buffer;
  /** Leaf first, root last. */
  chain: Buffer[];
  serialNumber: string;
  organId?: string;
  /** Test material only: the key stays a non-extractable-in-spirit CryptoKey; PEM/PKCS#12 on request. */
  privateKey: webcrypto.CryptoKey;
}

export interface TestPkiOptions {
  /** Where the CRLs (BASE/crl/root.crl, BASE/crl/subordinate.crl) and the OCSP responder (BASE/ocsp) live. */
  baseUrl?: string;
  ocspUrl?: string;
  /** Password of every PKCS#12 bundle (ASCII). */
  password?: string;
  now?: Date;
}

export interface RevokedSerial {
  serial: string;
  revokedAt: Date;
  reason: number;
}

export interface TestPki {
  root: TestIdentity;
  subordinate: TestIdentity;
  identities: Record<TestIdentityName, TestIdentity>;
  /** DER CRLs: the root's (lists nothing), the subordinate's (lists official-revoked), and a stale subordinate CRL. */
  crls: { root: Buffer; subordinate: Buffer; subordinateExpired: Buffer };
  revoked: RevokedSerial[];
  /** Certificates issued after generation (issueAgency, issueOfficial): the OCSP responder answers good for them. */
  extraIdentities: TestIdentity[];
  password: string;
  urls: { rootCrl: string; subordinateCrl: string; ocsp: string };
  /** Another agency seal certificate (issued by the subordinate) carrying `organId`; not known to the OCSP responder's list unless added to identities. */
  issueAgency(input: { organId: string; name: string; kind?: KeyKind }): Promise<TestIdentity>;
  /** Another official's personal certificate. */
  issueOfficial(input: { name: string; title?: string; agency?: string; kind?: KeyKind }): Promise<TestIdentity>;
  pkcs12(identity: TestIdentity, password?: string): Promise<Buffer>;
  privateKeyPem(identity: TestIdentity): Promise<string>;
}

interface Ca {
  identity: TestIdentity;
  issuer: { name: import('pkijs').RelativeDistinguishedNames; privateKey: webcrypto.CryptoKey; keyId: Buffer };
}

function serialText(serial: Buffer): string {
  return serial.toString('hex').replace(/^(00)+(?=.)/, '');
}

export async function generateTestPki(options: TestPkiOptions = {}): Promise<TestPki> {
  const now = options.now ?? new Date();
  const at = (ms: number) => new Date(now.getTime() + ms);
  const base = (options.baseUrl ?? 'http://127.0.0.1:8089').replace(/\/+$/, '');
  const urls = { rootCrl: `${base}/crl/root.crl`, subordinateCrl: `${base}/crl/subordinate.crl`, ocsp: options.ocspUrl ?? `${base}/ocsp` };
  const password = options.password ?? 'edx-test-pki';
  const vn: NameSpec = [[C, 'VN'], [O, 'Ban Cơ yếu Chính phủ']];

  const rootKeys = await generateKeyPair('RSA');
  const rootCert = await buildCertificate({
    subject: [...vn, [OU, 'Cục Chứng thực số và Bảo mật thông tin'], [CN, TEST_ROOT_NAME]],
    publicKey: rootKeys.publicKey, selfPrivateKey: rootKeys.privateKey,
    notBefore: at(-10 * YEAR), notAfter: at(20 * YEAR), keyUsage: ['keyCertSign', 'cRLSign'], ca: {},
  });
  const root: Ca = {
    identity: { name: 'root', description: 'Root CA (self-signed trust anchor)', keyAlgorithm: 'RSA', certificate: rootCert.der, chain: [rootCert.der], serialNumber: serialText(Buffer.from(rootCert.certificate.serialNumber.valueBlock.valueHexView)), privateKey: rootKeys.privateKey },
    issuer: { name: rootCert.name, privateKey: rootKeys.privateKey, keyId: rootCert.keyId },
  };
  const subKeys = await generateKeyPair('RSA');
  const subCert = await buildCertificate({
    subject: [...vn, [OU, 'Cục Chứng thực số và Bảo mật thông tin'], [CN, TEST_SUBORDINATE_NAME]],
    publicKey: subKeys.publicKey, issuer: root.issuer,
    notBefore: at(-5 * YEAR), notAfter: at(10 * YEAR), keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'], ca: {},
    crlUrl: urls.rootCrl,
  });
  const sub: Ca = {
    identity: { name: 'subordinate', description: 'Subordinate CA that issues agency and personal certificates', keyAlgorithm: 'RSA', certificate: subCert.der, chain: [subCert.der, rootCert.der], serialNumber: serialText(Buffer.from(subCert.certificate.serialNumber.valueBlock.valueHexView)), privateKey: subKeys.privateKey },
    issuer: { name: subCert.name, privateKey: subKeys.privateKey, keyId: subCert.keyId },
  };

  interface LeafSpec {
    name: string;
    description: string;
    kind: KeyKind;
    subject: NameSpec;
    keyUsage?: KeyUsageName[];
    notBefore?: Date;
    notAfter?: Date;
    ca?: boolean;
    organId?: string;
    extKeyUsage?: string[];
    ocspNoCheck?: boolean;
  }
  const province: NameSpec = [[C, 'VN'], [ST, 'Hà Nam']];
  const specs: LeafSpec[] = [
    { name: 'official-rsa', description: 'Official, RSA-2048: Nguyễn Văn An, Chánh Văn phòng, UBND tỉnh Hà Nam', kind: 'RSA', subject: [...province, [O, 'UBND tỉnh Hà Nam'], [T, 'Chánh Văn phòng'], [UID, 'CCCD:001085000001'], [CN, 'Nguyễn Văn An']] },
    { name: 'official-ec', description: 'Official, ECDSA P-256: Trần Thị Bình, Phó Giám đốc, Sở Tài chính tỉnh Hà Nam', kind: 'EC', subject: [...province, [O, 'Sở Tài chính tỉnh Hà Nam'], [T, 'Phó Giám đốc'], [UID, 'CCCD:001185000002'], [CN, 'Trần Thị Bình']] },
    { name: 'agency-rsa', description: 'Agency seal, RSA-2048: UBND tỉnh Hà Nam, OrganId 000.00.00.H40', kind: 'RSA', organId: '000.00.00.H40', subject: [...province, [O, 'UBND tỉnh Hà Nam'], [ORGANIZATION_IDENTIFIER_OID, '000.00.00.H40'], [CN, 'UBND tỉnh Hà Nam']] },
    { name: 'agency-ec', description: 'Agency seal, ECDSA P-256: Sở Tài chính tỉnh Hà Nam, OrganId 000.00.12.H40', kind: 'EC', organId: '000.00.12.H40', subject: [...province, [O, 'Sở Tài chính tỉnh Hà Nam'], [ORGANIZATION_IDENTIFIER_OID, '000.00.12.H40'], [CN, 'Sở Tài chính tỉnh Hà Nam']] },
    { name: 'official-revoked', description: 'Official whose certificate is revoked (listed in the subordinate CRL and by OCSP)', kind: 'RSA', subject: [...province, [O, 'UBND tỉnh Hà Nam'], [T, 'Chuyên viên'], [CN, 'Lê Văn Cường']] },
    { name: 'official-expired', description: 'Official whose certificate expired 30 days ago', kind: 'RSA', subject: [...province, [O, 'UBND tỉnh Hà Nam'], [T, 'Chuyên viên'], [CN, 'Phạm Thị Dung']], notBefore: at(-2 * YEAR), notAfter: at(-30 * DAY) },
    { name: 'official-not-yet-valid', description: 'Official whose certificate starts in 30 days', kind: 'RSA', subject: [...province, [O, 'UBND tỉnh Hà Nam'], [T, 'Chuyên viên'], [CN, 'Hoàng Văn Em']], notBefore: at(30 * DAY), notAfter: at(2 * YEAR) },
    { name: 'ca-as-signer', description: 'A CA certificate (basicConstraints cA) misused to sign a document', kind: 'RSA', ca: true, keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'], subject: [...vn, [CN, 'CA cấp dưới dùng sai để ký (TEST)']] },
    { name: 'wrong-key-usage', description: 'An encryption-only certificate (keyEncipherment, dataEncipherment) used to sign', kind: 'RSA', keyUsage: ['keyEncipherment', 'dataEncipherment'], subject: [...province, [O, 'UBND tỉnh Hà Nam'], [CN, 'Vũ Văn Giang']] },
    { name: 'ocsp-responder', description: 'Delegated OCSP responder of the subordinate CA (id-kp-OCSPSigning, ocsp-nocheck)', kind: 'RSA', keyUsage: ['digitalSignature'], extKeyUsage: [OCSP_SIGNING_EKU], ocspNoCheck: true, subject: [...vn, [CN, 'OCSP CA phục vụ các cơ quan Nhà nước G2 (TEST)']] },
  ];
  const extra: TestIdentity[] = [];
  async function issueLeaf(spec: LeafSpec): Promise<TestIdentity> {
    const keyPair = await generateKeyPair(spec.kind);
    const serial = randomSerial();
    const isResponder = spec.name === 'ocsp-responder';
    const built = await buildCertificate({
      subject: spec.subject, publicKey: keyPair.publicKey, issuer: sub.issuer, serial,
      notBefore: spec.notBefore ?? at(-DAY), notAfter: spec.notAfter ?? at(2 * YEAR),
      keyUsage: spec.keyUsage ?? ['digitalSignature', 'nonRepudiation'],
      ...(spec.ca ? { ca: {} } : {}),
      ...(spec.extKeyUsage ? { extKeyUsage: spec.extKeyUsage } : {}),
      ...(spec.ocspNoCheck ? { ocspNoCheck: true } : {}),
      ...(isResponder ? {} : { crlUrl: urls.subordinateCrl, ocspUrl: urls.ocsp }),
    });
    return {
      name: spec.name, description: spec.description, keyAlgorithm: spec.kind, certificate: built.der,
      chain: [built.der, subCert.der, rootCert.der], serialNumber: serialText(serial),
      ...(spec.organId ? { organId: spec.organId } : {}), privateKey: keyPair.privateKey,
    };
  }
  const issued = await Promise.all(specs.map(issueLeaf));
  const identities = Object.fromEntries(issued.map((identity) => [identity.name, identity])) as Record<TestIdentityName, TestIdentity>;

  const revokedIdentity = identities['official-revoked'];
  const revoked: RevokedSerial[] = [{ serial: revokedIdentity.serialNumber, revokedAt: at(-DAY), reason: 1 }];
  const revokedEntries = revoked.map((r) => ({ serial: Buffer.from(r.serial.length % 2 ? `0${r.serial}` : r.serial, 'hex'), revokedAt: r.revokedAt, reason: r.reason }));
  const [rootCrl, subCrl, staleCrl] = await Promise.all([
    buildCrl({ issuer: root.issuer.name, issuerKeyId: root.issuer.keyId, privateKey: root.issuer.privateKey, thisUpdate: at(-60 * 60_000), nextUpdate: at(30 * DAY), revoked: [], number: 1 }),
    buildCrl({ issuer: sub.issuer.name, issuerKeyId: sub.issuer.keyId, privateKey: sub.issuer.privateKey, thisUpdate: at(-60 * 60_000), nextUpdate: at(7 * DAY), revoked: revokedEntries, number: 2 }),
    buildCrl({ issuer: sub.issuer.name, issuerKeyId: sub.issuer.keyId, privateKey: sub.issuer.privateKey, thisUpdate: at(-30 * DAY), nextUpdate: at(-DAY), revoked: [], number: 1 }),
  ]);

  return {
    root: root.identity,
    subordinate: sub.identity,
    identities,
    crls: { root: rootCrl, subordinate: subCrl, subordinateExpired: staleCrl },
    revoked,
    password,
    urls,
    extraIdentities: extra,
    async issueAgency({ organId, name, kind = 'RSA' }) {
      const identity = await issueLeaf({ name: `agency-${organId}`, description: `Agency seal: ${name}, OrganId ${organId}`, kind, organId, subject: [[C, 'VN'], [O, name], [ORGANIZATION_IDENTIFIER_OID, organId], [CN, name]] });
      extra.push(identity);
      return identity;
    },
    async issueOfficial({ name, title, agency, kind = 'RSA' }) {
      const subject: NameSpec = [[C, 'VN'], ...(agency ? [[O, agency] as const] : []), ...(title ? [[T, title] as const] : []), [CN, name]];
      const identity = await issueLeaf({ name: `official-${extra.length + 1}`, description: `Official: ${name}`, kind, subject });
      extra.push(identity);
      return identity;
    },
    pkcs12: (identity, pass) => writePkcs12(identity.privateKey, identity.chain, pass ?? password, identity.name),
    async privateKeyPem(identity) {
      const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', identity.privateKey));
      return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n?$/, '\n')}-----END PRIVATE KEY-----\n`;
    },
  };
}

export function toPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  return `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n?$/, '\n')}-----END ${label}-----\n`;
}
