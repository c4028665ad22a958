import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateValidator, summarizeCertificate } from '../../src/pki/index.js';
import { readSignerRole } from '../../src/pki/signer-role.js';
import { testSigner, type TestPki } from '../../src/pki/test-pki/index.js';
import type { NameSpec } from '../../src/pki/test-pki/certificate-builder.js';
import { signPdf, verifyPdf } from '../../src/signature/pdf/index.js';
import { minimalPdf } from '../fixtures/pdf/minimal-pdf.js';
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

const VN: NameSpec = [[OID.C, 'VN'], [OID.ST, 'Hà Nam']];

async function roleOf(subject: NameSpec) {
  return readSignerRole(summarizeCertificate((await issueCustom(pki, subject, { withUrls: false })).certificate));
}

describe('official or agency seal, by the conventions of Vietnamese CAs', () => {
  it('the test PKI\'s own certificates: officials by their citizen-card UID, seals by organizationIdentifier', () => {
    expect(readSignerRole(summarizeCertificate(pki.identities['official-rsa'].certificate))).toEqual({ role: 'official', basis: 'UID CCCD:' });
    expect(readSignerRole(summarizeCertificate(pki.identities['agency-rsa'].certificate))).toEqual({ role: 'agency-seal', basis: 'organizationIdentifier', organId: '000.00.00.H40' });
  });

  it('held-out: an agency certificate whose OU is its OrganId and whose CN is the agency\'s name is a seal, not an official', async () => {
    const reading = await roleOf([...VN, [OID.O, 'UBND tỉnh Hà Nam'], [OID.OU, '000.00.12.H40'], [OID.CN, 'Sở Tài chính tỉnh Hà Nam']]);
    expect(reading).toEqual({ role: 'agency-seal', basis: 'OU is an OrganId', organId: '000.00.12.H40' });
  });

  it.each([
    ['UID MST: (tax code)', [[OID.O, 'Công ty Cổ phần A'], [OID.UID, 'MST:0100109106'], [OID.CN, 'Công ty Cổ phần A']], 'agency-seal', 'UID MST:'],
    ['UID MNS: (budget-relationship code)', [[OID.UID, 'MNS:1234567'], [OID.CN, 'Văn phòng UBND tỉnh Hà Nam']], 'agency-seal', 'UID MNS:'],
    ['CN equal to O', [[OID.O, 'UBND  tỉnh Hà Nam'], [OID.CN, 'UBND tỉnh Hà Nam']], 'agency-seal', 'CN equals O'],
    ['UID CMND: (identity card)', [[OID.O, 'UBND tỉnh Hà Nam'], [OID.UID, 'CMND:168000001'], [OID.CN, 'Lê Thị Hoa']], 'official', 'UID CMND:'],
    ['UID HC: (passport)', [[OID.UID, 'HC:B1234567'], [OID.CN, 'Đỗ Văn Khoa']], 'official', 'UID HC:'],
    ['a person in an organisation: CCCD wins over the MST beside it', [[OID.UID, 'MST:0100109106'], [OID.UID, 'CCCD:001085000009'], [OID.CN, 'Ngô Văn Lâm']], 'official', 'UID CCCD:'],
    ['a title, whatever the OU', [[OID.O, 'UBND tỉnh Hà Nam'], [OID.OU, '000.00.12.H40'], [OID.T, 'Giám đốc'], [OID.CN, 'Phan Văn Minh']], 'official', 'a title (T)'],
    ['a department abbreviation in OU is not an OrganId', [[OID.O, 'UBND tỉnh Hà Nam'], [OID.OU, 'VP'], [OID.CN, 'Trịnh Văn Nam']], 'official', 'a personal certificate (no organisation marker)'],
  ] as Array<[string, NameSpec, string, string]>)('%s', async (_, fields, role, basis) => {
    expect(await roleOf([...VN, ...fields])).toMatchObject({ role, basis });
  });

  it('a certificate that could not be read is unknown', () => {
    expect(readSignerRole(undefined).role).toBe('unknown');
  });

  it('the PDF verifier reports the held-out agency certificate\'s signature as a seal, with the agency code', async () => {
    const agency = await issueCustom(pki, [...VN, [OID.O, 'UBND tỉnh Hà Nam'], [OID.OU, '000.00.12.H40'], [OID.CN, 'Sở Tài chính tỉnh Hà Nam']]);
    const signed = await signPdf(minimalPdf(), testSigner(agency));
    const validator = createCertificateValidator({ trustAnchors: [pki.root.certificate] });
    const report = await verifyPdf(signed, { validator });
    expect(report.valid, report.message).toBe(true);
    expect(report.signatures[0]).toMatchObject({ role: 'agency-seal', roleBasis: 'OU is an OrganId', agencyOrganId: '000.00.12.H40' });
    expect(report.agencySeals.map((s) => s.subjectFields.CN)).toEqual(['Sở Tài chính tỉnh Hà Nam']);
    expect(report.officials).toEqual([]);
  });
});
