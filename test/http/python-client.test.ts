/**
 * The second client, docs/examples/edx_client.py (Python, standard library only), run with python3 against the real
 * gateway listening on a port: send, inbox, fetch byte for byte (mode 0600), ack, timeline with a "/" in the
 * DocumentId, receipts, a refusal's exit code, and its refusal of a secret given as an argument.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyReceipt } from '../../src/ledger/index.js';
import { runClient, type ClientRun as Run } from '../support/run-client.js';
import { listenOnLoopback } from '../support/loopback-url.js';
import { buildExchangeFixture, type ExchangeFixture, type TestAgency } from './exchange-fixture.js';

const script = path.resolve(import.meta.dirname, '..', '..', 'docs', 'examples', 'edx_client.py');
const dir = mkdtempSync(path.join(tmpdir(), 'edx-python-client-'));
let f: ExchangeFixture;
let server: http.Server;
let url: string;
let A: TestAgency;
let B: TestAgency;

function python(args: string[], as: TestAgency, env: Record<string, string> = {}): Promise<Run> {
  return runClient('python3', [script, ...args], { EDX_URL: url, EDX_KEY_ID: as.creds.keyId, EDX_SECRET: as.creds.secret, ...env });
}

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

describe('the Python client against the real gateway', () => {
  const documentId = '000.00.00.H40,2026/12/01,41/VP';
  let bytes: Buffer;
  let packageId: string;

  it('send: the package is accepted and its receipt verifies', async () => {
    bytes = await f.documentFrom(A, { to: [B.organId], documentId });
    const file = path.join(dir, 'van-ban.edxml');
    writeFileSync(file, bytes);
    const run = await python(['send', file], A);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const body = run.json as { packageId: string; outcome: string; receipt: unknown };
    expect(body.outcome).toBe('created');
    expect(verifyReceipt(body.receipt, { trustAnchors: f.receiptTrust })).toMatchObject({ valid: true });
    packageId = body.packageId;
  });

  it('inbox lists it; fetch writes it byte for byte with mode 0600; ack acknowledges it', async () => {
    const inbox = await python(['inbox', '--limit', '50'], B);
    expect(inbox.code).toBe(0);
    expect((inbox.json as { items: { packageId: string }[] }).items.map((i) => i.packageId)).toContain(packageId);
    const out = path.join(dir, 'nhan.edxml');
    const fetched = await python(['fetch', packageId, '-o', out], B);
    expect({ code: fetched.code, stderr: fetched.stderr }).toEqual({ code: 0, stderr: '' });
    expect(fetched.json).toEqual({ packageId, file: out, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), etagVerified: true });
    expect(readFileSync(out).equals(bytes)).toBe(true);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect((await python(['fetch', packageId, '-o', out], B)).code).toBe(2);
    const ack = await python(['ack', packageId], B);
    expect(ack.code).toBe(0);
    expect(ack.json).toMatchObject({ delivery: { state: 'acknowledged' } });
  });

  it('timeline (a "/" in the DocumentId, the sender named), report and receipts', async () => {
    const timeline = await python(['timeline', documentId, '--from', A.organId], B);
    expect(timeline.code).toBe(0);
    expect(timeline.json).toMatchObject({ documentId, from: A.organId });
    expect((await python(['report', packageId], A)).json).toMatchObject({ packageId });
    const receipts = await python(['receipts', '--type', 'acknowledged'], B);
    expect(receipts.code).toBe(0);
    expect((receipts.json as { items: unknown[] }).items.length).toBeGreaterThan(0);
  });

  it('streams a package over 1 MiB up and down intact', async () => {
    const big = await f.documentFrom(A, { to: [B.organId], attachments: [{ name: 'ho-so.bin', bytes: randomBytes(1536 * 1024), contentType: 'application/octet-stream' }] });
    const file = path.join(dir, 'lon.edxml');
    writeFileSync(file, big);
    const sent = await python(['send', file], A);
    expect(sent.code).toBe(0);
    const out = path.join(dir, 'lon-nhan.edxml');
    expect((await python(['fetch', (sent.json as { packageId: string }).packageId, '-o', out], B)).code).toBe(0);
    expect(readFileSync(out).equals(big)).toBe(true);
  });

  it('a refusal is exit 1 with the problem on stdout; a wrong secret too; a secret argument is refused unechoed', async () => {
    const file = path.join(dir, 'sai.edxml');
    writeFileSync(file, await f.documentFrom(A, { to: ['000.00.00.Z99'] }));
    const refused = await python(['send', file], A);
    expect(refused.code).toBe(1);
    expect(refused.json).toMatchObject({ code: 'EXCHANGE_UNKNOWN_RECIPIENT' });
    expect(refused.stderr).toMatch(/^edx: EXCHANGE_UNKNOWN_RECIPIENT: /);
    const wrong = await python(['inbox'], A, { EDX_SECRET: 'not-the-secret' });
    expect({ code: wrong.code, json: wrong.json }).toMatchObject({ code: 1, json: { code: 'AUTH_INVALID' } });
    const argument = await python(['--secret', 'bi-mat-khong-lo-ra', 'inbox'], A);
    expect({ code: argument.code, stdout: argument.stdout }).toEqual({ code: 2, stdout: '' });
    expect(argument.stderr).not.toContain('bi-mat-khong-lo-ra');
  });
});
