/**
 * Issue 23, finding 7: a compromised agency key is revoked at once, by `edx admin agency revoke-key KEY_ID` or the
 * operator API, while rotate-key alone keeps it valid for the grace period. The next request signed with it is refused.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgencyCredentials } from '../../src/exchange/agencies/agency-registry.js';
import { signRequest } from '../../src/http/rest/request-signing.js';
import { buildHarness, fakeExchange, OPERATOR_TOKEN, type Harness } from './harness.js';

describe('revoking an agency key at once', () => {
  let h: Harness;
  beforeAll(async () => { h = await buildHarness({ exchange: fakeExchange([]) }); });
  afterAll(async () => h.close());

  const inbox = (key: AgencyCredentials) => request(h.app).get('/v1/inbox').set({ ...signRequest({ method: 'GET', path: '/v1/inbox', keyId: key.keyId, secret: key.secret }) });
  const operator = { Authorization: `Bearer ${OPERATOR_TOKEN}` };

  it('POST /v1/admin/keys/:keyId/revoke: the old key is refused from the next request, the new one still served', async () => {
    const old = await h.add('000.00.00.A01');
    const rotated = await request(h.app).post('/v1/admin/agencies/000.00.00.A01/rotate-key').set(operator);
    const fresh = rotated.body.credentials as AgencyCredentials;
    // After rotate-key alone, the old key still works (grace period): that is why revoke-key exists.
    expect((await inbox(old)).status).toBe(200);
    const revoked = await request(h.app).post(`/v1/admin/keys/${old.keyId}/revoke`).set(operator);
    expect(revoked.status).toBe(200);
    expect(revoked.body.keys.map((k: { keyId: string }) => k.keyId)).toEqual([fresh.keyId]);
    const refused = await inbox(old);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('AUTH_INVALID');
    expect((await inbox(fresh)).status).toBe(200);
  });

  it('an unknown key is 404 AGENCY_KEY_NOT_FOUND; the API needs an operator', async () => {
    await h.add('000.00.00.B02');
    const unknown = await request(h.app).post('/v1/admin/keys/000.00.00.B02:0000000000000000/revoke').set(operator);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('AGENCY_KEY_NOT_FOUND');
    const noAgency = await request(h.app).post('/v1/admin/keys/000.00.00.Z99:0000000000000000/revoke').set(operator);
    expect(noAgency.status).toBe(404);
    expect((await request(h.app).post('/v1/admin/keys/000.00.00.B02:0000000000000000/revoke')).status).toBe(401);
  });

  it('edx admin agency revoke-key KEY_ID on the real store', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'edx-revoke-key-'));
    try {
      const edx = (args: string[]) => spawnSync(process.execPath, ['bin/edx.js', 'admin', 'agency', ...args], {
        env: { PATH: process.env['PATH'] ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, encoding: 'utf8', timeout: 60_000,
      });
      const added = JSON.parse(edx(['add', '000.00.00.G22', '--name', 'Bộ']).stdout) as { credentials: { keyId: string } };
      const rotated = JSON.parse(edx(['rotate-key', '000.00.00.G22']).stdout) as { credentials: { keyId: string } };
      const run = edx(['revoke-key', added.credentials.keyId]);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect((JSON.parse(run.stdout) as { keys: { keyId: string }[] }).keys.map((k) => k.keyId)).toEqual([rotated.credentials.keyId]);
      const again = edx(['revoke-key', added.credentials.keyId]);
      expect(again.status).toBe(1);
      expect(again.stderr).toMatch(/^edx: AGENCY_KEY_NOT_FOUND: /);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
