import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemoryLeafSource, receiptLeafSource } from '../../src/ledger/log/leaf-source.js';
import { MerkleFrontier } from '../../src/ledger/log/merkle-frontier.js';
import { leafHash, receiptLeafHash } from '../../src/ledger/log/merkle-hash.js';
import { createMerkleProver } from '../../src/ledger/log/merkle-prover.js';
import { verifyConsistency, verifyInclusion } from '../../src/ledger/log/merkle-verify.js';
import { consistencyProofFromJson, consistencyProofToJson, inclusionProofFromJson, inclusionProofToJson } from '../../src/ledger/log/proof-json.js';
import { createMemorySubtreeCache } from '../../src/ledger/log/subtree-cache.js';
import { mth, refConsistency, refLeaf, refPath, refVerifyConsistency, refVerifyInclusion } from './rfc9162-reference.js';

const MAX = 64;
/** Receipt hashes as the chain holds them: 32 bytes each. */
const entries = Array.from({ length: MAX * 4 }, (_, i) => createHash('sha256').update(`receipt ${i}`).digest());
const leaves = entries.map(refLeaf);

function flip(hash: Buffer): Buffer {
  const copy = Buffer.from(hash);
  copy[copy.length - 1]! ^= 0x01;
  return copy;
}

describe('the log tree hashes as RFC 9162 §2.1', () => {
  it('a receipt leaf is SHA-256(0x00 ‖ the 32 bytes of its hash), and the empty tree is SHA-256("")', () => {
    const hex = entries[0]!.toString('hex');
    expect(receiptLeafHash(hex).equals(refLeaf(entries[0]!))).toBe(true);
    expect(() => receiptLeafHash('ABC')).toThrow(expect.objectContaining({ code: 'LEDGER_LEAF_INVALID' }));
    expect(new MerkleFrontier().root().equals(mth([]))).toBe(true);
  });

  it('the frontier gives the root of every size from 1 to 64 and resumes from its saved state', () => {
    const frontier = new MerkleFrontier();
    for (let n = 1; n <= MAX; n += 1) {
      frontier.append([leaves[n - 1]!]);
      expect(frontier.root().equals(mth(entries.slice(0, n))), `size ${n}`).toBe(true);
      const resumed = MerkleFrontier.fromState(JSON.parse(JSON.stringify(frontier.toState())));
      resumed.append([leaves[n]!]);
      expect(resumed.root().equals(mth(entries.slice(0, n + 1))), `resumed at ${n}`).toBe(true);
    }
    expect(() => MerkleFrontier.fromState({ size: 3, hashes: [leaves[0]!.toString('base64')] })).toThrow(expect.objectContaining({ code: 'LEDGER_FRONTIER_INVALID' }));
  });

  it('the frontier names each perfect subtree it completes with the hash the definition gives', () => {
    const seen: Array<[number, number, Buffer]> = [];
    new MerkleFrontier().append(leaves.slice(0, 37), (level, index, hash) => seen.push([level, index, hash]));
    expect(seen).toHaveLength(37 - 3); // a tree of n leaves has n - popcount(n) interior perfect nodes
    for (const [level, index, hash] of seen) {
      expect(hash.equals(mth(entries.slice(index * 2 ** level, (index + 1) * 2 ** level))), `level ${level} index ${index}`).toBe(true);
    }
  });
});

describe('inclusion proofs, checked by an independent verifier for every leaf of every tree of 1 to 64 leaves', () => {
  for (const [label, chunkLevel, cached] of [['hashed from leaves', 8, false], ['through a subtree cache', 1, true]] as const) {
    it(`${label}`, async () => {
      const source = createMemoryLeafSource(leaves.slice(0, MAX));
      const prover = createMerkleProver({ leaves: source, chunkLevel, ...(cached ? { cache: createMemorySubtreeCache() } : {}) });
      for (let n = 1; n <= MAX; n += 1) {
        const slice = entries.slice(0, n);
        const root = await prover.rootAt(n);
        expect(root.equals(mth(slice)), `root of ${n}`).toBe(true);
        for (let m = 0; m < n; m += 1) {
          const proof = await prover.inclusionProof(m, n);
          const expected = refPath(m, slice);
          expect(proof.auditPath.map((h) => h.toString('hex')), `PATH(${m}, D[${n}])`).toEqual(expected.map((h) => h.toString('hex')));
          expect(refVerifyInclusion(leaves[m]!, m, n, proof.auditPath, root), `independent check of leaf ${m} in ${n}`).toBe(true);
          expect(verifyInclusion(leaves[m]!, m, n, proof.auditPath, root)).toBe(true);
        }
      }
    });
  }

  // The size is not in the proof's hashes: the signed checkpoint vouches for it, so only sizes that change the
  // path's shape can fail here.
  it('a proof fails for another leaf, index or root, and with any hash changed, dropped or added', async () => {
    const prover = createMerkleProver({ leaves: createMemoryLeafSource(leaves.slice(0, MAX)) });
    for (let n = 2; n <= MAX; n += 1) {
      const root = await prover.rootAt(n);
      for (let m = 0; m < n; m += 1) {
        const { auditPath } = await prover.inclusionProof(m, n);
        const leaf = leaves[m]!;
        const rejected = [
          verifyInclusion(leaves[(m + 1) % n]!, m, n, auditPath, root),
          verifyInclusion(leaf, m, n, auditPath, flip(root)),
          verifyInclusion(leaf, n, n, auditPath, root),
          verifyInclusion(leaf, m, n, [...auditPath, leaf], root),
          verifyInclusion(leaf, m, n, auditPath.slice(1), root),
          ...auditPath.map((_, i) => verifyInclusion(leaf, m, n, auditPath.map((h, j) => (i === j ? flip(h) : h)), root)),
        ];
        if (n > 2 && m !== n - 1) rejected.push(verifyInclusion(leaf, m ^ 1, n, auditPath, root));
        expect(rejected.every((ok) => !ok), `leaf ${m} of ${n}`).toBe(true);
        // The independent verifier agrees on the index it was not given.
        expect(refVerifyInclusion(leaf, (m + 1) % n, n, auditPath, root) && (m + 1) % n !== m).toBe(false);
      }
    }
  });
});

describe('consistency proofs, checked by an independent verifier for every pair of sizes up to 64', () => {
  for (const [label, chunkLevel, cached] of [['hashed from leaves', 8, false], ['through a subtree cache', 1, true]] as const) {
    it(`${label}`, async () => {
      const prover = createMerkleProver({ leaves: createMemoryLeafSource(leaves.slice(0, MAX)), chunkLevel, ...(cached ? { cache: createMemorySubtreeCache() } : {}) });
      for (let n = 1; n <= MAX; n += 1) {
        const second = mth(entries.slice(0, n));
        for (let m = 1; m <= n; m += 1) {
          const first = mth(entries.slice(0, m));
          const { path } = await prover.consistencyProof(m, n);
          if (m < n) expect(path.map((h) => h.toString('hex')), `PROOF(${m}, D[${n}])`).toEqual(refConsistency(m, entries.slice(0, n)).map((h) => h.toString('hex')));
          else expect(path).toEqual([]);
          expect(refVerifyConsistency(m, first, n, second, path), `independent check ${m} -> ${n}`).toBe(true);
          expect(verifyConsistency(m, first, n, second, path), `${m} -> ${n}`).toBe(true);
        }
      }
    });
  }

  it('a consistency proof fails against a rewritten history, a wrong size or any changed hash', async () => {
    const prover = createMerkleProver({ leaves: createMemoryLeafSource(leaves.slice(0, MAX)) });
    const forkedEntries = entries.slice(0, MAX).map((e, i) => (i === 5 ? flip(e) : e));
    for (let n = 2; n <= MAX; n += 1) {
      const second = mth(entries.slice(0, n));
      for (let m = 1; m < n; m += 1) {
        const first = mth(entries.slice(0, m));
        const { path } = await prover.consistencyProof(m, n);
        const rejected = [
          verifyConsistency(m, flip(first), n, second, path),
          verifyConsistency(m, first, n, flip(second), path),
          verifyConsistency(m, first, n, second, []),
          verifyConsistency(m, first, n, second, [...path, first]),
          ...path.map((_, i) => verifyConsistency(m, first, n, second, path.map((h, j) => (i === j ? flip(h) : h)))),
        ];
        if (m > 5) rejected.push(verifyConsistency(m, mth(forkedEntries.slice(0, m)), n, second, path));
        expect(rejected.every((ok) => !ok), `${m} -> ${n}`).toBe(true);
        expect(refVerifyConsistency(m, flip(first), n, second, path)).toBe(false);
      }
    }
    expect(verifyConsistency(0, mth([]), 9, mth(entries.slice(0, 9)), [])).toBe(true);
    expect(verifyConsistency(0, leaves[0]!, 9, mth(entries.slice(0, 9)), [])).toBe(false);
    expect(verifyConsistency(9, mth(entries.slice(0, 9)), 8, mth(entries.slice(0, 8)), [])).toBe(false);
  });
});

describe('proving a larger log through a cache filled by the frontier', () => {
  it('gives the same proofs as hashing from the leaves, and reads few leaves once the cache is warm', async () => {
    const many = Array.from({ length: 5000 }, (_, i) => leafHash(createHash('sha256').update(`r${i}`).digest()));
    const source = createMemoryLeafSource(many);
    let read = 0;
    const counting = { size: source.size, leafHashes: async (from: number, to: number) => { read += to - from; return source.leafHashes(from, to); } };
    const cache = createMemorySubtreeCache();
    const frontier = new MerkleFrontier();
    frontier.append(many, (level, index, hash) => { if (level >= 4) void cache.put(level, index, hash); });
    const warm = createMerkleProver({ leaves: counting, cache, chunkLevel: 4 });
    const plain = createMerkleProver({ leaves: source });
    expect((await warm.rootAt(5000)).equals(frontier.root())).toBe(true);
    for (const [m, n] of [[0, 5000], [4999, 5000], [1234, 4097], [2048, 2049], [17, 33]] as const) {
      read = 0;
      const proof = await warm.inclusionProof(m, n);
      expect(read).toBeLessThan(2 * 16);
      expect(proof.auditPath).toEqual((await plain.inclusionProof(m, n)).auditPath);
      expect(verifyInclusion(many[m]!, m, n, proof.auditPath, await plain.rootAt(n))).toBe(true);
    }
    const consistency = await warm.consistencyProof(3000, 5000);
    expect(consistency.path).toEqual((await plain.consistencyProof(3000, 5000)).path);
  });

  it('refuses sizes and indexes outside the log with a stable code', async () => {
    const prover = createMerkleProver({ leaves: createMemoryLeafSource(leaves.slice(0, 10)) });
    await expect(prover.rootAt(11)).rejects.toMatchObject({ code: 'LEDGER_TREE_SIZE_INVALID' });
    await expect(prover.inclusionProof(10, 10)).rejects.toMatchObject({ code: 'LEDGER_LEAF_INDEX_INVALID' });
    await expect(prover.consistencyProof(7, 5)).rejects.toMatchObject({ code: 'LEDGER_TREE_SIZE_INVALID' });
  });

  it('reads receipts by seq from a store-shaped source and names a hole in the chain', async () => {
    const hexes = entries.slice(0, 8).map((e) => e.toString('hex'));
    const source = receiptLeafSource({
      chainLength: async () => 8,
      receiptHashes: async (fromSeq, toSeq) => hexes.slice(fromSeq - 1, toSeq - 1).filter((_, i) => fromSeq + i !== 6),
    });
    expect((await source.leafHashes(0, 5)).map((h) => h.toString('hex'))).toEqual(leaves.slice(0, 5).map((h) => h.toString('hex')));
    await expect(source.leafHashes(0, 8)).rejects.toMatchObject({ code: 'LEDGER_LEAVES_MISSING' });
  });
});

describe('proofs as JSON', () => {
  it('round-trip, and a malformed proof is named', async () => {
    const prover = createMerkleProver({ leaves: createMemoryLeafSource(leaves.slice(0, 20)) });
    const inclusion = await prover.inclusionProof(7, 20);
    expect(inclusionProofFromJson(JSON.parse(JSON.stringify(inclusionProofToJson(inclusion))))).toEqual(inclusion);
    const consistency = await prover.consistencyProof(7, 20);
    expect(consistencyProofFromJson(JSON.parse(JSON.stringify(consistencyProofToJson(consistency))))).toEqual(consistency);
    for (const bad of [null, [], { leafIndex: -1, treeSize: 2, auditPath: [] }, { leafIndex: 0, treeSize: 2, auditPath: ['AAAA'] }, { leafIndex: 0.5, treeSize: 2, auditPath: [] }, { leafIndex: 0, treeSize: 2, auditPath: Array(65).fill(leaves[0]!.toString('base64')) }]) {
      expect(() => inclusionProofFromJson(bad)).toThrow(expect.objectContaining({ code: 'LEDGER_PROOF_MALFORMED' }));
    }
  });
});
