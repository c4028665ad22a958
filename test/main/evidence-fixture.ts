/**
 * One axis process as `npm start` wires it (ROLE=all: gateway, delivery and maintenance workers) on a fresh data
 * directory, real Redis under a unique prefix, the test PKI's CRL/OCSP server for the signers, and the receipt log's
 * checkpoints every second, time-stamped by the development TSA (or the TSA_URL a test gives). Three agencies: H40
 * sends to S12 (Sở Tài chính), S12 sends to S13, so H40's own receipts are not a run of the chain.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/config.js';
import { buildDocumentPackage } from '../../src/edxml/index.js';
import { createAgencyClient, type AgencyClient } from '../../src/http/rest/agency-client.js';
import { createDemoPki, type DemoPki } from '../../src/main/demo-pki.js';
import { runAxis, type RunningAxis } from '../../src/main/run-axis.js';
import { signPackage } from '../../src/signature/xmldsig/index.js';

export const H40 = '000.00.00.H40';
export const S12 = '000.00.12.H40';
export const S13 = '000.00.13.H40';
export const ORIGIN = 'test.truc.gov.vn/edx-axis/receipts';
export const ARCHIVIST_TOKEN = `archivist-${randomBytes(8).toString('hex')}`;

export interface EvidenceAxis {
  axis: RunningAxis;
  dataDir: string;
  demo: DemoPki;
  prefix: string;
  baseUrl: string;
  clients: Record<'h40' | 's12' | 's13', AgencyClient>;
  /** Log lines the axis wrote (pino JSON). */
  logs: Record<string, unknown>[];
  /** A signed document from `from` to `to`, DocumentId unique to this call. */
  document(from: 'h40' | 's12', to: string, subject?: string): Promise<Buffer>;
  /** GET as an archivist (bearer token). */
  archivist(path: string): Promise<Response>;
  stop(): Promise<void>;
}

let counter = 0;

export async function startEvidenceAxis(env: Record<string, string> = {}, options: { dataDir?: string } = {}): Promise<EvidenceAxis> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'edx-evidence-axis-'));
  const demo = await createDemoPki(path.join(dataDir, 'trust'));
  const prefix = `test-evidence-${randomBytes(4).toString('hex')}`;
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const digest = (await import('node:crypto')).createHash('sha256').update(ARCHIVIST_TOKEN).digest('hex');
  const config = loadConfig({
    PATH: process.env['PATH'], DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', ROLE: 'all', QUEUE_PREFIX: prefix,
    LEDGER_ORIGIN: ORIGIN, CHECKPOINT_EVERY_MS: '1000', SWEEP_EVERY_MS: '60000', ARCHIVIST_TOKENS: digest, ...env,
  });
  const axis = await runAxis(config, { logger: pino({ level: 'info' }, sink) });
  const baseUrl = `http://127.0.0.1:${axis.port}`;
  const add = async (organId: string, name: string) => {
    const { credentials } = await axis.services.agencies.addAgency({ organId, name });
    return createAgencyClient({ baseUrl, keyId: credentials.keyId, secret: credentials.secret });
  };
  const clients = { h40: await add(H40, 'UBND tỉnh Hà Nam'), s12: await add(S12, 'Sở Tài chính tỉnh Hà Nam'), s13: await add(S13, 'Sở Tư pháp tỉnh Hà Nam') };
  const names: Record<string, string> = { [H40]: 'UBND tỉnh Hà Nam', [S12]: 'Sở Tài chính tỉnh Hà Nam', [S13]: 'Sở Tư pháp tỉnh Hà Nam' };
  return {
    axis, dataDir, demo, prefix, baseUrl, clients, logs,
    async document(from, to, subject = 'V/v lưu giữ chứng cứ trao đổi văn bản') {
      counter += 1;
      const organId = from === 'h40' ? H40 : S12;
      const identity = demo.pki.identities[from === 'h40' ? 'agency-rsa' : 'agency-ec'];
      return signPackage(buildDocumentPackage({
        from: { organId, organName: names[organId]! },
        to: [{ organId: to, organName: names[to]! }],
        code: { codeNumber: String(counter), codeNotation: `${from === 'h40' ? 'UBND' : 'STC'}-VP` },
        subject,
        attachments: [{ name: 'a.txt', bytes: Buffer.from(`nội dung ${counter} ${randomBytes(4).toString('hex')}`) }],
      }), demo.signerOf(identity));
    },
    archivist: (p) => fetch(baseUrl + p, { headers: { authorization: `Bearer ${ARCHIVIST_TOKEN}` } }),
    async stop() {
      await axis.stop();
      await demo.close();
      const redis = new Redis('redis://127.0.0.1:6379');
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
