/**
 * What the health page says of the revocation data the checks hold (src/pki/revocation-cache-state.ts): after real
 * checks against the test PKI's CRL and OCSP server, each CRL used with its fetch time and validity, the OCSP answers
 * by status; a CRL whose copy went stale reads "missing" until it is fetched again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateValidator, createMemoryRevocationCache, parseCrl } from '../../src/pki/index.js';
import { servedTestPki, type ServedPki } from './pki-fixture.js';

let served: ServedPki;
beforeAll(async () => {
  served = await servedTestPki();
});
afterAll(async () => {
  await served.server.close();
});

const check = (v: ReturnType<typeof createCertificateValidator>, name: 'official-rsa' | 'official-revoked' | 'agency-ec') => {
  const identity = served.pki.identities[name];
  return v.validate(identity.certificate, identity.chain.slice(1, -1), {});
};

describe('the revocation data a validator holds', () => {
  it('is empty before any check, then lists the CRLs fetched (with their validity) and the OCSP answers by status', async () => {
    let clock = Date.now();
    const now = () => clock;
    const validator = createCertificateValidator({ trustAnchors: [served.pki.root.certificate], cache: createMemoryRevocationCache(now) });
    expect(validator.revocationCacheState()).toEqual({ listed: true, crls: [], ocsp: { answers: 0, good: 0, revoked: 0 } });

    const storedAt = new Date(clock).toISOString();
    expect((await check(validator, 'official-rsa')).valid).toBe(true);
    expect((await check(validator, 'official-revoked')).valid).toBe(false);
    // The CA's own certificate is checked by its CRL (no OCSP for it); the officials by OCSP.
    const state = validator.revocationCacheState();
    const rootCrl = parseCrl(served.pki.crls.root)!;
    expect(state.crls).toEqual([expect.objectContaining({ url: `${served.server.url}/crl/root.crl`, state: 'held', thisUpdate: rootCrl.thisUpdate.value.toISOString(), nextUpdate: rootCrl.nextUpdate!.value.toISOString() })]);
    expect(state.crls[0]!.fetchedAt).toBe(storedAt);
    expect(state.ocsp).toMatchObject({ answers: 2, good: 1, revoked: 1 });
    expect(state.ocsp.oldestFetchedAt).toBe(storedAt);
    expect(Date.parse(state.ocsp.nextExpiresAt!)).toBeGreaterThan(Date.now());

    // Past the CRL's nextUpdate and the answers' lifetime: nothing current is held; the CRL used is named as missing.
    clock += 400 * 86_400_000;
    expect(validator.revocationCacheState()).toEqual({ listed: true, crls: [{ url: `${served.server.url}/crl/root.crl`, state: 'missing' }], ocsp: { answers: 0, good: 0, revoked: 0 } });
  });

  it('says when a shared cache cannot list what it holds', () => {
    const shared = { get: () => undefined, set: () => undefined };
    const validator = createCertificateValidator({ trustAnchors: [served.pki.root.certificate], cache: shared });
    expect(validator.revocationCacheState()).toMatchObject({ listed: false });
  });
});
