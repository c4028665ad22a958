import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAgencyRegistry } from '../../src/exchange/agencies/agency-registry.js';
import { createSecretBox } from '../../src/exchange/agencies/secret-box.js';
import { memoryAgencyStore } from './harness.js';

describe('the agency registry', () => {
  it('keeps the HMAC secret only encrypted, bound to the agency', async () => {
    const store = memoryAgencyStore();
    const key = randomBytes(32);
    const registry = createAgencyRegistry({ store, secretKey: key });
    const { credentials } = await registry.addAgency({ organId: 'G22.01', name: 'Bộ X' });
    const record = await store.getAgency('G22.01');
    const stored = JSON.stringify(record);
    expect(stored).not.toContain(credentials.secret);
    const box = createSecretBox(key);
    expect(box.open(record!.credentials[0]!.secretCiphertext, 'G22.01')).toBe(credentials.secret);
    expect(() => box.open(record!.credentials[0]!.secretCiphertext, 'G22.02')).toThrow(/cannot be decrypted/);
    expect(() => createSecretBox(randomBytes(32)).open(record!.credentials[0]!.secretCiphertext, 'G22.01')).toThrow(/SECRET_KEY/);
  });

  it('validates OrganIds, parents and endpoints', async () => {
    const registry = createAgencyRegistry({ store: memoryAgencyStore(), secretKey: randomBytes(32) });
    await expect(registry.addAgency({ organId: 'A'.repeat(65), name: 'x' })).rejects.toMatchObject({ code: 'AGENCY_ORGAN_ID_INVALID' });
    await expect(registry.addAgency({ organId: 'A 1', name: 'x' })).rejects.toMatchObject({ code: 'AGENCY_ORGAN_ID_INVALID' });
    await expect(registry.addAgency({ organId: 'A/1', name: 'x' })).rejects.toMatchObject({ code: 'AGENCY_ORGAN_ID_INVALID' });
    await expect(registry.addAgency({ organId: 'A1', name: 'x', parent: 'P1' })).rejects.toMatchObject({ code: 'AGENCY_NOT_FOUND' });
    await expect(registry.addAgency({ organId: 'A1', name: 'x', endpointUrl: 'ftp://x' })).rejects.toMatchObject({ code: 'AGENCY_ENDPOINT_INVALID' });
    await registry.addAgency({ organId: 'P1', name: 'parent' });
    const child = await registry.addAgency({ organId: 'A1', name: 'child', parent: 'P1', endpointUrl: 'https://dms.a1.example/in' });
    expect(child.agency).toMatchObject({ parentOrganId: 'P1', deliveryMode: 'push', endpointUrl: 'https://dms.a1.example/in', state: 'active' });
  });

  it('takes the SDK world\'s system identifiers, compared exactly as written', async () => {
    const registry = createAgencyRegistry({ store: memoryAgencyStore(), secretKey: randomBytes(32) });
    const { credentials } = await registry.addAgency({ organId: 'vxp.saas.03', name: 'Hệ thống SaaS 03' });
    expect(credentials.organId).toBe('vxp.saas.03');
    expect((await registry.resolveKey(credentials.keyId))?.agency.organId).toBe('vxp.saas.03');
    await expect(registry.getAgency('VXP.SAAS.03')).rejects.toMatchObject({ code: 'AGENCY_NOT_FOUND' });
    const long = `${'x'.repeat(60)}_a-1`;
    expect((await registry.addAgency({ organId: long, name: 'x' })).agency.organId).toBe(long);
  });

  it('a rotated key works during the grace period and is refused after it', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const registry = createAgencyRegistry({ store: memoryAgencyStore(), secretKey: randomBytes(32), graceSeconds: 3600, now: () => now });
    const { credentials: old } = await registry.addAgency({ organId: 'R1', name: 'r' });
    const { credentials: fresh } = await registry.rotateKey('R1');
    now = new Date('2026-01-01T00:59:00Z');
    expect((await registry.resolveKey(old.keyId))?.secret.toString()).toBe(old.secret);
    now = new Date('2026-01-01T01:00:01Z');
    expect(await registry.resolveKey(old.keyId)).toBeUndefined();
    expect((await registry.resolveKey(fresh.keyId))?.secret.toString()).toBe(fresh.secret);
  });

  it('registers certificate fingerprints once, normalised', async () => {
    const registry = createAgencyRegistry({ store: memoryAgencyStore(), secretKey: randomBytes(32) });
    await registry.addAgency({ organId: 'C1', name: 'c' });
    const hex = 'AB'.repeat(32);
    await registry.registerCertificate('C1', hex.match(/../g)!.join(':'));
    const view = await registry.registerCertificate('C1', hex);
    expect(view.certificateFingerprints).toEqual(['ab'.repeat(32)]);
    await expect(registry.registerCertificate('C1', 'abc')).rejects.toMatchObject({ code: 'AGENCY_CERT_FINGERPRINT_INVALID' });
  });
});
