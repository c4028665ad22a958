import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateValidator, isCouldNotCheck } from '../../src/pki/index.js';
import type { CertificateValidator } from '../../src/pki/types.js';
import { generateTestPki, type TestPki } from '../../src/pki/test-pki/index.js';
import { servedTestPki, unreachableTestPki, type ServedPki } from './pki-fixture.js';

let served: ServedPki;
let pki: TestPki;
let validator: CertificateValidator;

beforeAll(async () => {
  served = await servedTestPki();
  pki = served.pki;
  validator = createCertificateValidator({ trustAnchors: [pki.root.certificate] });
});

afterAll(async () => {
  await served.server.close();
});

function check(name: keyof TestPki['identities'], v = validator, policy = {}) {
  const identity = pki.identities[name];
  return v.validate(identity.certificate, identity.chain.slice(1, -1), policy);
}

describe('a signer certificate that chains to the test root', () => {
  it('an official\'s RSA certificate is valid, checked by OCSP, with the whole path reported', async () => {
    const report = await check('official-rsa');
    expect(report.valid, report.message).toBe(true);
    expect(report.code).toBeUndefined();
    expect(report.revocation).toMatchObject({ status: 'good', source: 'ocsp' });
    expect(report.chain.status).toBe('valid');
    expect(report.chain.path.map((c) => c.subjectFields.CN)).toEqual(['Nguyễn Văn An', 'CA phục vụ các cơ quan Nhà nước G2 (TEST)', 'RootCA chuyên dùng Chính phủ G2 (TEST)']);
    expect(report.signer?.subjectFields.T).toBe('Chánh Văn phòng');
    expect(report.signer?.organId).toBeUndefined();
  });

  it('an official\'s ECDSA P-256 certificate is valid', async () => {
    const report = await check('official-ec');
    expect(report.valid, report.message).toBe(true);
    expect(report.signer?.publicKeyAlgorithm).toBe('EC');
  });

  it('an agency seal certificate is valid and says which agency it belongs to', async () => {
    const report = await check('agency-rsa');
    expect(report.valid, report.message).toBe(true);
    expect(report.signer?.organId).toBe('000.00.00.H40');
    expect((await check('agency-ec')).signer?.organId).toBe('000.00.12.H40');
  });

  it('the OCSP answer is cached: a second check does not ask the responder again', async () => {
    const fresh = createCertificateValidator({ trustAnchors: [pki.root.certificate] });
    await check('agency-ec', fresh);
    const asked = served.server.hits.get('/ocsp') ?? 0;
    const again = await check('agency-ec', fresh);
    expect(again.valid).toBe(true);
    expect(served.server.hits.get('/ocsp') ?? 0).toBe(asked);
  });

  it('an expired certificate is valid when judged at a signing time inside its validity', async () => {
    const expired = pki.identities['official-expired'];
    const at = new Date(Date.now() - 60 * 86_400_000); // it expired 30 days ago
    const report = await validator.validate(expired.certificate, [pki.subordinate.certificate], { at });
    expect(report.valid, report.message).toBe(true);
    expect(report.checkedAt).toBe(at.toISOString());
  });
});

describe('certificates that must be refused, each with its code', () => {
  it('a revoked official is refused by OCSP with the revocation time', async () => {
    const report = await check('official-revoked');
    expect(report).toMatchObject({ valid: false, code: 'SIG_CERT_REVOKED', revocation: { status: 'revoked', source: 'ocsp' } });
    expect(report.revocation.revokedAt).toBe(pki.revoked[0]!.revokedAt.toISOString());
  });

  it('a revoked official is refused by the CRL when OCSP is not used', async () => {
    const crlOnly = createCertificateValidator({ trustAnchors: [pki.root.certificate], ocsp: false });
    const report = await check('official-revoked', crlOnly);
    expect(report).toMatchObject({ valid: false, code: 'SIG_CERT_REVOKED', revocation: { status: 'revoked', source: 'crl', reason: 'keyCompromise' } });
  });

  it('an expired certificate: SIG_CERT_EXPIRED', async () => {
    const report = await check('official-expired');
    expect(report).toMatchObject({ valid: false, code: 'SIG_CERT_EXPIRED' });
    expect(report.signer?.subjectFields.CN).toBe('Phạm Thị Dung');
  });

  it('a certificate not valid yet: SIG_CERT_NOT_YET_VALID', async () => {
    expect(await check('official-not-yet-valid')).toMatchObject({ valid: false, code: 'SIG_CERT_NOT_YET_VALID' });
  });

  it('a CA certificate used as a signer: SIG_CERT_CA_AS_SIGNER', async () => {
    expect(await check('ca-as-signer')).toMatchObject({ valid: false, code: 'SIG_CERT_CA_AS_SIGNER' });
  });

  it('the trust anchor itself used as a signer: SIG_CERT_CA_AS_SIGNER, not "trusted"', async () => {
    const report = await validator.validate(pki.root.certificate, []);
    expect(report).toMatchObject({ valid: false, code: 'SIG_CERT_CA_AS_SIGNER' });
  });

  it('an encryption-only certificate used to sign: SIG_CERT_KEY_USAGE', async () => {
    const report = await check('wrong-key-usage');
    expect(report).toMatchObject({ valid: false, code: 'SIG_CERT_KEY_USAGE' });
    expect(report.message).toMatch(/keyEncipherment/);
  });

  it('a policy that requires nonRepudiation refuses a responder certificate that only allows digitalSignature', async () => {
    const responder = pki.identities['ocsp-responder'];
    const report = await validator.validate(responder.certificate, [pki.subordinate.certificate], { requiredKeyUsage: ['nonRepudiation'], revocation: 'fail-open' });
    expect(report).toMatchObject({ valid: false, code: 'SIG_CERT_KEY_USAGE' });
  });

  it('a certificate from another root: SIG_CERT_UNTRUSTED', async () => {
    const stranger = await generateTestPki({ baseUrl: served.server.url });
    const official = stranger.identities['official-rsa'];
    const report = await validator.validate(official.certificate, [stranger.subordinate.certificate]);
    expect(report).toMatchObject({ valid: false, code: 'SIG_CERT_UNTRUSTED', chain: { status: 'invalid' } });
    expect(report.signer?.subjectFields.CN).toBe('Nguyễn Văn An');
  });

  it('a signer sent without its intermediate CA: SIG_CERT_UNTRUSTED', async () => {
    const report = await validator.validate(pki.identities['official-rsa'].certificate, []);
    expect(report).toMatchObject({ valid: false, code: 'SIG_CERT_UNTRUSTED' });
  });

  it('the samples\' truncated certificate and broken DER: SIG_CERT_MALFORMED, not a crash', async () => {
    for (const bad of [Buffer.from('MIIFqTCCBJG'), pki.identities['official-rsa'].certificate.subarray(0, 200), Buffer.from('not base64 at all!'), Buffer.alloc(0)]) {
      const report = await validator.validate(bad, []);
      expect(report).toMatchObject({ valid: false, code: 'SIG_CERT_MALFORMED' });
      expect(report.message?.length).toBeGreaterThan(10);
    }
    const intermediateBroken = await validator.validate(pki.identities['official-rsa'].certificate, [Buffer.from('MIIFqTCCBJG')]);
    expect(intermediateBroken.code).toBe('SIG_CERT_MALFORMED');
  });
});

describe('revocation that cannot be established', () => {
  it('OCSP says unknown and no CRL can be fetched: fail-closed SIG_REVOCATION_UNKNOWN (could not check)', async () => {
    served.server.serve(pki, { crl: false, statusOverride: () => 'unknown' });
    try {
      const fresh = createCertificateValidator({ trustAnchors: [pki.root.certificate] });
      const report = await check('official-ec', fresh);
      expect(report).toMatchObject({ valid: false, code: 'SIG_REVOCATION_UNKNOWN', revocation: { status: 'unknown' } });
      expect(report.revocation.detail).toMatch(/does not know this certificate/);
      expect(isCouldNotCheck(report.code)).toBe(true);
    } finally {
      served.server.serve(pki);
    }
  });

  it('OCSP responder down but the CRL is served: the CRL decides', async () => {
    served.server.serve(pki, { ocsp: false });
    try {
      const fresh = createCertificateValidator({ trustAnchors: [pki.root.certificate] });
      const good = await check('official-rsa', fresh);
      expect(good).toMatchObject({ valid: true, revocation: { status: 'good', source: 'crl' } });
      expect((await check('official-revoked', fresh)).code).toBe('SIG_CERT_REVOKED');
    } finally {
      served.server.serve(pki);
    }
  });

  it('responder and CRL server down: fail-closed SIG_OCSP_UNAVAILABLE; fail-open valid with a warning', async () => {
    const down = await unreachableTestPki();
    const v = createCertificateValidator({ trustAnchors: [down.root.certificate], timeoutMs: 2000 });
    const official = down.identities['official-rsa'];
    const closed = await v.validate(official.certificate, [down.subordinate.certificate]);
    expect(closed).toMatchObject({ valid: false, code: 'SIG_OCSP_UNAVAILABLE', revocation: { status: 'unknown' } });
    expect(closed.revocation.detail).toMatch(/did not answer/);
    const open = await v.validate(official.certificate, [down.subordinate.certificate], { revocation: 'fail-open' });
    expect(open.valid).toBe(true);
    expect(open.revocation.status).toBe('unknown');
    expect(open.warnings.join(' ')).toMatch(/SIG_OCSP_UNAVAILABLE.*fail-open/);
  });

  it('only an expired CRL to go by: SIG_CRL_EXPIRED', async () => {
    const offline = createCertificateValidator({ trustAnchors: [pki.root.certificate], crls: [pki.crls.root, pki.crls.subordinateExpired] });
    const report = await check('official-rsa', offline, { offline: true });
    expect(report).toMatchObject({ valid: false, code: 'SIG_CRL_EXPIRED', revocation: { status: 'unknown' } });
    expect(report.revocation.detail).toMatch(/expired/);
  });

  it('the CRL distribution point serves an expired CRL: SIG_CRL_EXPIRED', async () => {
    served.server.serve(pki, { ocsp: false, crls: { subordinate: pki.crls.subordinateExpired } });
    try {
      const fresh = createCertificateValidator({ trustAnchors: [pki.root.certificate] });
      expect(await check('official-rsa', fresh)).toMatchObject({ valid: false, code: 'SIG_CRL_EXPIRED' });
    } finally {
      served.server.serve(pki);
    }
  });

  it('offline with no CRL at all: SIG_REVOCATION_UNKNOWN, never a silent "good"', async () => {
    const report = await check('official-rsa', validator, { offline: true });
    expect(report).toMatchObject({ valid: false, code: 'SIG_REVOCATION_UNKNOWN', revocation: { status: 'unknown' } });
  });

  it('offline with current CRLs handed in: valid from the CRLs alone', async () => {
    const report = await check('official-rsa', validator, { offline: true, crls: [pki.crls.root, pki.crls.subordinate] });
    expect(report).toMatchObject({ valid: true, revocation: { status: 'good', source: 'crl' } });
  });
});

describe('OCSP answers that must not be believed', () => {
  async function withServing(options: Parameters<ServedPki['server']['serve']>[1], body: () => Promise<void>) {
    served.server.serve(pki, { crl: false, ...options });
    try {
      await body();
    } finally {
      served.server.serve(pki);
    }
  }
  const fresh = () => createCertificateValidator({ trustAnchors: [pki.root.certificate], crls: [pki.crls.root] });

  it('an answer signed by the CA itself is believed', async () => {
    await withServing({ ocspSigner: pki.subordinate }, async () => {
      expect(await check('official-rsa', fresh())).toMatchObject({ valid: true, revocation: { source: 'ocsp' } });
    });
  });

  it('an answer signed by a certificate the CA did not authorise for OCSP is refused', async () => {
    await withServing({ ocspSigner: pki.identities['official-ec'] }, async () => {
      const report = await check('official-rsa', fresh());
      expect(report).toMatchObject({ valid: false, code: 'SIG_OCSP_UNAVAILABLE' });
      expect(report.revocation.detail).toMatch(/not signed by the issuer or a responder it authorised/);
    });
  });

  it('a replayed answer (another request\'s nonce) is refused', async () => {
    await withServing({ replayFirstAnswer: true }, async () => {
      expect((await check('official-rsa', fresh())).valid).toBe(true);
      const report = await check('official-rsa', fresh());
      expect(report).toMatchObject({ valid: false, code: 'SIG_OCSP_UNAVAILABLE' });
      expect(report.revocation.detail).toMatch(/nonce/);
    });
  });

  it('an answer about another certificate does not vouch for this one', async () => {
    await withServing({ replayFirstAnswer: true }, async () => {
      expect((await check('agency-rsa', fresh())).valid).toBe(true);
      const report = await check('official-ec', fresh());
      expect(report.code).toBe('SIG_OCSP_UNAVAILABLE');
    });
  });
});

describe('certificates issued later and altered certificates', () => {
  it('an agency issued after generation carries its OrganId and is good by OCSP', async () => {
    const agency = await pki.issueAgency({ organId: '000.00.00.G09', name: 'Bộ Tài chính', kind: 'EC' });
    const report = await validator.validate(agency.certificate, [pki.subordinate.certificate]);
    expect(report).toMatchObject({ valid: true, signer: { organId: '000.00.00.G09', subjectFields: { CN: 'Bộ Tài chính' } }, revocation: { source: 'ocsp' } });
  });

  it('a certificate whose bytes were altered after issue does not chain: SIG_CERT_UNTRUSTED', async () => {
    const der = Buffer.from(pki.identities['official-rsa'].certificate);
    const at = der.indexOf(Buffer.from('Nguy', 'utf8'));
    der[at] = 'M'.charCodeAt(0);
    const report = await validator.validate(der, [pki.subordinate.certificate]);
    expect(report).toMatchObject({ valid: false, code: 'SIG_CERT_UNTRUSTED' });
    expect(report.signer?.subjectFields.CN).toBe('Mguyễn Văn An');
  });
});

describe('refreshing CRLs (maintenance)', () => {
  it('fetches again every distribution point the validator has used, and says which failed', async () => {
    const crlOnly = createCertificateValidator({ trustAnchors: [pki.root.certificate], ocsp: false });
    expect(await crlOnly.refreshCrls()).toEqual({ refreshed: [], failed: [] });
    expect((await check('official-rsa', crlOnly)).valid).toBe(true);
    const before = served.server.hits.get('/crl/subordinate.crl') ?? 0;
    const result = await crlOnly.refreshCrls();
    expect(result.refreshed.sort()).toEqual([pki.urls.rootCrl, pki.urls.subordinateCrl].sort());
    expect(served.server.hits.get('/crl/subordinate.crl')).toBe(before + 1);
    served.server.serve(pki, { crl: false });
    try {
      const down = await crlOnly.refreshCrls();
      expect(down.failed.map((f) => f.url).sort()).toEqual([pki.urls.rootCrl, pki.urls.subordinateCrl].sort());
      expect(down.failed[0]!.reason).toMatch(/HTTP 503/);
    } finally {
      served.server.serve(pki);
    }
  });
});

describe('many packages from the same official at once', () => {
  it('twenty concurrent validations share one OCSP request and one CRL download', async () => {
    const fresh = createCertificateValidator({ trustAnchors: [pki.root.certificate] });
    const ocspBefore = served.server.hits.get('/ocsp') ?? 0;
    const crlBefore = served.server.hits.get('/crl/root.crl') ?? 0;
    const reports = await Promise.all(Array.from({ length: 20 }, () => check('official-ec', fresh)));
    expect(reports.every((r) => r.valid)).toBe(true);
    expect((served.server.hits.get('/ocsp') ?? 0) - ocspBefore).toBe(1);
    expect((served.server.hits.get('/crl/root.crl') ?? 0) - crlBefore).toBe(1);
  });
});
