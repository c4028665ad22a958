/**
 * `edx demo` (`npm run demo`): the whole exchange in one run, as a newcomer first sees it. It starts a real axis in
 * this process (gateway + workers, embedded store in a fresh data directory, Redis at REDIS_URL), creates a test PKI
 * and two agencies through the operator API, and then drives the public API over HTTP with signed requests:
 * agency A sends a signed document with a PDF attachment to B; B lists its inbox, fetches, acknowledges, and answers
 * with statuses 01 then 03; A sees the statuses come back; the document's timeline and a receipt check end it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { pino } from 'pino';
import { ConfigError, loadConfig } from '../../config/config.js';
import { buildDocumentPackage, buildStatusPackage } from '../../edxml/index.js';
import { isAxisError } from '../../errors/axis-error.js';
import { createAgencyClient, type AgencyClient } from '../../http/rest/agency-client.js';
import { devTrustDir } from '../../ledger/index.js';
import { createDemoPki } from '../../main/demo-pki.js';
import { TEST_ROOT_NAME } from '../../pki/test-pki/generate-test-pki.js';
import { runAxis, type RunningAxis } from '../../main/run-axis.js';
import { signPackage } from '../../signature/xmldsig/index.js';
import { runReceiptVerify } from './receipt.js';

const AGENCY_A = { organId: '000.00.00.H40', name: 'UBND tỉnh Hà Nam' };
const AGENCY_B = { organId: '000.00.12.H40', name: 'Sở Tài chính tỉnh Hà Nam' };

/** A one-page PDF (the attachment a real document would carry), written with computed cross-reference offsets. */
export function onePagePdf(line: string): Buffer {
  const text = `BT /F1 16 Tf 72 760 Td (${line.replace(/[()\\]/g, '')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets = objects.map((body, i) => {
    const at = out.length;
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return at;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

interface Creds { keyId: string; secret: string }

async function addAgency(baseUrl: string, operatorToken: string, agency: { organId: string; name: string }): Promise<Creds> {
  const response = await fetch(`${baseUrl}/v1/admin/agencies`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${operatorToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(agency),
  });
  const body = (await response.json()) as { credentials?: Creds; code?: string; detail?: string };
  if (response.status !== 201 || !body.credentials) throw new Error(`adding agency ${agency.organId} failed: ${body.code ?? response.status} ${body.detail ?? ''}`);
  return body.credentials;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const short = (hex: string) => `${hex.slice(0, 12)}…`;

export interface DemoOptions {
  dataDir?: string;
  keep?: boolean;
  out?: (line: string) => void;
}

export async function runDemo(options: DemoOptions = {}): Promise<void> {
  const say = options.out ?? ((line: string) => process.stdout.write(line + '\n'));
  const dataDir = options.dataDir ? path.resolve(options.dataDir) : mkdtempSync(path.join(tmpdir(), 'edx-demo-'));
  const operatorToken = randomBytes(24).toString('base64url');
  const { MONGODB_URL: _mongo, ...env } = process.env;
  const config = loadConfig({
    ...env,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    ROLE: 'all',
    OPERATOR_TOKENS: sha256(Buffer.from(operatorToken)),
    TRUST_ANCHORS_DIR: path.join(dataDir, 'trust'),
  });

  say('edX axis demo');
  say(`  data directory  ${dataDir}`);
  // The test PKI's own CRL/OCSP server runs for the demo: the axis checks every signer's revocation for real.
  const demoPki = await createDemoPki(config.trustAnchorsDir);
  say(`  test PKI        "${TEST_ROOT_NAME}" and its subordinate CA, written to ${config.trustAnchorsDir}`);
  say(`  revocation      CRLs and OCSP served at ${demoPki.revocationServer?.url ?? '(nowhere)'}; REVOCATION_POLICY=${config.revocationPolicy}`);
  let running: RunningAxis | undefined;
  try {
    running = await runAxis(config, { logger: pino({ level: 'error' }, pino.destination(2)), prefix: `edx-demo-${randomBytes(4).toString('hex')}` });
    const baseUrl = `http://127.0.0.1:${running.port}`;
    say(`  axis            gateway + workers listening on ${baseUrl} (embedded store, Redis ${config.redisUrl.replace(/\/\/[^@/]*@/, '//***@')})`);

    say('\n1. The operator registers two agencies (POST /v1/admin/agencies); each gets HMAC credentials, shown once');
    const a: AgencyClient = createAgencyClient({ baseUrl, ...(await addAgency(baseUrl, operatorToken, AGENCY_A)) });
    const b: AgencyClient = createAgencyClient({ baseUrl, ...(await addAgency(baseUrl, operatorToken, AGENCY_B)) });
    say(`   A = ${AGENCY_A.organId} ${AGENCY_A.name}`);
    say(`   B = ${AGENCY_B.organId} ${AGENCY_B.name}`);

    say('\n2. A sends a signed document with a PDF attachment to B (POST /v1/packages)');
    const documentId = `${AGENCY_A.organId},${new Date().toISOString().slice(0, 10).replace(/-/g, '/')},123/UBND-VP`;
    const pdf = onePagePdf('Cong van so 123/UBND-VP - UBND tinh Ha Nam');
    const unsigned = buildDocumentPackage({
      from: { organId: AGENCY_A.organId, organName: AGENCY_A.name },
      to: [{ organId: AGENCY_B.organId, organName: AGENCY_B.name }],
      documentId,
      code: { codeNumber: '123', codeNotation: 'UBND-VP' },
      subject: 'V/v triển khai liên thông văn bản điện tử',
      attachments: [{ name: 'cong-van-123.pdf', bytes: pdf, contentType: 'application/pdf', description: 'Công văn số 123/UBND-VP' }],
    });
    const seal = demoPki.pki.identities['agency-rsa'];
    const signed = await signPackage(unsigned, demoPki.signerOf(seal));
    say(`   package ${signed.length} bytes, SHA-256 ${short(sha256(signed))}, XMLDSig by "${seal.description}"`);
    const sent = await a.sendPackage<{ packageId: string; outcome: string; receipt: { receipt: { seq: number; type: string; hash: string } } }>(signed);
    const packageId = sent.body.packageId;
    say(`   ${sent.status} ${sent.body.outcome}: package ${packageId}; receipt #${sent.body.receipt.receipt.seq} (${sent.body.receipt.receipt.type}) hash ${short(sent.body.receipt.receipt.hash)}`);
    const report = await a.call<{ verification?: { signature?: { valid?: boolean; code?: string; revocation?: { status: string; source?: string } } } }>('GET', `/v1/packages/${packageId}/report`);
    const checked = report.body.verification?.signature;
    say(`   signature ${checked?.valid ? 'valid' : 'NOT valid'} (${checked?.code ?? '?'}); signer's revocation status: ${checked?.revocation?.status ?? 'not checked'}${checked?.revocation?.source ? ` (${checked.revocation.source})` : ''}`);
    const receiptFile = path.join(dataDir, 'receipts', 'accepted.json');
    await mkdir(path.dirname(receiptFile), { recursive: true });
    await writeFile(receiptFile, JSON.stringify(sent.body, null, 2));
    const verdict = await runReceiptVerify(receiptFile, devTrustDir(dataDir));
    say(`   edx receipt verify ${receiptFile} --trust ${devTrustDir(dataDir)}  ->  ${verdict.line}`);

    say('\n3. B lists its inbox (GET /v1/inbox)');
    const inbox = await b.call<{ items: { packageId: string; from: string; subject?: string; deliveryState: string }[] }>('GET', '/v1/inbox');
    for (const item of inbox.body.items) say(`   ${item.packageId} from ${item.from}: "${item.subject ?? ''}" [${item.deliveryState}]`);

    say('\n4. B fetches the package (GET /v1/packages/:id): the raw bytes, byte-exact');
    const fetched = await b.fetchPackage(packageId);
    const exact = Buffer.compare(fetched.bytes, signed) === 0;
    say(`   ${fetched.bytes.length} bytes, ETag ${fetched.etag?.slice(0, 14)}…", identical to what A sent: ${exact ? 'yes' : 'NO'}`);
    if (!exact) throw new Error('the fetched package differs from the one sent');

    say('\n5. B acknowledges it (POST /v1/packages/:id/ack)');
    const ack = await b.call<{ delivery: { state: string }; receipt?: { receipt: { seq: number; type: string } } }>('POST', `/v1/packages/${packageId}/ack`);
    say(`   delivery ${ack.body.delivery.state}; receipt #${ack.body.receipt?.receipt.seq} (${ack.body.receipt?.receipt.type})`);

    say('\n6. B reports status 01 (arrived), then 03 (accepted); the axis routes them back to A');
    for (const [code, description] of [['01', 'Đã đến'], ['03', 'Đã tiếp nhận']] as const) {
      const status = buildStatusPackage({
        from: { organId: AGENCY_B.organId, organName: AGENCY_B.name },
        responseFor: { organId: AGENCY_A.organId, documentId },
        staffInfo: { department: 'Văn thư', staff: 'Nguyễn Thị Văn Thư' },
        statusCode: code,
        description,
      });
      const reply = await b.sendPackage<{ packageId: string; outcome: string }>(status);
      say(`   status ${code} (${description}): ${reply.status} ${reply.body.outcome}, package ${reply.body.packageId}`);
    }
    const aInbox = await a.call<{ items: { kind: string; statusCode?: string; from: string }[] }>('GET', '/v1/inbox');
    say(`   A's inbox: ${aInbox.body.items.map((i) => `status ${i.statusCode} from ${i.from}`).join(', ')}`);

    say('\n7. The document\'s timeline, as A sees it (GET /v1/documents/:documentId/timeline)');
    const timeline = await a.call<{
      packages: { packageId: string; kind: string; statusCode?: string; from: string; to: string[]; acceptedAt: string }[];
      statuses: { recipientOrganId: string; code: string }[];
      receipts: { seq: number; type: string; at: string; hash: string; prevHash: string; detail?: { statusCode?: string } }[];
    }>('GET', `/v1/documents/${encodeURIComponent(documentId)}/timeline`);
    say(`   document ${documentId}`);
    for (const p of timeline.body.packages) say(`   package  ${p.acceptedAt}  ${p.kind === 'status' ? `status ${p.statusCode}` : 'document '}  ${p.from} -> ${p.to.join(', ')}`);
    for (const s of timeline.body.statuses) say(`   status   now ${s.code} at ${s.recipientOrganId}`);
    for (const r of timeline.body.receipts) {
      const what = r.detail?.statusCode ? `${r.type} ${r.detail.statusCode}` : r.type;
      say(`   receipt  #${String(r.seq).padEnd(3)} ${what.padEnd(12)} ${r.at}  hash ${short(r.hash)} prev ${short(r.prevHash)}`);
    }
    say('\nDone: every step above went through the public API with signed requests; every fact is a signed receipt in one hash chain.');
  } finally {
    await running?.stop();
    await demoPki.close();
    if (options.keep) say(`\nKept ${dataDir} (receipts in ${path.join(dataDir, 'receipts')}, trust anchors in ${devTrustDir(dataDir)}).`);
    else if (!options.dataDir) {
      rmSync(dataDir, { recursive: true, force: true });
      say(`\nRemoved ${dataDir}; run \`edx demo --keep\` to keep the receipts and trust anchors for a look afterwards.`);
    }
  }
}

export function registerDemoCommands(program: Command): void {
  program
    .command('demo')
    .description('Run the whole exchange once: test PKI, two agencies, a signed document with a PDF, inbox, fetch, ack, statuses 01 and 03, timeline (needs Redis at REDIS_URL)')
    .option('--data-dir <dir>', 'keep the demo axis in this directory (default: a temporary one, removed afterwards)')
    .option('--keep', 'keep the data directory (receipts, trust anchors) for a look afterwards')
    .action(async (opts: { dataDir?: string; keep?: boolean }) => {
      try {
        await runDemo({ ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), ...(opts.keep ? { keep: true } : {}) });
      } catch (error) {
        process.stderr.write(`edx demo: ${isAxisError(error) ? error.message : (error as Error).message}\n`);
        process.exitCode = error instanceof ConfigError ? 2 : 1;
      }
    });
}
