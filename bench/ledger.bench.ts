/**
 * The receipt log (src/ledger): building the RFC 9162 tree, roots and proofs at 10^5 and 10^6 leaves, checkpoint
 * signing and verification, and RFC 3161 time-stamping at the test TSA over HTTP on 127.0.0.1, against a reference
 * measured in the same run: raw SHA-256 of a 65-byte node (what one interior hash costs), so "x reference" reads the
 * same on any machine. Run: npm run bench:ledger (BENCH_SIZES=100000,1000000 BENCH_PROOFS=2000 to change).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createCheckpointSigner, createMemoryLeafSource, createMemorySubtreeCache, createMerkleProver, createTsaClient, loadAxisIdentity,
  loadOrCreateDevTsa, loadTrustAnchors, devTrustDir, MerkleFrontier, receiptLeafHash, verifyCheckpoint, verifyConsistency, verifyInclusion,
  verifyTimestampToken,
} from '../src/ledger/index.js';
import { startTestTsaServer } from '../src/pki/test-pki/index.js';

const SIZES = (process.env['BENCH_SIZES'] ?? '100000,1000000').split(',').map(Number);
const PROOFS = Number(process.env['BENCH_PROOFS'] ?? 2000);
const SIGNATURES = Number(process.env['BENCH_SIGNATURES'] ?? 500);
const STAMPS = Number(process.env['BENCH_STAMPS'] ?? 100);
const gc = (globalThis as { gc?: () => void }).gc;

async function time<T>(run: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  gc?.();
  const start = performance.now();
  const value = await run();
  return { ms: performance.now() - start, value };
}

const round = (v: number, digits = 3) => Number(v.toFixed(digits));

// Reference: one interior node hash, SHA-256 over 65 bytes, as node:crypto does it.
const node = randomBytes(65);
const REFERENCE_N = 1_000_000;
const reference = await time(() => {
  for (let i = 0; i < REFERENCE_N; i += 1) createHash('sha256').update(node).digest();
});
const referenceUs = (reference.ms * 1000) / REFERENCE_N;

const trees = [];
for (const size of SIZES) {
  const receiptHashes = Array.from({ length: size }, (_, i) => createHash('sha256').update(`receipt ${i}`).digest('hex'));
  const leafing = await time(() => receiptHashes.map(receiptLeafHash));
  const leaves = leafing.value;
  const source = createMemoryLeafSource(leaves);
  const cache = createMemorySubtreeCache();
  const frontier = new MerkleFrontier();
  const build = await time(() => frontier.append(leaves, (level, index, hash) => { if (level >= 8) void cache.put(level, index, hash); }));
  const root = frontier.root();
  const cold = createMerkleProver({ leaves: source });
  const coldRoot = await time(() => cold.rootAt(size));
  if (!coldRoot.value.equals(root)) throw new Error('the prover and the frontier disagree on the root');
  const coldProof = await time(() => cold.inclusionProof(Math.floor(size / 3), size));
  const warm = createMerkleProver({ leaves: source, cache });
  const indexes = Array.from({ length: PROOFS }, () => Math.floor(Math.random() * size));
  const proofs = await time(async () => {
    const out = [];
    for (const i of indexes) out.push(await warm.inclusionProof(i, size));
    return out;
  });
  // The same proofs with a finer cache (subtrees of 16 leaves and up kept): fewer hashes, more cache reads.
  const fineCache = createMemorySubtreeCache();
  new MerkleFrontier().append(leaves, (level, index, hash) => { if (level >= 4) void fineCache.put(level, index, hash); });
  const fine = createMerkleProver({ leaves: source, cache: fineCache, chunkLevel: 4 });
  const fineProofs = await time(async () => {
    for (const i of indexes) await fine.inclusionProof(i, size);
  });
  const verifying = await time(() => proofs.value.every((p) => verifyInclusion(leaves[p.leafIndex]!, p.leafIndex, p.treeSize, p.auditPath, root)));
  if (!verifying.value) throw new Error('a proof did not verify');
  const from = Math.floor(size * 0.7);
  const fromRoot = await warm.rootAt(from);
  const consistency = await time(async () => {
    let last;
    for (let k = 0; k < 100; k += 1) last = await warm.consistencyProof(from - k, size);
    return last!;
  });
  if (!verifyConsistency(from - 99, await warm.rootAt(from - 99), size, root, consistency.value.path) || !fromRoot) throw new Error('consistency did not verify');
  // What one maintenance run costs: the last checkpoint's frontier extended by 1 000 new receipts.
  const resumed = MerkleFrontier.fromState(frontier.toState());
  const extra = Array.from({ length: 1000 }, () => receiptLeafHash(randomBytes(32).toString('hex')));
  const increment = await time(() => {
    resumed.append(extra);
    return resumed.root();
  });
  trees.push({
    leaves: size,
    leafHashesMs: round(leafing.ms, 1),
    fullBuildMs: round(build.ms, 1),
    fullBuildPerLeafOverReference: round((build.ms * 1000) / size / referenceUs, 2),
    coldRootMs: round(coldRoot.ms, 1),
    coldInclusionProofMs: round(coldProof.ms, 1),
    cachedSubtrees: cache.size,
    warmInclusionProofUs: round((proofs.ms * 1000) / PROOFS, 1),
    warmInclusionProofOverReference: round((proofs.ms * 1000) / PROOFS / referenceUs, 1),
    warmInclusionProofChunk16Us: round((fineProofs.ms * 1000) / PROOFS, 1),
    cachedSubtreesChunk16: fineCache.size,
    auditPathLength: proofs.value[0]!.auditPath.length,
    verifyInclusionUs: round((verifying.ms * 1000) / PROOFS, 1),
    warmConsistencyProofUs: round((consistency.ms * 1000) / 100, 1),
    checkpointIncrementOf1000Ms: round(increment.ms, 2),
  });
}

const dir = mkdtempSync(path.join(tmpdir(), 'edx-ledger-bench-'));
const identity = await loadAxisIdentity({ dataDir: dir });
const anchors = await loadTrustAnchors(devTrustDir(dir));
const signer = createCheckpointSigner({ origin: 'bench.example/edx-axis/receipts', identity });
const rootHash = randomBytes(32);
const signing = await time(() => {
  let last;
  for (let i = 0; i < SIGNATURES; i += 1) last = signer.sign(1_000_000 + i, rootHash);
  return last!;
});
const checking = await time(() => {
  for (let i = 0; i < SIGNATURES; i += 1) verifyCheckpoint(signing.value.note, { certificates: identity.chainDer, trustAnchors: anchors, noteVerifierKeys: [signer.noteKey.verifierKey] });
});
const server = await startTestTsaServer();
server.serve(await loadOrCreateDevTsa(dir));
const tsa = createTsaClient({ url: server.url, trustAnchors: anchors });
await tsa.timestamp(Buffer.from(signing.value.body));
const stamping = await time(async () => {
  let last;
  for (let i = 0; i < STAMPS; i += 1) last = await tsa.timestamp(Buffer.from(signing.value.body));
  return last!;
});
const tokenChecks = await time(async () => {
  for (let i = 0; i < STAMPS; i += 1) await verifyTimestampToken(stamping.value.token, { data: Buffer.from(signing.value.body), trustAnchors: anchors });
});
await server.close();
rmSync(dir, { recursive: true, force: true });

console.log(JSON.stringify({
  reference: { sha256Of65BytesUs: round(referenceUs, 3), sha256PerSecond: Math.round(1e6 / referenceUs) },
  trees,
  checkpoint: {
    signBothLinesUs: round((signing.ms * 1000) / SIGNATURES, 1),
    verifyBothLinesUs: round((checking.ms * 1000) / SIGNATURES, 1),
    signOverReference: round((signing.ms * 1000) / SIGNATURES / referenceUs, 0),
  },
  timestamp: {
    requestAndVerifyOverHttpMs: round(stamping.ms / STAMPS, 2),
    verifyTokenMs: round(tokenChecks.ms / STAMPS, 2),
    tokenBytes: stamping.value.token.length,
  },
}, null, 2));
