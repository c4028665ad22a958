/**
 * `edx receipt verify FILE --trust DIR`, spawned as an archivist runs it. Build first: npx tsc -p tsconfig.json
 * (the test runs the compiled CLI, bin/edx.js).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReceiptExporter, createReceiptSealer, devTrustDir, loadAxisIdentity, type SignedReceipt } from '../../src/ledger/index.js';
import { draft, sealChain } from './helpers.js';

const root = mkdtempSync(path.join(tmpdir(), 'edx-receipt-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let signed: SignedReceipt[];
let trust: string;
beforeAll(async () => {
  const identity = await loadAxisIdentity({ dataDir: root });
  const chain = sealChain(createReceiptSealer(identity), [draft(), draft({ type: 'delivered' })]);
  signed = chain.map(createReceiptExporter(identity));
  trust = devTrustDir(root);
});

function write(name: string, content: string): string {
  const file = path.join(root, name);
  writeFileSync(file, content);
  return file;
}

function verify(file: string, trustDir = trust) {
  const run = spawnSync(process.execPath, ['bin/edx.js', 'receipt', 'verify', file, '--trust', trustDir], { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('edx receipt verify', () => {
  it('exits 0 for an intact receipt, also when saved as the gateway reply that carries it', () => {
    const run = verify(write('ok.json', JSON.stringify(signed[0])));
    expect(run.stderr).toMatch(/^edx: valid: /);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ valid: true, code: 'RECEIPT_OK' });
    expect(verify(write('reply.json', JSON.stringify({ packageId: 'p1', outcome: 'created', receipt: signed[0] }))).status).toBe(0);
  });

  it('exits 0 for an intact run of the chain and 1 when a receipt of it is missing', () => {
    expect(verify(write('chain.json', JSON.stringify(signed))).status).toBe(0);
    const gap = verify(write('gap.json', JSON.stringify([signed[1]!, signed[0]!])));
    expect(gap.status).toBe(1);
    expect(gap.stderr).toMatch(/INVALID: RECEIPT_SEQ_GAP/);
  });

  it('exits 1 for a tampered receipt and says why', () => {
    const tampered = { ...signed[0]!, receipt: { ...signed[0]!.receipt, parties: ['000.00.00.X99'] } };
    const run = verify(write('tampered.json', JSON.stringify(tampered)));
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/INVALID: RECEIPT_HASH_MISMATCH/);
  });

  it('exits 2 when it cannot check: no trust anchors, or a file that is not JSON', () => {
    const noTrust = verify(write('ok2.json', JSON.stringify(signed[0])), path.join(root, 'nowhere'));
    expect(noTrust.status).toBe(2);
    expect(noTrust.stderr).toMatch(/cannot check: PKI_TRUST_UNREADABLE/);
    expect(verify(write('junk.json', '1212<?xml')).status).toBe(2);
  });
});
