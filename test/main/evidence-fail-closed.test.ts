/**
 * When checkpoints cannot be time-stamped (issue 21, as X-Road's message log): the TSA at TSA_URL starts failing, a
 * receipt waits past EVIDENCE_MAX_UNTIMESTAMPED_MS, evidence turns degraded (/readyz, the metric, an alert in the log
 * and at the webhook) and with EVIDENCE_FAIL_CLOSED=true both dialects refuse new packages with EVIDENCE_UNAVAILABLE,
 * storing nothing; once the TSA answers again the next checkpoint is stamped and packages are accepted again. And
 * CHECKPOINT_EVERY_RECEIPTS: a checkpoint as soon as enough receipts wait, long before the period.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devTrustDir, loadOrCreateDevTsa, type DevTsa } from '../../src/ledger/index.js';
import { startTestTsaServer, type TestTsaServer } from '../../src/pki/test-pki/index.js';
import { waitFor } from '../support/wait-for.js';
import { SdkClient } from '../vdxp/sdk-client.js';
import { H40, S12, startEvidenceAxis, type EvidenceAxis } from './evidence-fixture.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'edx-fail-closed-'));
let tsa: TestTsaServer;
let devTsa: DevTsa;
let webhook: Server;
const alerts: { type: string; lastError?: { code: string } }[] = [];
let a: EvidenceAxis;

beforeAll(async () => {
  devTsa = await loadOrCreateDevTsa(dataDir);
  tsa = await startTestTsaServer();
  tsa.serve(devTsa);
  webhook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      alerts.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  a = await startEvidenceAxis({
    TSA_URL: tsa.url, TSA_TRUST_ANCHORS_DIR: devTrustDir(dataDir), TSA_TIMEOUT_MS: '2000',
    CHECKPOINT_EVERY_MS: '500', EVIDENCE_MAX_UNTIMESTAMPED_MS: '1500', EVIDENCE_FAIL_CLOSED: 'true',
    DEAD_LETTER_WEBHOOK_URL: `http://127.0.0.1:${(webhook.address() as { port: number }).port}/alerts`,
  }, { dataDir });
});

afterAll(async () => {
  await a?.stop();
  await tsa?.close();
  await new Promise((resolve) => webhook ? webhook.close(resolve) : resolve(undefined));
  rmSync(dataDir, { recursive: true, force: true });
});

const readyz = async () => (await (await fetch(`${a.baseUrl}/readyz`)).json()) as { status: string; checks: Record<string, string> };

describe('EVIDENCE_FAIL_CLOSED', () => {
  it('refuses new packages in both dialects while checkpoints cannot be time-stamped, storing nothing, and recovers', async () => {
    const { credentials } = await a.axis.services.systems.addSystem({ systemId: 'vxp.h40.evidence', agencies: [H40] });
    const sdk = () => new SdkClient({ endpoint: `${a.baseUrl}/vdxp`, systemId: 'vxp.h40.evidence', secret: credentials.secret });
    const ledger = a.axis.services.store.ledger;

    expect((await a.clients.h40.sendPackage(await a.document('h40', S12))).status).toBe(202);
    await waitFor(async () => expect((await ledger.latestTimestampedCheckpoint())?.treeSize).toBe(await ledger.chainLength()));
    expect(await readyz()).toMatchObject({ status: 'ready', checks: { evidence: 'ok' } });

    // The TSA goes down: the next receipt is accepted, then waits for a time-stamp longer than allowed.
    tsa.serve(devTsa, { httpStatus: 503 });
    expect((await a.clients.h40.sendPackage(await a.document('h40', S12))).status).toBe(202);
    await waitFor(async () => expect(await readyz()).toEqual({ status: 'degraded', checks: { redis: 'ok', store: 'ok', evidence: 'degraded' } }));
    await waitFor(() => expect(alerts.map((x) => x.type)).toContain('edx.evidence.degraded'));
    expect(alerts.find((x) => x.type === 'edx.evidence.degraded')?.lastError?.code).toBe('LEDGER_TSA_HTTP_STATUS');
    expect(a.logs.some((line) => line['alert'] === 'evidence-degraded' && line['level'] === 50)).toBe(true);
    expect(await (await fetch(`${a.baseUrl}/metrics`)).text()).toMatch(/^edx_evidence_degraded 1$/m);

    // Refused in both dialects, with nothing recorded: not the package, not even a `rejected` receipt.
    const length = await ledger.chainLength();
    await waitFor(async () => {
      const refused = await a.clients.h40.request<{ code: string; detail: string }>('POST', '/v1/packages', await a.document('h40', S12), 'application/xml');
      expect([refused.status, refused.body.code]).toEqual([503, 'EVIDENCE_UNAVAILABLE']);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.body.detail).toMatch(/cannot time-stamp/);
    });
    const viaSdk = await sdk().sendEdoc({ from: H40, servicetype: 'eDoc', messagetype: 'edoc' }, await a.document('h40', S12));
    expect(viaSdk.json).toMatchObject({ status: 'FAIL', ErrorCode: 'EVIDENCE_UNAVAILABLE', DocId: '' });
    expect(viaSdk.headers['retry-after']).toBe('1');
    expect(await ledger.chainLength()).toBe(length);
    expect((await a.axis.services.store.listReceipts({ after: length - 1, limit: 10 })).map((r) => r.type)).not.toContain('rejected');

    // The TSA is back: the latest checkpoint is stamped at the next run, and packages are taken in again.
    tsa.serve(devTsa);
    await waitFor(async () => expect(await readyz()).toMatchObject({ status: 'ready', checks: { evidence: 'ok' } }));
    await waitFor(async () => expect((await a.clients.h40.request('POST', '/v1/packages', await a.document('h40', S12), 'application/xml')).status).toBe(202));
    const again = await sdk().sendEdoc({ from: H40, servicetype: 'eDoc', messagetype: 'edoc' }, await a.document('h40', S12));
    expect(again.json).toMatchObject({ status: 'OK', ErrorCode: '0' });
    await waitFor(() => expect(alerts.map((x) => x.type)).toEqual(['edx.evidence.degraded', 'edx.evidence.recovered']));
  });
});

describe('CHECKPOINT_EVERY_RECEIPTS', () => {
  let b: EvidenceAxis;
  afterAll(async () => b?.stop());

  it('makes a checkpoint as soon as that many receipts wait, without waiting for the period', async () => {
    b = await startEvidenceAxis({ CHECKPOINT_EVERY_MS: String(3600_000), CHECKPOINT_EVERY_RECEIPTS: '3' });
    const ledger = b.axis.services.store.ledger;
    for (let i = 0; i < 3; i += 1) expect((await b.clients.h40.sendPackage(await b.document('h40', S12))).status).toBe(202);
    await waitFor(async () => expect((await ledger.latestTimestampedCheckpoint())?.treeSize).toBeGreaterThanOrEqual(3));
    // Three more: the next checkpoint, still long before the period, covers them too.
    const covered = (await ledger.latestCheckpoint())!.treeSize;
    for (let i = 0; i < 3; i += 1) expect((await b.clients.h40.sendPackage(await b.document('h40', S12))).status).toBe(202);
    await waitFor(async () => expect((await ledger.latestCheckpoint())!.treeSize).toBeGreaterThanOrEqual(covered + 3));
  });
});
