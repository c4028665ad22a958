/**
 * A whole axis for the browser tests, as `npm start` runs it (gateway + workers, embedded store, real Redis, the test
 * PKI with its CRL/OCSP server), with people's tokens, three agencies and a push endpoint that refuses everything
 * (for a dead letter); and Debian's chromium driven by playwright-core, with a fresh profile.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { buildDocumentPackage, buildStatusPackage } from '../../src/edxml/index.js';
import { createAgencyClient, type AgencyClient } from '../../src/http/rest/agency-client.js';
import { createDemoPki, type DemoPki } from '../../src/main/demo-pki.js';
import { runAxis, type RunningAxis } from '../../src/main/run-axis.js';
import { signPackage } from '../../src/signature/xmldsig/index.js';
import { LOOPBACK_PUSH_ENV } from '../support/loopback-push.js';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve('test-artifacts', 'ui');

export const A = { organId: '000.00.00.H40', name: 'UBND tỉnh Hà Nam' };
export const B = { organId: '000.00.12.H40', name: 'Sở Tài chính tỉnh Hà Nam' };
export const C = { organId: '000.00.00.C03', name: 'Văn phòng Chính phủ' };

export interface BrowserAxis {
  baseUrl: string;
  running: RunningAxis;
  pki: DemoPki;
  archivistToken: string;
  operatorToken: string;
  clients: { a: AgencyClient; b: AgencyClient };
  /** A signed document from A, as its document system sends it. */
  sendFromA(to: string[], documentId: string, subject: string, priority?: number): Promise<string>;
  statusFromB(documentId: string, code: '01' | '03'): Promise<void>;
  close(): Promise<void>;
}

export async function startBrowserAxis(): Promise<BrowserAxis> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'edx-ui-browser-'));
  const archivistToken = randomBytes(24).toString('base64url');
  const operatorToken = randomBytes(24).toString('base64url');
  const digest = (t: string) => createHash('sha256').update(t).digest('hex');
  const refusing: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(400, { 'content-type': 'text/plain' }).end('Hệ thống nhận từ chối gói tin'));
  });
  await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
  const pki = await createDemoPki(path.join(dataDir, 'trust'));
  const config = loadConfig({
    PATH: process.env['PATH'],
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    ROLE: 'all',
    LOG_LEVEL: 'silent',
    OPERATOR_TOKENS: digest(operatorToken),
    ARCHIVIST_TOKENS: digest(archivistToken),
    TRUST_ANCHORS_DIR: pki.trustDir,
    DELIVERY_MAX_ATTEMPTS: '1',
    INSPECT_THREADS: '0',
    // The refusing receiver is plain http on the loopback: the test opts in, as an operator would.
    ...LOOPBACK_PUSH_ENV,
  });
  const running = await runAxis(config, { logger: pino({ level: 'silent' }), prefix: `test-ui-${randomBytes(4).toString('hex')}` });
  const baseUrl = `http://127.0.0.1:${running.port}`;
  const { agencies } = running.services;
  const a = (await agencies.addAgency(A)).credentials;
  const b = (await agencies.addAgency(B)).credentials;
  await agencies.addAgency({ ...C, endpointUrl: `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/edxml` });
  const clients = { a: createAgencyClient({ baseUrl, ...a }), b: createAgencyClient({ baseUrl, ...b }) };
  return {
    baseUrl, running, pki, archivistToken, operatorToken, clients,
    async sendFromA(to, documentId, subject, priority) {
      const bytes = buildDocumentPackage({
        from: { organId: A.organId, organName: A.name },
        to: to.map((organId) => ({ organId, organName: organId })),
        documentId,
        code: { codeNumber: documentId.split(',').at(-1)!.split('/')[0]!, codeNotation: 'UBND-VP' },
        subject,
        ...(priority !== undefined ? { otherInfo: { priority } } : {}),
        attachments: [{ name: 'cong-van.txt', bytes: Buffer.from(subject), contentType: 'text/plain' }],
      });
      const signed = await signPackage(bytes, pki.signerOf(pki.pki.identities['agency-rsa']));
      const reply = await clients.a.call<{ packageId: string }>('POST', '/v1/packages', signed, 'application/xml');
      return reply.body.packageId;
    },
    async statusFromB(documentId, code) {
      const status = buildStatusPackage({
        from: { organId: B.organId, organName: B.name },
        responseFor: { organId: A.organId, documentId },
        staffInfo: { department: 'Văn thư', staff: 'Nguyễn Thị Văn Thư' },
        statusCode: code,
        description: code === '01' ? 'Đã đến' : 'Đã tiếp nhận',
      });
      await clients.b.call('POST', '/v1/packages', status, 'application/xml');
    },
    async close() {
      await running.stop();
      await pki.close();
      await new Promise((resolve) => refusing.close(resolve));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /**
   * Full-page screenshots at 1280 px and at 360 px wide, kept under test-artifacts/ui/; at 360 px the page must not be
   * wider than the screen (a wide table scrolls in its own box).
   */
  snap(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<Browser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'edx-ui-chromium-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  context.setDefaultTimeout(60_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async snap(name) {
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}-1280.png`), fullPage: true });
      await page.setViewportSize({ width: 360, height: 740 });
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}-360.png`), fullPage: true });
      expect(await page.evaluate<number>('document.documentElement.scrollWidth'), `${name} at 360 px`).toBe(360);
      await page.setViewportSize({ width: 1280, height: 900 });
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
