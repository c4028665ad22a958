import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateValidator } from '../../src/pki/index.js';
import type { TestPki } from '../../src/pki/test-pki/index.js';
import { issueCustom, OID } from './custom-certificates.js';
import { servedTestPki, type ServedPki } from './pki-fixture.js';

let served: ServedPki;
let pki: TestPki;

beforeAll(async () => {
  served = await servedTestPki();
  pki = served.pki;
});

afterAll(async () => {
  await served.server.close();
});

const DAY = 86_400_000;
const YEAR = 365 * DAY;

describe('an expired signer certificate is SIG_CERT_EXPIRED, not SIG_CERT_UNTRUSTED', () => {
  it('the test PKI\'s expired official', async () => {
    const expired = pki.identities['official-expired'];
    const report = await createCertificateValidator({ trustAnchors: [pki.root.certificate] }).validate(expired.certificate, [pki.subordinate.certificate]);
    expect(report).toMatchObject({ valid: false, code: 'SIG_CERT_EXPIRED' });
  });

  it('a certificate back-dated before its CA\'s own start (a renewed CA): still expired, not untrusted', async () => {
    // The subordinate CA of the test PKI starts 5 years ago; this official's certificate claims to start 6 years ago.
    const official = await issueCustom(pki, [[OID.C, 'VN'], [OID.UID, 'CCCD:001085000010'], [OID.CN, 'Bùi Thị Oanh']], { notBefore: new Date(Date.now() - 6 * YEAR), notAfter: new Date(Date.now() - 10 * DAY) });
    const report = await createCertificateValidator({ trustAnchors: [pki.root.certificate] }).validate(official.certificate, [pki.subordinate.certificate]);
    expect(report).toMatchObject({ valid: false, code: 'SIG_CERT_EXPIRED' });
    expect(report.message).toMatch(/The signer certificate expired on/);
    expect(report.signer?.subjectFields.CN).toBe('Bùi Thị Oanh');
  });

  it('a certificate from an unknown CA stays untrusted', async () => {
    const validator = createCertificateValidator({ trustAnchors: [pki.identities['agency-rsa'].certificate] });
    const report = await validator.validate(pki.identities['official-expired'].certificate, [pki.subordinate.certificate]);
    expect(report.code).toBe('SIG_CERT_UNTRUSTED');
  });
});
