/**
 * Checking proofs against tree heads, step by step as RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) write
 * them, so a reader can hold this file next to the RFC. Shifts are arithmetic: sizes may pass 2^31.
 */
import { timingSafeEqual } from 'node:crypto';
import { emptyRoot, HASH_SIZE, isPowerOfTwo, nodeHash } from './merkle-hash.js';

const isSet = (x: number) => x % 2 === 1;
const half = (x: number) => Math.floor(x / 2);

function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === HASH_SIZE && b.length === HASH_SIZE && timingSafeEqual(a, b);
}

function wellFormed(hashes: readonly Uint8Array[]): boolean {
  return Array.isArray(hashes) && hashes.every((h) => h instanceof Uint8Array && h.length === HASH_SIZE);
}

/** RFC 9162 §2.1.3.2: does `auditPath` prove the leaf `leafHash` at `leafIndex` in the tree of `treeSize` with `rootHash`? */
export function verifyInclusion(leafHash: Uint8Array, leafIndex: number, treeSize: number, auditPath: readonly Uint8Array[], rootHash: Uint8Array): boolean {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || !wellFormed(auditPath) || leafHash.length !== HASH_SIZE) return false;
  // 1. leaf_index must be below tree_size.
  if (leafIndex < 0 || leafIndex >= treeSize) return false;
  // 2. fn = leaf_index, sn = tree_size - 1. 3. r = hash.
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Uint8Array = leafHash;
  // 4. For each p in inclusion_path:
  for (const p of auditPath) {
    // a. sn 0 with hashes left: the path is too long.
    if (sn === 0) return false;
    // b. p is a left sibling when fn is a right child or the last node of its level.
    if (isSet(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isSet(fn)) {
        do {
          fn = half(fn);
          sn = half(sn);
        } while (!isSet(fn) && fn !== 0);
      }
    } else {
      r = nodeHash(r, p);
    }
    // c. Up one level.
    fn = half(fn);
    sn = half(sn);
  }
  // 5. The path must end at the root, and the computed root equal the one given.
  return sn === 0 && sameHash(r, rootHash);
}

/**
 * RFC 9162 §2.1.4.2: is the tree (secondSize, secondRoot) an append-only extension of (firstSize, firstRoot)? Equal
 * sizes prove with an empty path when the roots match; size 0 is consistent with everything (its root is the empty
 * tree's).
 */
export function verifyConsistency(firstSize: number, firstRoot: Uint8Array, secondSize: number, secondRoot: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!Number.isSafeInteger(firstSize) || !Number.isSafeInteger(secondSize) || !wellFormed(proof)) return false;
  if (firstSize < 0 || firstSize > secondSize) return false;
  if (firstSize === 0) return proof.length === 0 && sameHash(firstRoot, emptyRoot());
  if (firstSize === secondSize) return proof.length === 0 && sameHash(firstRoot, secondRoot);
  // 1. An empty path proves nothing between different sizes.
  if (proof.length === 0) return false;
  // 2. When first is a power of 2 its root is the first node of the path.
  const path: Uint8Array[] = isPowerOfTwo(firstSize) ? [firstRoot, ...proof] : [...proof];
  // 3. fn = first - 1, sn = second - 1. 4. Drop the levels where fn is a right child.
  let fn = firstSize - 1;
  let sn = secondSize - 1;
  while (isSet(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // 5. Both roots start from the first node.
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  // 6. For each following c:
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isSet(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isSet(fn)) {
        do {
          fn = half(fn);
          sn = half(sn);
        } while (!isSet(fn) && fn !== 0);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // 7. Both computed roots must match, and the path must reach the top of the second tree.
  return sameHash(fr, firstRoot) && sameHash(sr, secondRoot) && sn === 0;
}
