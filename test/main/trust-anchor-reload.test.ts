/**
 * Issue 23, finding 7: trust anchors are read again while the gateway runs, when TRUST_ANCHORS_DIR changes and on
 * SIGHUP, without a restart: a signer refused as untrusted is accepted once its CA is dropped into the directory.
 * A real gateway (runAxis, ROLE=gateway), the test PKI with its CRL/OCSP server, real signatures.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { buildDocumentPackage } from '../../src/edxml/index.js';
import { createAgencyClient } from '../../src/http/rest/agency-client.js';
import { createDemoPki, type DemoPki } from '../../src/main/demo-pki.js';
import { runAxis, type RunningAxis } from '../../src/main/run-axis.js';
import { signPackage } from '../../src/signature/xmldsig/index.js';

const A = { organId: '000.00.00.H40', name: 'UBND tỉnh Hà Nam' };
const B = { organId: '000.00.12.H40', name: 'Sở Tài chính tỉnh Hà Nam' };
const root = mkdtempSync(path.join(tmpdir(), 'edx-anchor-reload-'));
let axis: RunningAxis | undefined;
let demo: DemoPki | undefined;
afterAll(async () => {
  await axis?.stop();
  await demo?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('trust anchors reloaded while the gateway runs', () => {
  it('a CA dropped into TRUST_ANCHORS_DIR is trusted from the next package on; SIGHUP reloads too', async () => {
    const trustDir = path.join(root, 'trust');
    mkdirSync(trustDir);
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => { lines.push(JSON.parse(line) as Record<string, unknown>); } });
    axis = await runAxis(loadConfig({ DATA_DIR: path.join(root, 'data'), PORT: '0', HOST: '127.0.0.1', ROLE: 'gateway', TRUST_ANCHORS_DIR: trustDir }), { logger, prefix: `test-anchors-${randomBytes(4).toString('hex')}` });
    const { credentials } = await axis.services.agencies.addAgency(A);
    await axis.services.agencies.addAgency(B);
    const a = createAgencyClient({ baseUrl: `http://127.0.0.1:${axis.port}`, ...credentials });
    // The agency's CA, not yet installed on the axis.
    demo = await createDemoPki(path.join(root, 'ca'));
    const signed = (n: number) => signPackage(buildDocumentPackage({
      from: { organId: A.organId, organName: A.name },
      to: [{ organId: B.organId, organName: B.name }],
      documentId: `${A.organId},2026/12/01,${n}-${randomBytes(3).toString('hex')}/UBND-VP`,
      code: { codeNumber: String(n), codeNotation: 'UBND-VP' },
      subject: 'V/v cài đặt chứng thư gốc mới',
      attachments: [{ name: 'a.txt', bytes: Buffer.from('nội dung') }],
    }), demo!.signerOf(demo!.pki.identities['agency-rsa']));

    const before = await a.request<{ code: string }>('POST', '/v1/packages', await signed(1), 'application/xml');
    expect(before.status).toBe(422);
    expect(before.body.code).toBe('SIG_CERT_UNTRUSTED');

    for (const name of readdirSync(demo.trustDir)) copyFileSync(path.join(demo.trustDir, name), path.join(trustDir, name));
    const reloaded = (trigger: string) => vi.waitFor(() => {
      const line = lines.find((l) => l['msg'] === 'trust anchors reloaded' && l['trigger'] === trigger);
      if (!line) throw new Error(`no reload by ${trigger} yet`);
      return line;
    }, { timeout: 10_000 });
    expect(await reloaded('directory changed')).toMatchObject({ dir: trustDir, anchors: 2 });
    const after = await a.sendPackage<{ packageId: string }>(await signed(2));
    expect(after.status).toBe(202);

    process.kill(process.pid, 'SIGHUP');
    expect(await reloaded('SIGHUP')).toMatchObject({ dir: trustDir, anchors: 2 });
  });
});
