/**
 * REVOCATION_POLICY through a real gateway (runAxis, ROLE=gateway, embedded store, real Redis): the same signed
 * package from the same agency seal, with the test PKI's CRL/OCSP server up and then down.
 * - default (require, fail-closed): accepted while revocation can be checked; refused once it cannot, with the
 *   "could not check" code and the status the exchange's error table gives it, and nothing stored;
 * - prefer (fail-open): accepted with the warning in the package report.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { buildDocumentPackage } from '../../src/edxml/index.js';
import { restRetryForCode, restStatusForCode as statusForCode } from '../../src/http/rest/error-status.js';
import { createAgencyClient, type AgencyClient } from '../../src/http/rest/agency-client.js';
import { createDemoPki, type DemoPki } from '../../src/main/demo-pki.js';
import { createSignatureChecking } from '../../src/main/package-signature-check.js';
import { runAxis, type RunningAxis } from '../../src/main/run-axis.js';
import { signPackage } from '../../src/signature/xmldsig/index.js';

const A = { organId: '000.00.00.H40', name: 'UBND tỉnh Hà Nam' };
const B = { organId: '000.00.12.H40', name: 'Sở Tài chính tỉnh Hà Nam' };
const COULD_NOT_CHECK = ['SIG_OCSP_UNAVAILABLE', 'SIG_REVOCATION_UNKNOWN'];

const root = mkdtempSync(path.join(tmpdir(), 'edx-revocation-policy-'));
const running: RunningAxis[] = [];
let demo: DemoPki;
let n = 0;

afterAll(async () => {
  for (const axis of running) await axis.stop();
  await demo?.close();
  rmSync(root, { recursive: true, force: true });
});

beforeAll(async () => {
  demo = await createDemoPki(path.join(root, 'trust'));
});

/** A fresh axis (its own store and certificate-verdict cache) with A and B registered; A's client. */
async function axisWith(env: Record<string, string>): Promise<{ axis: RunningAxis; a: AgencyClient }> {
  const dataDir = path.join(root, `axis-${++n}`);
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', ROLE: 'gateway', TRUST_ANCHORS_DIR: demo.trustDir, ...env });
  const axis = await runAxis(config, { logger: pino({ level: 'silent' }), prefix: `test-revocation-${randomBytes(4).toString('hex')}` });
  running.push(axis);
  const { credentials } = await axis.services.agencies.addAgency(A);
  await axis.services.agencies.addAgency(B);
  return { axis, a: createAgencyClient({ baseUrl: `http://127.0.0.1:${axis.port}`, ...credentials }) };
}

function signedDocument(): Promise<Buffer> {
  return signPackage(buildDocumentPackage({
    from: { organId: A.organId, organName: A.name },
    to: [{ organId: B.organId, organName: B.name }],
    documentId: `${A.organId},2026/12/01,${randomBytes(3).toString('hex')}/UBND-VP`,
    code: { codeNumber: '9', codeNotation: 'UBND-VP' },
    subject: 'V/v kiểm tra thu hồi chứng thư số',
    attachments: [{ name: 'a.txt', bytes: Buffer.from('nội dung') }],
  }), demo.signerOf(demo.pki.identities['agency-rsa']));
}

interface Verification { signature: { valid: boolean; code: string; revocation?: { status: string; source?: string }; warnings: string[] } }

describe('revocation policy (issue 3: fail-closed by default, fail-open by option with a warning)', () => {
  it('the default is require', () => {
    expect(loadConfig({}).revocationPolicy).toBe('require');
  });

  it('default policy, CRL/OCSP server up: the seal is checked for real (good, ocsp) and the package accepted', async () => {
    const { a } = await axisWith({});
    const sent = await a.sendPackage<{ packageId: string }>(await signedDocument());
    expect(sent.status).toBe(202);
    const report = await a.call<{ verification: Verification }>('GET', `/v1/packages/${sent.body.packageId}/report`);
    expect(report.body.verification.signature).toMatchObject({ valid: true, code: 'SIG_OK', revocation: { status: 'good', source: 'ocsp' } });
    expect(demo.revocationServer?.hits.get('/ocsp')).toBeGreaterThan(0);
  });

  it('the maintenance hook (hooks.refreshRevocation) re-fetches the CRLs the gateway has used', async () => {
    // OCSP off: the validator falls back to the CRLs, which the hook then refreshes.
    demo.revocationServer?.serve(demo.pki, { ocsp: false });
    const checking = await createSignatureChecking({ trustAnchorsDir: demo.trustDir, revocationPolicy: 'require' });
    expect(await checking.verify(await signedDocument())).toMatchObject({ valid: true });
    const crlHits = () => [...(demo.revocationServer?.hits ?? new Map<string, number>())].filter(([p]) => p.startsWith('/crl/')).reduce((n, [, c]) => n + c, 0);
    const before = crlHits();
    expect(before).toBeGreaterThan(0);
    await checking.refreshRevocation();
    expect(crlHits()).toBeGreaterThan(before);
    demo.revocationServer?.serve(demo.pki);
  });

  describe('CRL/OCSP server down', () => {
    beforeAll(async () => {
      await demo.close();
    });

    it('default policy: refused with a could-not-check code and its mapped status, nothing stored', async () => {
      const { axis, a } = await axisWith({});
      const sent = await a.request<{ code: string; detail: string }>('POST', '/v1/packages', await signedDocument(), 'application/xml');
      expect(COULD_NOT_CHECK).toContain(sent.body.code);
      expect(sent.status).toBe(statusForCode(sent.body.code));
      expect(sent.status).toBe(503);
      // A 503 says when to try again: the wait the error table gives its code.
      expect(sent.headers.get('retry-after')).toBe(String(restRetryForCode(sent.body.code).retryAfterSeconds));
      expect(sent.body.detail).toMatch(/\S/);
      expect(await axis.services.store.chainHead()).toBeUndefined();
      expect(await axis.services.store.listDeliveries({ limit: 10 })).toEqual([]);
    });

    it('REVOCATION_POLICY=prefer: accepted, and the report carries the warning', async () => {
      const { a } = await axisWith({ REVOCATION_POLICY: 'prefer' });
      const sent = await a.sendPackage<{ packageId: string }>(await signedDocument());
      expect(sent.status).toBe(202);
      const signature = (await a.call<{ verification: Verification }>('GET', `/v1/packages/${sent.body.packageId}/report`)).body.verification.signature;
      expect(signature.valid).toBe(true);
      expect(signature.revocation?.status).toBe('unknown');
      expect(signature.warnings.join('\n')).toMatch(new RegExp(`(${COULD_NOT_CHECK.join('|')}).*fail-open`));
    });

    it('REVOCATION_POLICY=off: nothing is fetched; accepted with a warning too', async () => {
      const checking = await createSignatureChecking({ trustAnchorsDir: demo.trustDir, revocationPolicy: 'off' });
      const report = await checking.verify(await signedDocument());
      expect(report).toMatchObject({ valid: true, revocation: { status: 'unknown' } });
      expect(report.warnings.join('\n')).toMatch(/fail-open/);
    });
  });
});
