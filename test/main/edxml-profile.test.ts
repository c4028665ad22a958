/**
 * EDXML_PROFILE through a real gateway (runAxis, ROLE=gateway, embedded store, real Redis, the inspector threads and
 * the event-loop inspector): a signed package between two systems connected through the Government Office's SaaS,
 * whose codes (`vxp.saas.03`, `vxp.saas.01`) are system identifiers, not QCVN 102 agency codes.
 * - default (field): the registry takes the codes; the package is accepted, the warnings are in its report, and the
 *   recipient finds it in its inbox;
 * - strict: the same package is refused with the format's code and the status the REST dialect's table gives it,
 *   and nothing is stored.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { buildDocumentPackage } from '../../src/edxml/index.js';
import { restStatusForCode as statusForCode } from '../../src/http/rest/error-status.js';
import { createAgencyClient, type AgencyClient } from '../../src/http/rest/agency-client.js';
import { createDemoPki, type DemoPki } from '../../src/main/demo-pki.js';
import { runAxis, type RunningAxis } from '../../src/main/run-axis.js';
import { signPackage } from '../../src/signature/xmldsig/index.js';

const SENDER = { organId: 'vxp.saas.03', name: 'Hệ thống QLVB kết nối qua SaaS 03' };
const RECIPIENT = { organId: 'vxp.saas.01', name: 'Hệ thống QLVB kết nối qua SaaS 01' };

const root = mkdtempSync(path.join(tmpdir(), 'edx-edxml-profile-'));
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

interface Axis {
  axis: RunningAxis;
  sender: AgencyClient;
  recipient: AgencyClient;
}

/** A fresh axis with both SaaS systems registered; the sender's seal certificate is registered to it. */
async function axisWith(env: Record<string, string>): Promise<Axis> {
  const config = loadConfig({ DATA_DIR: path.join(root, `axis-${++n}`), PORT: '0', HOST: '127.0.0.1', ROLE: 'gateway', TRUST_ANCHORS_DIR: demo.trustDir, ...env });
  const axis = await runAxis(config, { logger: pino({ level: 'silent' }), prefix: `test-edxml-profile-${randomBytes(4).toString('hex')}` });
  running.push(axis);
  const sent = await axis.services.agencies.addAgency(SENDER);
  const received = await axis.services.agencies.addAgency(RECIPIENT);
  await axis.services.agencies.registerCertificate(SENDER.organId, createHash('sha256').update(demo.pki.identities['agency-rsa'].certificate).digest('hex'));
  const baseUrl = `http://127.0.0.1:${axis.port}`;
  return { axis, sender: createAgencyClient({ baseUrl, ...sent.credentials }), recipient: createAgencyClient({ baseUrl, ...received.credentials }) };
}

function saasDocument(): Promise<Buffer> {
  return signPackage(buildDocumentPackage({
    from: { organId: SENDER.organId, organName: SENDER.name },
    to: [{ organId: RECIPIENT.organId, organName: RECIPIENT.name }],
    documentId: `${SENDER.organId},2026/12/01,${randomBytes(3).toString('hex')}/VP`,
    code: { codeNumber: '12', codeNotation: 'VP' },
    subject: 'V/v văn bản gửi qua hệ thống SaaS',
    attachments: [{ name: 'a.txt', bytes: Buffer.from('nội dung') }],
  }), demo.signerOf(demo.pki.identities['agency-rsa']));
}

interface Report { verification: { signature: { valid: boolean }; warnings: { code: string; message: string }[] } }

describe('EDXML_PROFILE through the gateway (issue 19)', () => {
  it.each([
    ['the inspector threads', {}],
    ['the event-loop inspector (INSPECT_THREADS=0)', { INSPECT_THREADS: '0' }],
  ])('field (the default), %s: accepted with the warnings in the report, delivered to the SaaS recipient', async (_how, env) => {
    const { sender, recipient } = await axisWith(env);
    const sent = await sender.sendPackage<{ packageId: string }>(await saasDocument());
    expect(sent.status).toBe(202);
    const report = await sender.call<Report>('GET', `/v1/packages/${sent.body.packageId}/report`);
    expect(report.body.verification.signature.valid).toBe(true);
    // From, To and the sender's TraceHeader.
    expect(report.body.verification.warnings.map((w) => w.code)).toEqual(['EDXML_WARN_ORGAN_ID_SYSTEM', 'EDXML_WARN_ORGAN_ID_SYSTEM', 'EDXML_WARN_ORGAN_ID_SYSTEM']);
    expect(report.body.verification.warnings.map((w) => w.message.slice(0, 14))).toEqual(['"vxp.saas.03" ', '"vxp.saas.01" ', '"vxp.saas.03" ']);
    const inbox = await recipient.call<{ items: { packageId?: string; envelopeId?: string; id?: string }[] }>('GET', '/v1/inbox');
    expect(JSON.stringify(inbox.body)).toContain(sent.body.packageId);
  });

  it.each([
    ['the inspector threads', { EDXML_PROFILE: 'strict' }],
    ['the event-loop inspector (INSPECT_THREADS=0)', { EDXML_PROFILE: 'strict', INSPECT_THREADS: '0' }],
  ])('EDXML_PROFILE=strict, %s: refused with the format\'s code, nothing stored', async (_how, env) => {
    const { axis, sender } = await axisWith(env);
    const sent = await sender.request<{ code: string; detail: string }>('POST', '/v1/packages', await saasDocument(), 'application/xml');
    expect(sent.body.code).toBe('EDXML_RULE_ORGAN_ID_INVALID');
    expect(sent.status).toBe(statusForCode('EDXML_RULE_ORGAN_ID_INVALID'));
    expect(sent.status).toBeGreaterThanOrEqual(400);
    expect(sent.body.detail).toContain('vxp.saas.03');
    expect(await axis.services.store.listDeliveries({ limit: 10 })).toEqual([]);
  });
});
