/**
 * The receipt log end to end (issue 21): one axis process (ROLE=all) on real Redis makes a checkpoint every second,
 * time-stamped by the in-process development TSA; agencies and archivists read it through the REST API, and every
 * answer is checked with public tools only: `openssl ts -verify` for the token, an independent RFC 9162 reading for the
 * proofs, and the CLIs (`edx receipt verify --proofs`, `edx evidence verify`) as an archivist runs them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  devTrustDir, loadTrustAnchors, parseSignedNote, receiptLeafHash, verifyConsistency, verifyEvidenceBundle, verifyProvenReceipt,
  type SignedReceipt,
} from '../../src/ledger/index.js';
import { waitFor } from '../support/wait-for.js';
import { refVerifyInclusion } from '../ledger/rfc9162-reference.js';
import { ARCHIVIST_TOKEN, H40, ORIGIN, S12, S13, startEvidenceAxis, type EvidenceAxis } from './evidence-fixture.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'edx-evidence-e2e-'));
let a: EvidenceAxis;
/** The first document H40 sent to S12: its package id, DocumentId and accepted receipt. */
let first: { packageId: string; documentId: string; receipt: SignedReceipt };

interface CheckpointAnswer { treeSize: number; checkpoint: string; timestampToken?: string; timestampedAt?: string; origin: string; noteVerifierKey: string }
interface ProofAnswer { receiptId: string; seq: number; leafIndex: number; treeSize: number; auditPath: string[]; checkpoint: string; timestampToken?: string; receipt: SignedReceipt }

function edx(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, ['bin/edx.js', ...args], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', ...env } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The latest checkpoint once it covers `seq` receipts and carries a time-stamp. */
async function checkpointCovering(seq: number): Promise<CheckpointAnswer> {
  return waitFor(async () => {
    const reply = await a.clients.h40.call<CheckpointAnswer>('GET', '/v1/ledger/checkpoint').catch((error: Error) => ({ body: undefined, error }));
    expect(reply.body?.treeSize).toBeGreaterThanOrEqual(seq);
    expect(reply.body?.timestampToken).toBeDefined();
    return reply.body!;
  });
}

beforeAll(async () => {
  a = await startEvidenceAxis();
  const sent = await a.clients.h40.sendPackage<{ packageId: string; receipt: SignedReceipt }>(await a.document('h40', S12));
  expect(sent.status).toBe(202);
  first = { packageId: sent.body.packageId, documentId: sent.body.receipt.receipt.documentId!, receipt: sent.body.receipt };
  // Receipts H40 is not party to, between its own: S12 sends to S13; then S12 fetches H40's document.
  expect((await a.clients.s12.sendPackage(await a.document('s12', S13))).status).toBe(202);
  await a.clients.s12.fetchPackage(first.packageId);
});

afterAll(async () => {
  await a?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the receipt log through the gateway', () => {
  it('serves a signed checkpoint whose time-stamp token openssl ts -verify accepts against the development root', async () => {
    const latest = await checkpointCovering(3);
    expect(latest.origin).toBe(ORIGIN);
    expect(latest.checkpoint.split('\n').slice(0, 2)).toEqual([ORIGIN, String(latest.treeSize)]);
    expect(latest.noteVerifierKey).toMatch(new RegExp(`^${ORIGIN.replace(/\./g, '\\.')}\\+[0-9a-f]{8}\\+`));
    const body = path.join(scratch, 'body.txt');
    const token = path.join(scratch, 'token.tst');
    writeFileSync(body, parseSignedNote(latest.checkpoint).text);
    writeFileSync(token, Buffer.from(latest.timestampToken!, 'base64'));
    const root = path.join(devTrustDir(a.dataDir), 'axis-dev-root.pem');
    const ok = spawnSync('openssl', ['ts', '-verify', '-data', body, '-in', token, '-token_in', '-CAfile', root], { encoding: 'utf8' });
    expect(ok.stdout + ok.stderr).toContain('Verification: OK');
    expect(ok.status).toBe(0);
    // The same token over another body: openssl refuses it.
    writeFileSync(body, `${parseSignedNote(latest.checkpoint).text}x`);
    const bad = spawnSync('openssl', ['ts', '-verify', '-data', body, '-in', token, '-token_in', '-CAfile', root], { encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
  });

  it('gives a party its receipt\'s inclusion proof, which holds by RFC 9162 and verifies offline; others get 404', async () => {
    const seq = first.receipt.receipt.seq;
    await checkpointCovering(seq);
    const proof = (await a.clients.s12.call<ProofAnswer>('GET', `/v1/receipts/${first.receipt.receipt.id}/proof`)).body;
    expect(proof).toMatchObject({ receiptId: first.receipt.receipt.id, seq, leafIndex: seq - 1 });
    const root = Buffer.from(parseSignedNote(proof.checkpoint).text.split('\n')[2]!, 'base64');
    expect(refVerifyInclusion(receiptLeafHash(first.receipt.receipt.hash), seq - 1, proof.treeSize, proof.auditPath.map((h) => Buffer.from(h, 'base64')), root)).toBe(true);
    const trust = await loadTrustAnchors(devTrustDir(a.dataDir));
    expect(await verifyProvenReceipt(proof.receipt, proof, { trustAnchors: trust, origin: ORIGIN })).toMatchObject({ valid: true, provenBy: { treeSize: proof.treeSize } });

    // S13 is party to none of it: the receipt is "not found", as one that does not exist.
    const stranger = await a.clients.s13.request<{ code: string }>('GET', `/v1/receipts/${first.receipt.receipt.id}/proof`);
    expect([stranger.status, stranger.body.code]).toEqual([404, 'EXCHANGE_NOT_FOUND']);
    const archivist = await a.archivist(`/v1/receipts/${first.receipt.receipt.id}/proof`);
    expect(archivist.status).toBe(200);
    expect(((await archivist.json()) as ProofAnswer).seq).toBe(seq);
  });

  it('answers 404 LEDGER_RECEIPT_NOT_CHECKPOINTED for a receipt the next checkpoint will cover', async () => {
    const proofs: { status: number; code?: string }[] = [];
    // A receipt is sealed, and asked for at once: the checkpoint a second later cannot have covered it yet — unless
    // the maintenance worker happened to run in between, so try until a fresh receipt is caught uncovered.
    await waitFor(async () => {
      const sent = await a.clients.h40.sendPackage<{ receipt: SignedReceipt }>(await a.document('h40', S12));
      const reply = await a.clients.h40.request<{ code: string }>('GET', `/v1/receipts/${sent.body.receipt.receipt.id}/proof`);
      proofs.push({ status: reply.status, code: reply.body.code });
      expect(reply.status).toBe(404);
    });
    expect(proofs.at(-1)).toEqual({ status: 404, code: 'LEDGER_RECEIPT_NOT_CHECKPOINTED' });
  });

  it('proves two checkpoints consistent (the log only grew) and refuses sizes that have none', async () => {
    const older = await checkpointCovering(3);
    await a.clients.h40.sendPackage(await a.document('h40', S12));
    const newer = await waitFor(async () => {
      const c = (await a.clients.s13.call<CheckpointAnswer>('GET', '/v1/ledger/checkpoint')).body;
      expect(c.treeSize).toBeGreaterThan(older.treeSize);
      return c;
    });
    const reply = await a.archivist(`/v1/ledger/consistency?from=${older.treeSize}&to=${newer.treeSize}`);
    expect(reply.status).toBe(200);
    const proof = (await reply.json()) as { fromSize: number; toSize: number; path: string[] };
    const rootOf = (note: string) => Buffer.from(parseSignedNote(note).text.split('\n')[2]!, 'base64');
    expect(verifyConsistency(older.treeSize, rootOf(older.checkpoint), newer.treeSize, rootOf(newer.checkpoint), proof.path.map((h) => Buffer.from(h, 'base64')))).toBe(true);
    const unknown = await a.clients.h40.request<{ code: string }>('GET', `/v1/ledger/consistency?from=${older.treeSize}&to=${newer.treeSize + 1000}`);
    expect([unknown.status, unknown.body.code]).toEqual([404, 'LEDGER_CHECKPOINT_UNKNOWN']);
    const bad = await a.clients.h40.request<{ code: string }>('GET', '/v1/ledger/consistency?from=5&to=2');
    expect([bad.status, bad.body.code]).toEqual([400, 'HTTP_QUERY_INVALID']);
  });

  it('edx receipt verify: an agency\'s own receipts fail as a chain (gaps) but each holds with its proof', async () => {
    const own = (await a.clients.h40.call<{ items: SignedReceipt[] }>('GET', '/v1/receipts?limit=500')).body;
    const seqs = own.items.map((r) => r.receipt.seq);
    expect(seqs.some((s, i) => i > 0 && s !== seqs[i - 1]! + 1)).toBe(true);
    await checkpointCovering(Math.max(...seqs));
    const list = path.join(scratch, 'receipts.json');
    writeFileSync(list, JSON.stringify(own));
    const trust = devTrustDir(a.dataDir);
    const asChain = edx(['receipt', 'verify', list, '--trust', trust]);
    expect(asChain.stderr).toMatch(/RECEIPT_SEQ_GAP.*--proofs/);
    expect(asChain.status).toBe(1);

    const proofs = await Promise.all(own.items.map(async (r) => (await a.clients.h40.call<ProofAnswer>('GET', `/v1/receipts/${r.receipt.id}/proof`)).body));
    const proofsFile = path.join(scratch, 'proofs.json');
    writeFileSync(proofsFile, JSON.stringify(proofs));
    const asSet = edx(['receipt', 'verify', list, '--trust', trust, '--proofs', proofsFile]);
    expect(asSet.stderr).toMatch(new RegExp(`^edx: valid: ${own.items.length} receipts, each signed and in a time-stamped checkpoint`));
    expect(asSet.status).toBe(0);
    // The proof answers alone carry their receipts.
    expect(edx(['receipt', 'verify', proofsFile, '--trust', trust]).status).toBe(0);
    // One proof changed: that receipt is named.
    const forged = structuredClone(proofs);
    forged[0]!.auditPath[0] = Buffer.alloc(32, 1).toString('base64');
    writeFileSync(proofsFile, JSON.stringify(forged));
    const altered = edx(['receipt', 'verify', list, '--trust', trust, '--proofs', proofsFile]);
    expect(altered.stderr).toContain(`INVALID: ${own.items[0]!.receipt.id} (#${own.items[0]!.receipt.seq}): EVIDENCE_INCLUSION_FAILED`);
    expect(altered.status).toBe(1);
  });

  it('GET /v1/ledger/receipts: an agency\'s receipts with their proofs in one answer, which edx receipt verify checks as saved', async () => {
    const own = (await a.clients.h40.call<{ items: SignedReceipt[] }>('GET', '/v1/receipts?limit=500')).body;
    await checkpointCovering(Math.max(...own.items.map((r) => r.receipt.seq)));
    const page = (await a.clients.h40.call<{ items: (ProofAnswer & { receiptId: string; seq: number })[]; nextCursor?: string }>('GET', '/v1/ledger/receipts?limit=200')).body;
    // Its own receipts only, each proven.
    expect(page.items.map((p) => p.receiptId)).toEqual(own.items.map((r) => r.receipt.id));
    expect(page.items.every((p) => Array.isArray(p.auditPath) && typeof p.checkpoint === 'string')).toBe(true);
    const file = path.join(scratch, 'ledger-receipts.json');
    writeFileSync(file, JSON.stringify(page));
    const trust = devTrustDir(a.dataDir);
    const checked = edx(['receipt', 'verify', file, '--trust', trust]);
    expect(checked.stderr).toMatch(new RegExp(`^edx: valid: ${own.items.length} receipts, each signed and in a time-stamped checkpoint`));
    expect(checked.status).toBe(0);
    // A receipt handed out before a checkpoint covered it (no proof): that one cannot be checked yet, and is named.
    const [first, ...rest] = page.items;
    const unproven = { items: [{ receiptId: first!.receiptId, seq: first!.seq, receipt: first!.receipt }, ...rest] };
    writeFileSync(file, JSON.stringify(unproven));
    const waiting = edx(['receipt', 'verify', file, '--trust', trust]);
    expect(waiting.stderr).toContain(`cannot check: ${first!.receiptId} (#${first!.seq}): EVIDENCE_NO_PROOF`);
    expect(waiting.status).toBe(2);
    // Pages: limit and cursor; a page size over the bound is the caller's mistake.
    const one = (await a.clients.h40.call<{ items: { receiptId: string }[]; nextCursor?: string }>('GET', '/v1/ledger/receipts?limit=1')).body;
    expect(one.items.map((p) => p.receiptId)).toEqual([own.items[0]!.receipt.id]);
    const next = (await a.clients.h40.call<{ items: { receiptId: string }[] }>('GET', `/v1/ledger/receipts?limit=1&after=${one.nextCursor}`)).body;
    expect(next.items.map((p) => p.receiptId)).toEqual([own.items[1]!.receipt.id]);
    const tooMany = await a.clients.h40.request<{ code: string }>('GET', '/v1/ledger/receipts?limit=201');
    expect([tooMany.status, tooMany.body.code]).toEqual([400, 'HTTP_QUERY_INVALID']);
    // An archivist gets every receipt of the log, other agencies' included.
    const all = (await (await a.archivist('/v1/ledger/receipts?limit=200')).json()) as { items: { receipt: SignedReceipt }[] };
    expect(all.items.length).toBeGreaterThan(own.items.length);
  });

  it('hands a party the document\'s evidence bundle, which edx evidence verify finds valid offline', async () => {
    const own = (await a.clients.h40.call<{ items: SignedReceipt[] }>('GET', '/v1/receipts?limit=500')).body;
    await checkpointCovering(Math.max(...own.items.map((r) => r.receipt.seq)));
    const reply = await a.clients.h40.call<Buffer>('GET', `/v1/documents/${encodeURIComponent(first.documentId)}/evidence`);
    expect(reply.headers.get('content-type')).toBe('application/zip');
    const zip = reply.body;
    const entries = unzipSync(zip);
    const manifest = JSON.parse(Buffer.from(entries['manifest.json']!).toString('utf8')) as { packages: { envelopeId: string }[]; receipts: { type: string; proof?: string }[]; certificates: { signers: string[]; tsa: string[] } };
    expect(manifest.packages.map((p) => p.envelopeId)).toEqual([first.packageId]);
    expect(manifest.receipts.map((r) => r.type)).toEqual(['accepted', 'fetched']);
    expect(manifest.receipts.every((r) => r.proof)).toBe(true);
    // The seal's certificate from the package and the test root it led to; the TSA's certificate from the token.
    expect(manifest.certificates.signers.length).toBe(2);
    expect(manifest.certificates.tsa.length).toBe(1);
    expect(Buffer.from(entries['README.txt']!).toString('utf8')).toContain('openssl');

    const trust = await loadTrustAnchors(devTrustDir(a.dataDir));
    const verdict = await verifyEvidenceBundle(zip, { trustAnchors: trust });
    expect(verdict.summary.en).toMatch(/^VALID/);
    expect(verdict.result).toBe('valid');
    const file = path.join(scratch, 'bundle.zip');
    writeFileSync(file, zip);
    const cli = edx(['evidence', 'verify', file, '--trust', devTrustDir(a.dataDir)]);
    expect(cli.stdout).toMatch(/^HỢP LỆ/);
    expect(cli.status).toBe(0);

    // Only parties and archivists: S13 gets "not found", the archivist the whole document.
    const stranger = await a.clients.s13.request<{ code: string }>('GET', `/v1/documents/${encodeURIComponent(first.documentId)}/evidence`);
    expect([stranger.status, stranger.body.code]).toEqual([404, 'EXCHANGE_NOT_FOUND']);
    const archivist = await a.archivist(`/v1/documents/${encodeURIComponent(first.documentId)}/evidence?from=${H40}`);
    expect(archivist.status).toBe(200);
    // Named by another sender, it is another (here: no) document; a malformed sender is the caller's mistake.
    expect((await a.archivist(`/v1/documents/${encodeURIComponent(first.documentId)}/evidence?from=${S13}`)).status).toBe(404);
    expect((await a.archivist(`/v1/documents/${encodeURIComponent(first.documentId)}/evidence?from=a%2Fb`)).status).toBe(400);
    expect((await verifyEvidenceBundle(Buffer.from(await archivist.arrayBuffer()), { trustAnchors: trust })).result).toBe('valid');
  });

  it('an archivist uploads the bundle to the web UI and reads VALID, every part checked against the axis\'s roots', async () => {
    const own = (await a.clients.h40.call<{ items: SignedReceipt[] }>('GET', '/v1/receipts?limit=500')).body;
    await checkpointCovering(Math.max(...own.items.map((r) => r.receipt.seq)));
    const agent = request.agent(a.baseUrl);
    const form = await agent.get('/ui/login');
    const login = await agent.post('/ui/login').type('form').send({ _login: /name="_login" value="([^"]+)"/.exec(form.text)![1], token: ARCHIVIST_TOKEN });
    expect(login.status).toBe(303);
    const page = await agent.get('/ui/evidence');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const zip = await agent.get(`/ui/documents/${encodeURIComponent(first.documentId)}/evidence.zip`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(zip.status).toBe(200);
    const checked = await agent.post('/ui/evidence').field('_csrf', csrf).attach('bundle', zip.body as Buffer, 'ho-so.zip');
    expect(checked.status).toBe(200);
    expect(checked.text).toMatch(/<strong class="verdict valid">HỢP LỆ: cả \d+ phần của bộ chứng cứ đều đúng như trục đã lập\.<\/strong>/);
    expect(checked.text).not.toMatch(/<tr class="part (altered|could-not-check)">/);
    expect(checked.text).toMatch(/<tr class="part valid">.*?<td class="mono">checkpoints\//);
  });

  it('edx evidence export writes the same bundle from the store, 0600, and the log stays intact for edx ledger verify', async () => {
    const out = path.join(scratch, 'exported.zip');
    const env = { DATA_DIR: a.dataDir, LEDGER_ORIGIN: ORIGIN };
    const exported = edx(['evidence', 'export', first.documentId, '-o', out], env);
    expect(exported.stderr).toMatch(/^edx: wrote .*exported\.zip: 2 receipts/);
    expect(exported.status).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(edx(['evidence', 'verify', out, '--trust', devTrustDir(a.dataDir), '--json']).status).toBe(0);

    const audit = edx(['ledger', 'verify'], env);
    expect(audit.stderr).toMatch(/edx: intact: \d+ receipts, [1-9]\d* checkpoints, \d+ packages/);
    expect(audit.status).toBe(0);
    expect(JSON.parse(audit.stdout)).toMatchObject({ ok: true });
  });

  it('shows evidence health in /readyz and the metrics', async () => {
    const ready = await fetch(`${a.baseUrl}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { redis: 'ok', store: 'ok', evidence: 'ok' } });
    const metrics = await (await fetch(`${a.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^edx_ledger_checkpoint_size [1-9]\d*$/m);
    expect(metrics).toMatch(/^edx_evidence_degraded 0$/m);
    expect(metrics).toMatch(/^edx_ledger_checkpoints_total\{outcome="created"\} [1-9]\d*$/m);
  });
});
