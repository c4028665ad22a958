/**
 * `edx client` as an agency engineer runs it: the built CLI (bin/edx.js; `npm run build` first) spawned against the
 * real gateway listening on a port (real exchange, store, signatures, Redis). Every command, the JSON it prints, the
 * progress of large transfers, `fetch -o` byte for byte with mode 0600, and each exit code, including a proxy that
 * alters one byte of a download (4, nothing kept), cuts one short (3, nothing kept) or answers 503 (3).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyReceipt } from '../../src/ledger/index.js';
import { runClient, type ClientRun as Run } from '../support/run-client.js';
import { listenOnLoopback } from '../support/loopback-url.js';
import { buildExchangeFixture, type ExchangeFixture, type TestAgency } from './exchange-fixture.js';

let f: ExchangeFixture;
let server: http.Server;
let url: string;
let A: TestAgency;
let B: TestAgency;
const dir = mkdtempSync(path.join(tmpdir(), 'edx-client-cli-'));

/** Runs `edx client ...` as the agency `as` (its credentials in the environment), asynchronously: the gateway is in this process. */
function edx(args: string[], options: { as?: TestAgency; env?: Record<string, string>; url?: string } = {}): Promise<Run> {
  return runClient(process.execPath, ['bin/edx.js', 'client', ...args], { EDX_URL: options.url ?? url, ...(options.as ? { EDX_KEY_ID: options.as.creds.keyId, EDX_SECRET: options.as.creds.secret } : {}), ...options.env });
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  f = await buildExchangeFixture();
  server = http.createServer(f.app);
  url = await listenOnLoopback(server);
  A = await f.agency('000.00.00.H40');
  B = await f.agency('000.00.12.H40');
});
afterAll(async () => {
  server?.close();
  await f?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('edx client against the real gateway', () => {
  const documentId = '000.00.00.H40,2026/12/01,31/VP';
  let packageId: string;
  let bytes: Buffer;

  it('send FILE prints the packageId, the outcome and a receipt that verifies offline', async () => {
    bytes = await f.documentFrom(A, { to: [B.organId], documentId });
    const file = path.join(dir, 'van-ban.edxml');
    writeFileSync(file, bytes);
    const run = await edx(['send', file], { as: A });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const body = run.json as { packageId: string; outcome: string; receipt: unknown };
    expect(body.outcome).toBe('created');
    packageId = body.packageId;
    expect(verifyReceipt(body.receipt, { trustAnchors: f.receiptTrust })).toMatchObject({ valid: true });
    // The same file again: the axis's duplicate answer, still exit 0.
    const again = await edx(['send', file], { as: A });
    expect({ code: again.code, outcome: (again.json as { outcome: string }).outcome }).toEqual({ code: 0, outcome: 'duplicate' });
  });

  it('inbox lists it for the recipient; report shows it', async () => {
    const inbox = await edx(['inbox', '--limit', '10'], { as: B });
    expect(inbox.code).toBe(0);
    expect((inbox.json as { items: { packageId: string }[] }).items.map((i) => i.packageId)).toContain(packageId);
    const report = await edx(['report', packageId], { as: B });
    expect(report.code).toBe(0);
    expect(report.json).toMatchObject({ packageId });
  });

  it('ack before fetch is refused with the axis\'s code: exit 1, the problem on stdout, one line on stderr', async () => {
    const run = await edx(['ack', packageId], { as: B });
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ status: 409, code: 'EXCHANGE_NOT_FETCHED' });
    expect(run.stderr).toMatch(/^edx: EXCHANGE_NOT_FETCHED: .+\n$/);
  });

  it('fetch -o writes the bytes exactly, mode 0600, checked against the ETag; then ack', async () => {
    const out = path.join(dir, 'nhan.edxml');
    const run = await edx(['fetch', packageId, '-o', out], { as: B });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.json).toEqual({ packageId, file: out, size: bytes.length, sha256: sha256(bytes), etagVerified: true });
    expect(readFileSync(out).equals(bytes)).toBe(true);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    // An existing file is refused before anything is downloaded; --force replaces it.
    const exists = await edx(['fetch', packageId, '-o', out], { as: B });
    expect({ code: exists.code, stdout: exists.stdout }).toEqual({ code: 2, stdout: '' });
    expect(exists.stderr).toMatch(/^edx: CLIENT_FILE_EXISTS: /);
    expect((await edx(['fetch', packageId, '-o', out, '--force'], { as: B })).code).toBe(0);
    const ack = await edx(['ack', packageId], { as: B });
    expect(ack.code).toBe(0);
    expect(ack.json).toMatchObject({ packageId, delivery: { state: 'acknowledged' }, receipt: { receipt: { type: 'acknowledged' } } });
  });

  it('timeline takes the DocumentId as written (a "/" in it) and the sender; receipts filters by type; certificates needs no key', async () => {
    const timeline = await edx(['timeline', documentId, '--from', A.organId], { as: B });
    expect(timeline.code).toBe(0);
    expect(timeline.json).toMatchObject({ documentId, from: A.organId, packages: [expect.objectContaining({ packageId })] });
    const receipts = await edx(['receipts', '--type', 'fetched'], { as: B });
    expect(receipts.code).toBe(0);
    const items = (receipts.json as { items: { receipt: { type: string; envelopeId?: string } }[] }).items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.receipt.type === 'fetched')).toBe(true);
    // With proofs the list is every receipt of the agency (the set edx receipt verify checks): no type filter.
    const mixed = await edx(['receipts', '--proofs', '--type', 'fetched'], { as: B });
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('--type cannot be combined with --proofs');
    const certificates = await edx(['certificates']);
    expect(certificates.code).toBe(0);
    expect(certificates.json).toMatchObject({ current: f.identity.fingerprint });
  });

  it('a large package shows progress on stderr both ways, and arrives whole', async () => {
    const big = await f.documentFrom(A, { to: [B.organId], attachments: [{ name: 'ho-so.bin', bytes: randomBytes(1536 * 1024), contentType: 'application/octet-stream' }] });
    expect(big.length).toBeGreaterThan(2 * 1024 * 1024);
    const file = path.join(dir, 'lon.edxml');
    writeFileSync(file, big);
    const sent = await edx(['send', file], { as: A });
    expect(sent.code).toBe(0);
    const up = sent.stderr.trim().split('\n');
    expect(up.filter((l) => l.startsWith('edx: uploading lon.edxml: ')).at(-1)).toMatch(/ \(100%\)$/);
    expect(up.filter((l) => l.startsWith('edx: hashing lon.edxml: ')).length).toBeGreaterThan(1);
    const id = (sent.json as { packageId: string }).packageId;
    const out = path.join(dir, 'lon-nhan.edxml');
    const fetched = await edx(['fetch', id, '-o', out], { as: B });
    expect(fetched.code).toBe(0);
    const down = fetched.stderr.trim().split('\n');
    expect(down[0]).toMatch(/^edx: downloading pkg_\S+: [\d.]+ of [\d.]+ MiB \(\d+%\)$/);
    expect(down.at(-1)).toMatch(/\(100%\)$/);
    expect(sha256(readFileSync(out))).toBe(sha256(big));
    expect((await edx(['send', file, '--quiet'], { as: A })).stderr).toBe('');
  });

  it('a file over the axis\'s limit is refused before it is read: exit 1 with the axis\'s 413', async () => {
    const file = path.join(dir, 'qua-lon.edxml');
    writeFileSync(file, Buffer.alloc(5 * 1024 * 1024, 0x20));
    const run = await edx(['send', file, '--quiet'], { as: A });
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ status: 413 });
    expect(run.stderr).toMatch(/^edx: [A-Z_]+: /);
  });

  it('a refused package: exit 1 with the problem and the rejected receipt on stdout', async () => {
    const file = path.join(dir, 'sai.edxml');
    writeFileSync(file, await f.documentFrom(A, { to: ['000.00.00.Z99'] }));
    const run = await edx(['send', file], { as: A });
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ status: 422, code: 'EXCHANGE_UNKNOWN_RECIPIENT', receipt: { receipt: { type: 'rejected' } } });
  });
});

describe('edx client: the command and its settings', () => {
  it('never takes the secret as an argument, and never echoes it', async () => {
    const run = await edx(['--secret', 'bi-mat-khong-lo-ra', 'inbox'], { as: A });
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(/^edx: CLIENT_SECRET_AS_ARGUMENT: .*EDX_SECRET/);
    expect(run.stderr).not.toContain('bi-mat-khong-lo-ra');
  });

  it('missing settings and bad arguments are exit 2 with a code that names what is missing', async () => {
    expect((await edx(['inbox'], { env: { EDX_KEY_ID: A.creds.keyId } })).stderr).toMatch(/^edx: CLIENT_SECRET_MISSING: /);
    expect((await edx(['inbox'], { url: '', as: A })).stderr).toMatch(/^edx: CLIENT_URL_MISSING: /);
    expect((await edx(['inbox'], { url: 'ftp://axis.example', as: A })).code).toBe(2);
    expect((await edx(['inbox', '--limit', '0'], { as: A })).stderr).toMatch(/^edx: CLIENT_ARGUMENT_INVALID: /);
    expect((await edx(['send', path.join(dir, 'khong-co.edxml')], { as: A })).stderr).toMatch(/^edx: CLIENT_FILE_UNREADABLE: /);
    expect((await edx(['fetch', 'pkg_x'], { as: A })).code).toBe(2);
    // A wrong secret is the axis's verdict.
    const wrong = await edx(['inbox'], { as: A, env: { EDX_SECRET: 'not-the-secret' } });
    expect({ code: wrong.code, json: wrong.json }).toMatchObject({ code: 1, json: { code: 'AUTH_INVALID' } });
  });

  it('an axis that cannot be reached: exit 3 CLIENT_UNREACHABLE', async () => {
    const closed = http.createServer();
    const gone = await listenOnLoopback(closed);
    await new Promise((resolve) => closed.close(resolve));
    const run = await edx(['inbox'], { as: A, url: gone });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^edx: CLIENT_UNREACHABLE: .*ECONNREFUSED/);
  });
});

describe('edx client behind a proxy that misbehaves', () => {
  let mode: 'alter' | 'cut' | 'busy' = 'alter';
  let proxy: http.Server;
  let proxyUrl: string;
  let packageId: string;
  beforeAll(async () => {
    proxy = http.createServer((req, res) => {
      if (mode === 'busy') {
        res.writeHead(503, { 'Content-Type': 'application/problem+json', 'Retry-After': '5' });
        res.end(JSON.stringify({ status: 503, code: 'AUTH_REPLAY_CACHE_UNAVAILABLE', detail: 'The axis cannot check this request against replays right now.' }));
        return;
      }
      const upstream = http.request(`${url}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          if (mode === 'cut' && answer.statusCode === 200) {
            // Half the announced bytes, then the connection closed in order (FIN): the headers surely arrived.
            res.write(body.subarray(0, body.length >> 1), () => res.socket?.end());
            return;
          }
          const middle = body.length >> 1;
          if (answer.statusCode === 200) body[middle] = body[middle]! ^ 0x01;
          res.end(body);
        });
      });
      req.pipe(upstream);
    });
    proxyUrl = await listenOnLoopback(proxy);
    const sent = await f.send(A, await f.documentFrom(A, { to: [B.organId] }));
    packageId = sent.body.packageId as string;
  });
  afterAll(() => { proxy?.close(); });

  const leftovers = () => readdirSync(dir).filter((name) => name.startsWith('.proxy') || name.startsWith('proxy'));

  it('one byte altered in transit: exit 4 CLIENT_DIGEST_MISMATCH, nothing kept', async () => {
    mode = 'alter';
    const run = await edx(['fetch', packageId, '-o', path.join(dir, 'proxy.edxml')], { as: B, url: proxyUrl });
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 4, stdout: '' });
    expect(run.stderr).toMatch(/^edx: CLIENT_DIGEST_MISMATCH: /);
    expect(leftovers()).toEqual([]);
  });

  it('a download cut short: exit 3 CLIENT_DOWNLOAD_INCOMPLETE, nothing kept', async () => {
    mode = 'cut';
    const run = await edx(['fetch', packageId, '-o', path.join(dir, 'proxy.edxml')], { as: B, url: proxyUrl });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^edx: CLIENT_DOWNLOAD_INCOMPLETE: /);
    expect(leftovers()).toEqual([]);
  });

  it('a 503 with Retry-After: exit 3, the wait on stderr', async () => {
    mode = 'busy';
    const run = await edx(['inbox'], { as: B, url: proxyUrl });
    expect(run.code).toBe(3);
    expect(run.json).toMatchObject({ code: 'AUTH_REPLAY_CACHE_UNAVAILABLE' });
    expect(run.stderr).toContain('edx: the axis asks to wait 5 s before sending this again');
  });
});
