/**
 * Roots and proofs of the receipt log over leaves fetched through a LeafSource (RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1).
 *
 * Cost, with n the tree size and c = 2^chunkLevel (default 256): a subtree of at most c leaves is hashed from its
 * leaves in one read; a perfect subtree of c leaves or more is taken from the SubtreeCache, or computed once and kept.
 * - rootAt(n): cold O(n) hashes (every leaf read once); warm O(log n) cache reads + at most one read of < c leaves.
 * - inclusionProof(i, n): ceil(log2 n) hashes returned; warm O(log n) cache reads + fewer than 2c leaves read (the
 *   siblings inside the chunk holding leaf i, and the tree's ragged right edge), so about 2c + log n SHA-256.
 * - consistencyProof(m, n): at most ceil(log2 n) + 1 hashes; the same bound as an inclusion proof.
 * The checkpointer fills the cache as it appends (MerkleFrontier's onComplete), so proofs stay warm in service.
 */
import { AxisError } from '../../errors/axis-error.js';
import type { LeafSource } from './leaf-source.js';
import { MerkleFrontier } from './merkle-frontier.js';
import { emptyRoot, isPowerOfTwo, nodeHash, splitPoint } from './merkle-hash.js';
import type { SubtreeCache } from './subtree-cache.js';

export interface InclusionProof {
  leafIndex: number;
  treeSize: number;
  /** Sibling hashes from the leaf up to the root (RFC 9162 PATH order). */
  auditPath: Buffer[];
}

export interface ConsistencyProof {
  fromSize: number;
  toSize: number;
  /** RFC 9162 PROOF(fromSize, D[toSize]); empty when the sizes are equal or fromSize is 0. */
  path: Buffer[];
}

export interface MerkleProverOptions {
  leaves: LeafSource;
  cache?: SubtreeCache;
  /** Subtrees of at most 2^chunkLevel leaves are hashed straight from their leaves (default 8). */
  chunkLevel?: number;
}

export interface MerkleProver {
  rootAt(treeSize: number): Promise<Buffer>;
  inclusionProof(leafIndex: number, treeSize: number): Promise<InclusionProof>;
  consistencyProof(fromSize: number, toSize: number): Promise<ConsistencyProof>;
}

type SubtreeHash = (from: number, to: number) => Promise<Buffer>;

function memoryRoot(leaves: readonly Buffer[]): Buffer {
  const frontier = new MerkleFrontier();
  frontier.append(leaves);
  return frontier.root();
}

/** PATH(m, D[from:to]) of RFC 9162 §2.1.3.1, over any subtree hasher. */
async function auditPath(m: number, from: number, to: number, sub: SubtreeHash): Promise<Buffer[]> {
  const n = to - from;
  if (n === 1) return [];
  const k = splitPoint(n);
  return m < k
    ? [...(await auditPath(m, from, from + k, sub)), await sub(from + k, to)]
    : [...(await auditPath(m - k, from + k, to, sub)), await sub(from, from + k)];
}

/** SUBPROOF(m, D[from:to], complete) of RFC 9162 §2.1.4.1. */
async function subproof(m: number, from: number, to: number, complete: boolean, sub: SubtreeHash): Promise<Buffer[]> {
  const n = to - from;
  if (m === n) return complete ? [] : [await sub(from, to)];
  const k = splitPoint(n);
  return m <= k
    ? [...(await subproof(m, from, from + k, complete, sub)), await sub(from + k, to)]
    : [...(await subproof(m - k, from + k, to, false, sub)), await sub(from, from + k)];
}

export function createMerkleProver(options: MerkleProverOptions): MerkleProver {
  const { leaves, cache } = options;
  const chunk = 2 ** (options.chunkLevel ?? 8);

  const subtreeHash: SubtreeHash = async (from, to) => {
    const n = to - from;
    const cacheable = cache !== undefined && n >= chunk && isPowerOfTwo(n) && from % n === 0;
    const level = Math.round(Math.log2(n));
    if (cacheable) {
      const kept = await cache.get(level, from / n);
      if (kept) return kept;
    }
    if (n <= chunk) {
      const hash = memoryRoot(await leaves.leafHashes(from, to));
      if (cacheable) await cache.put(level, from / n, hash);
      return hash;
    }
    const k = splitPoint(n);
    const hash = nodeHash(await subtreeHash(from, from + k), await subtreeHash(from + k, to));
    if (cacheable) await cache.put(level, from / n, hash);
    return hash;
  };

  const checkSize = async (treeSize: number): Promise<void> => {
    const size = await leaves.size();
    if (!Number.isSafeInteger(treeSize) || treeSize < 0 || treeSize > size) {
      throw new AxisError('LEDGER_TREE_SIZE_INVALID', `The log has ${size} leaves; a tree of ${treeSize} cannot be proven.`, { treeSize, size });
    }
  };

  return {
    async rootAt(treeSize) {
      await checkSize(treeSize);
      return treeSize === 0 ? emptyRoot() : subtreeHash(0, treeSize);
    },
    async inclusionProof(leafIndex, treeSize) {
      await checkSize(treeSize);
      if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= treeSize) {
        throw new AxisError('LEDGER_LEAF_INDEX_INVALID', `Leaf ${leafIndex} is not in a tree of ${treeSize} leaves.`, { leafIndex, treeSize });
      }
      return { leafIndex, treeSize, auditPath: await auditPath(leafIndex, 0, treeSize, subtreeHash) };
    },
    async consistencyProof(fromSize, toSize) {
      await checkSize(toSize);
      if (!Number.isSafeInteger(fromSize) || fromSize < 0 || fromSize > toSize) {
        throw new AxisError('LEDGER_TREE_SIZE_INVALID', `No consistency proof goes from a tree of ${fromSize} leaves to one of ${toSize}.`, { fromSize, toSize });
      }
      const path = fromSize === 0 || fromSize === toSize ? [] : await subproof(fromSize, 0, toSize, true, subtreeHash);
      return { fromSize, toSize, path };
    },
  };
}
