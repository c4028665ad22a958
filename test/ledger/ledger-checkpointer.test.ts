import { createHash, type X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReceiptExporter, createReceiptSealer, devTrustDir, GENESIS_PREV_HASH, verifyReceiptChain, loadAxisIdentity, loadTrustAnchors, type AxisIdentity } from '../../src/ledger/index.js';
import { createCheckpointSigner, type CheckpointSigner } from '../../src/ledger/checkpoint/checkpoint-signer.js';
import { createMemoryCheckpointStore } from '../../src/ledger/checkpoint/checkpoint-store.js';
import { auditLedger } from '../../src/ledger/checkpoint/ledger-audit.js';
import { createLedgerCheckpointer } from '../../src/ledger/checkpoint/ledger-checkpointer.js';
import { createLedgerProofs } from '../../src/ledger/checkpoint/ledger-proofs.js';
import { verifyProvenReceipt } from '../../src/ledger/checkpoint/proven-receipt.js';
import { verifyCheckpoint } from '../../src/ledger/checkpoint/checkpoint-verifier.js';
import { createMemoryLeafSource, type MemoryLeafSource } from '../../src/ledger/log/leaf-source.js';
import { receiptLeafHash } from '../../src/ledger/log/merkle-hash.js';
import { verifyConsistency, verifyInclusion } from '../../src/ledger/log/merkle-verify.js';
import { createMemorySubtreeCache } from '../../src/ledger/log/subtree-cache.js';
import { loadOrCreateDevTsa } from '../../src/ledger/timestamp/dev-tsa.js';
import { evidenceHealth } from '../../src/ledger/timestamp/evidence-health.js';
import { verifyTimestampToken } from '../../src/ledger/timestamp/timestamp-token.js';
import { createTsaClient } from '../../src/ledger/timestamp/tsa-client.js';
import { startTestTsaServer, type TestTsaServer } from '../../src/pki/test-pki/index.js';
import type { ReceiptRecord } from '../../src/exchange/model/index.js';
import { draft } from './helpers.js';
import { refLeaf } from './rfc9162-reference.js';

const ORIGIN = 'truc.gov.vn/edx-axis/receipts';
const root = mkdtempSync(path.join(tmpdir(), 'edx-checkpointer-'));
const dataDir = path.join(root, 'data');
let identity: AxisIdentity;
let anchors: X509Certificate[];
let server: TestTsaServer;
let signer: CheckpointSigner;
beforeAll(async () => {
  identity = await loadAxisIdentity({ dataDir });
  anchors = await loadTrustAnchors(devTrustDir(dataDir));
  server = await startTestTsaServer();
  server.serve(await loadOrCreateDevTsa(dataDir));
  signer = createCheckpointSigner({ origin: ORIGIN, identity });
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

function ledger() {
  const sealer = createReceiptSealer(identity);
  const chain: ReceiptRecord[] = [];
  const leaves: MemoryLeafSource = createMemoryLeafSource();
  const append = (count: number) => {
    for (let i = 0; i < count; i += 1) {
      const seq = chain.length + 1;
      const subjectSha256 = createHash('sha256').update(`pkg ${seq - 1}`).digest('hex');
      const record = sealer(draft({ envelopeId: `env-${seq - 1}`, subjectSha256 }), { seq, prevHash: chain.at(-1)?.hash ?? GENESIS_PREV_HASH, id: `r-${seq}` });
      chain.push(record);
      leaves.append(receiptLeafHash(record.hash));
    }
  };
  return { chain, leaves, append };
}

const tsaClient = () => createTsaClient({ url: server.url, trustAnchors: anchors });

describe('the maintenance worker checkpointing the log', () => {
  it('signs and time-stamps a checkpoint over the new receipts, and resumes from its saved frontier', async () => {
    const { leaves, append } = ledger();
    const checkpoints = createMemoryCheckpointStore();
    const cache = createMemorySubtreeCache();
    const checkpointer = createLedgerCheckpointer({ leaves, checkpoints, signer, timestamps: tsaClient(), cache, cacheLevel: 2 });
    expect(await checkpointer.run()).toMatchObject({ outcome: 'unchanged', treeSize: 0 });
    append(11);
    expect(await checkpointer.run()).toEqual({ outcome: 'created', treeSize: 11, newReceipts: 11, timestamped: true });
    expect(await checkpointer.run()).toMatchObject({ outcome: 'unchanged', treeSize: 11, timestamped: true });
    append(30);
    let read = 0;
    const counting = { size: leaves.size, leafHashes: async (from: number, to: number) => { read += to - from; return leaves.leafHashes(from, to); } };
    const resumed = createLedgerCheckpointer({ leaves: counting, checkpoints, signer, timestamps: tsaClient(), cache, cacheLevel: 2 });
    expect(await resumed.run()).toMatchObject({ outcome: 'created', treeSize: 41, newReceipts: 30, timestamped: true });
    expect(read).toBe(30);
    const [first, second] = checkpoints.all;
    for (const record of [first!, second!]) {
      const checkpoint = verifyCheckpoint(record.note, { origin: ORIGIN, certificates: identity.chainDer, trustAnchors: anchors, at: new Date(record.timestampedAt!) });
      expect(checkpoint.rootHash.toString('base64')).toBe(record.rootHash);
      await expect(verifyTimestampToken(Buffer.from(record.timestampToken!, 'base64'), { data: Buffer.from(checkpoint.body), trustAnchors: anchors })).resolves.toMatchObject({ hashAlgorithm: 'sha256' });
    }
    expect(cache.size).toBeGreaterThan(0);
  });

  it('keeps a checkpoint the TSA could not stamp, says why, and stamps it on the next run', async () => {
    const { leaves, append } = ledger();
    const checkpoints = createMemoryCheckpointStore();
    append(5);
    server.serve(await loadOrCreateDevTsa(dataDir), { httpStatus: 503 });
    const checkpointer = createLedgerCheckpointer({ leaves, checkpoints, signer, timestamps: tsaClient() });
    expect(await checkpointer.run()).toMatchObject({ outcome: 'created', treeSize: 5, timestamped: false, timestampError: { code: 'LEDGER_TSA_HTTP_STATUS' } });
    expect((await checkpoints.latestCheckpoint())!.timestampToken).toBeUndefined();
    server.serve(await loadOrCreateDevTsa(dataDir));
    expect(await checkpointer.run()).toMatchObject({ outcome: 'unchanged', treeSize: 5, timestamped: true });
    expect((await checkpoints.latestTimestampedCheckpoint())!.treeSize).toBe(5);
    const unstamped = createLedgerCheckpointer({ leaves, checkpoints: createMemoryCheckpointStore(), signer });
    expect(await unstamped.run()).toMatchObject({ timestamped: false, timestampError: { code: 'LEDGER_TSA_NOT_CONFIGURED' } });
  });

  it('refuses to extend a tree whose saved state does not give its root', async () => {
    const { leaves, append } = ledger();
    const checkpoints = createMemoryCheckpointStore();
    append(6);
    await createLedgerCheckpointer({ leaves, checkpoints, signer }).run();
    const saved = (await checkpoints.latestCheckpoint())!;
    const forged = createMemoryCheckpointStore();
    await forged.saveCheckpoint({ ...saved, frontier: { size: 6, hashes: [refLeaf(Buffer.alloc(32)).toString('base64'), saved.frontier.hashes[1]!] } });
    append(2);
    await expect(createLedgerCheckpointer({ leaves, checkpoints: forged, signer }).run()).rejects.toMatchObject({ code: 'LEDGER_FRONTIER_MISMATCH' });
  });
});

describe('proofs served from the checkpoints', () => {
  it('proves a receipt against the latest time-stamped checkpoint, and two checkpoints consistent', async () => {
    const { chain, leaves, append } = ledger();
    const checkpoints = createMemoryCheckpointStore();
    const checkpointer = createLedgerCheckpointer({ leaves, checkpoints, signer, timestamps: tsaClient() });
    append(9);
    await checkpointer.run();
    append(4);
    await checkpointer.run();
    append(1);
    const proofs = createLedgerProofs({ leaves, checkpoints });
    const proof = await proofs.receiptProof(3);
    expect(proof).toMatchObject({ leafIndex: 2, treeSize: 13, timestampToken: expect.any(String) });
    const checkpoint = verifyCheckpoint(proof.checkpoint, { certificates: identity.chainDer, trustAnchors: anchors });
    expect(verifyInclusion(receiptLeafHash(chain[2]!.hash), proof.leafIndex, proof.treeSize, proof.auditPath.map((h) => Buffer.from(h, 'base64')), checkpoint.rootHash)).toBe(true);
    await expect(proofs.receiptProof(14)).rejects.toMatchObject({ code: 'LEDGER_RECEIPT_NOT_CHECKPOINTED' });
    const consistency = await proofs.consistencyProof(9, 13);
    const [from, to] = [consistency.from, consistency.to].map((v) => verifyCheckpoint(v.checkpoint, { certificates: identity.chainDer }));
    expect(verifyConsistency(9, from!.rootHash, 13, to!.rootHash, consistency.path.map((h) => Buffer.from(h, 'base64')))).toBe(true);
    await expect(proofs.consistencyProof(9, 12)).rejects.toMatchObject({ code: 'LEDGER_CHECKPOINT_UNKNOWN' });
    expect((await proofs.latestCheckpoint())!.treeSize).toBe(13);
  });
});

describe("an agency's own receipts, each checked with its proof", () => {
  it('verify one by one though other agencies\' receipts sit between them, and a forged proof fails', async () => {
    const { chain, leaves, append } = ledger();
    const checkpoints = createMemoryCheckpointStore();
    append(10);
    await createLedgerCheckpointer({ leaves, checkpoints, signer, timestamps: tsaClient() }).run();
    const proofs = createLedgerProofs({ leaves, checkpoints });
    const exporter = createReceiptExporter(identity);
    const mine = [2, 5, 9].map((seq) => chain[seq - 1]!);
    // The chain check alone cannot take this list: receipts #3, #4, #6... belong to other agencies.
    expect(verifyReceiptChain(mine, { certificates: identity.chainDer })).toMatchObject({ valid: false, code: 'RECEIPT_SEQ_GAP' });
    for (const receipt of mine) {
      const verdict = await verifyProvenReceipt(exporter(receipt), await proofs.receiptProof(receipt.seq), { trustAnchors: anchors, origin: ORIGIN });
      expect(verdict).toMatchObject({ valid: true, code: 'RECEIPT_OK', seq: receipt.seq, provenBy: { treeSize: 10 } });
    }
    const proof = await proofs.receiptProof(5);
    const forged = { ...proof, auditPath: [proof.auditPath[1]!, proof.auditPath[0]!, ...proof.auditPath.slice(2)] };
    expect(await verifyProvenReceipt(exporter(chain[4]!), forged, { trustAnchors: anchors })).toMatchObject({ valid: false, code: 'EVIDENCE_INCLUSION_FAILED', seq: 5 });
    expect(await verifyProvenReceipt(exporter(chain[4]!), await proofs.receiptProof(9), { trustAnchors: anchors })).toMatchObject({ valid: false, code: 'EVIDENCE_PROOF_MISPLACED' });
    const { timestampToken: _dropped, ...unstamped } = proof;
    expect(await verifyProvenReceipt(exporter(chain[4]!), unstamped, { trustAnchors: anchors })).toMatchObject({ valid: false, code: 'EVIDENCE_NO_TIMESTAMP' });
  });
});

describe('evidence health', () => {
  const at = new Date('2026-11-23T10:00:00Z');
  it('is ok while every receipt is covered or has waited less than the limit, degraded after', () => {
    expect(evidenceHealth({ chainLength: 10, timestampedSize: 10, now: at, maxUntimestampedMs: 600_000 })).toMatchObject({ state: 'ok', uncoveredReceipts: 0 });
    expect(evidenceHealth({ chainLength: 12, timestampedSize: 10, oldestUncoveredAt: new Date(at.getTime() - 300_000), now: at, maxUntimestampedMs: 600_000 })).toMatchObject({ state: 'ok', uncoveredReceipts: 2 });
    const degraded = evidenceHealth({ chainLength: 12, timestampedSize: 10, oldestUncoveredAt: new Date(at.getTime() - 900_000), now: at, maxUntimestampedMs: 600_000 });
    expect(degraded).toMatchObject({ state: 'degraded', uncoveredReceipts: 2, oldestUncoveredAgeMs: 900_000 });
    expect(degraded.reason!.vi).toContain('chờ 15 phút');
  });
});

describe('the development TSA', () => {
  it('is issued once by the development root, kept 0600, and trusted through the dev trust directory', async () => {
    const tsa = await loadOrCreateDevTsa(dataDir);
    expect((await loadOrCreateDevTsa(dataDir)).certificate.equals(tsa.certificate)).toBe(true);
    expect(statSync(path.join(dataDir, 'axis', 'dev-tsa.pem')).mode & 0o077).toBe(0);
    server.serve(tsa);
    const { verified } = await tsaClient().timestamp(Buffer.from('body\n'));
    expect(verified.tsa.subject).toContain('time-stamping (development)');
  });
});

describe('auditing the whole ledger', () => {
  async function* batches(chain: readonly ReceiptRecord[], size = 4) {
    for (let i = 0; i < chain.length; i += size) yield chain.slice(i, i + size);
  }
  async function audited() {
    const { chain, leaves, append } = ledger();
    const checkpoints = createMemoryCheckpointStore();
    const checkpointer = createLedgerCheckpointer({ leaves, checkpoints, signer, timestamps: tsaClient() });
    server.serve(await loadOrCreateDevTsa(dataDir));
    append(7);
    await checkpointer.run();
    append(6);
    await checkpointer.run();
    const blobs = new Map(chain.map((r) => [r.envelopeId!, r.subjectSha256]));
    const options = { origin: ORIGIN, certificates: identity.chainDer, trustAnchors: anchors, tsaTrustAnchors: anchors, checkpoints: checkpoints.all, packageDigest: async (id: string) => blobs.get(id) };
    return { chain, blobs, options };
  }

  it('holds for an untouched ledger: every receipt, checkpoint and package', async () => {
    const { chain, options } = await audited();
    expect(await auditLedger({ ...options, receipts: batches(chain) })).toEqual({ ok: true, receipts: 13, checkpoints: 2, packages: 13, packagesRemoved: 0 });
  });

  it('names the first receipt, checkpoint or package that does not hold', async () => {
    const { chain, blobs, options } = await audited();
    const edited = chain.map((r) => (r.seq === 9 ? { ...r, parties: ['000.00.00.X99'] } : r));
    expect((await auditLedger({ ...options, receipts: batches(edited) })).failure).toMatchObject({ kind: 'receipt', code: 'RECEIPT_HASH_MISMATCH', seq: 9, receiptId: 'r-9' });
    expect((await auditLedger({ ...options, receipts: batches(chain.filter((r) => r.seq !== 5)) })).failure).toMatchObject({ kind: 'receipt', code: 'RECEIPT_SEQ_GAP', seq: 6 });
    expect((await auditLedger({ ...options, receipts: batches(chain.slice(0, 10)) })).failure).toMatchObject({ kind: 'checkpoint', code: 'LEDGER_CHAIN_TRUNCATED', treeSize: 13 });
    const forgedNote = options.checkpoints.map((c) => (c.treeSize === 7 ? { ...c, note: c.note.replace('\n7\n', '\n8\n') } : c));
    expect((await auditLedger({ ...options, checkpoints: forgedNote, receipts: batches(chain) })).failure).toMatchObject({ kind: 'checkpoint', treeSize: 7, code: 'LEDGER_CHECKPOINT_SIGNATURE_INVALID' });
    blobs.set('env-4', 'ab'.repeat(32));
    expect((await auditLedger({ ...options, receipts: batches(chain) })).failure).toMatchObject({ kind: 'package', code: 'LEDGER_PACKAGE_DIGEST_MISMATCH', envelopeId: 'env-4', seq: 5 });
    blobs.delete('env-4');
    expect(await auditLedger({ ...options, receipts: batches(chain) })).toMatchObject({ ok: true, packages: 12, packagesRemoved: 1 });
  });
});
