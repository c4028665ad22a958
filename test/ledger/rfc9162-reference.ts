/**
 * An independent reading of RFC 9162 §2.1 for the tests: MTH, PATH and PROOF written from their recursive definitions
 * over plain arrays, and verifiers that rebuild the roots from a proof by the same definitions. Nothing here imports the
 * ledger's log code, so a shared mistake cannot hide.
 */
import { createHash } from 'node:crypto';

export const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

export const refLeaf = (entry: Uint8Array): Buffer => sha256(Buffer.from([0]), entry);
const refNode = (l: Uint8Array, r: Uint8Array): Buffer => sha256(Buffer.from([1]), l, r);

/** k: the largest power of two smaller than n (n > 1). */
function k(n: number): number {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}

/** MTH(D[n]) over entries (not leaf hashes). */
export function mth(entries: readonly Uint8Array[]): Buffer {
  if (entries.length === 0) return sha256();
  if (entries.length === 1) return refLeaf(entries[0]!);
  const split = k(entries.length);
  return refNode(mth(entries.slice(0, split)), mth(entries.slice(split)));
}

/** PATH(m, D[n]). */
export function refPath(m: number, entries: readonly Uint8Array[]): Buffer[] {
  const n = entries.length;
  if (n === 1) return [];
  const split = k(n);
  return m < split
    ? [...refPath(m, entries.slice(0, split)), mth(entries.slice(split))]
    : [...refPath(m - split, entries.slice(split)), mth(entries.slice(0, split))];
}

function subproof(m: number, entries: readonly Uint8Array[], complete: boolean): Buffer[] {
  const n = entries.length;
  if (m === n) return complete ? [] : [mth(entries)];
  const split = k(n);
  return m <= split
    ? [...subproof(m, entries.slice(0, split), complete), mth(entries.slice(split))]
    : [...subproof(m - split, entries.slice(split), false), mth(entries.slice(0, split))];
}

/** PROOF(m, D[n]) for 0 < m < n. */
export function refConsistency(m: number, entries: readonly Uint8Array[]): Buffer[] {
  return subproof(m, entries, true);
}

/** Rebuilds the root from a PATH by its definition; undefined when the path has the wrong length. */
function rootFromPath(m: number, n: number, leaf: Buffer, path: readonly Buffer[]): Buffer | undefined {
  if (n === 1) return path.length === 0 ? leaf : undefined;
  if (path.length === 0) return undefined;
  const split = k(n);
  const sibling = path[path.length - 1]!;
  const rest = path.slice(0, -1);
  if (m < split) {
    const left = rootFromPath(m, split, leaf, rest);
    return left && refNode(left, sibling);
  }
  const right = rootFromPath(m - split, n - split, leaf, rest);
  return right && refNode(sibling, right);
}

export function refVerifyInclusion(leaf: Buffer, m: number, n: number, path: readonly Buffer[], root: Buffer): boolean {
  if (m < 0 || m >= n) return false;
  const rebuilt = rootFromPath(m, n, leaf, path);
  return rebuilt !== undefined && rebuilt.equals(root);
}

/** Rebuilds both roots from a SUBPROOF by its definition (consuming the path from its end). */
function rootsFromSubproof(m: number, n: number, path: readonly Buffer[], complete: boolean, firstRoot: Buffer): { first: Buffer; second: Buffer } | undefined {
  if (m === n) {
    if (complete) return path.length === 0 ? { first: firstRoot, second: firstRoot } : undefined;
    return path.length === 1 ? { first: path[0]!, second: path[0]! } : undefined;
  }
  if (path.length === 0) return undefined;
  const split = k(n);
  const last = path[path.length - 1]!;
  const rest = path.slice(0, -1);
  if (m <= split) {
    const inner = rootsFromSubproof(m, split, rest, complete, firstRoot);
    return inner && { first: inner.first, second: refNode(inner.second, last) };
  }
  const inner = rootsFromSubproof(m - split, n - split, rest, false, firstRoot);
  return inner && { first: refNode(last, inner.first), second: refNode(last, inner.second) };
}

export function refVerifyConsistency(m: number, firstRoot: Buffer, n: number, secondRoot: Buffer, path: readonly Buffer[]): boolean {
  if (m === n) return path.length === 0 && firstRoot.equals(secondRoot);
  if (m <= 0 || m > n) return false;
  const roots = rootsFromSubproof(m, n, path, true, firstRoot);
  return roots !== undefined && roots.first.equals(firstRoot) && roots.second.equals(secondRoot);
}
