/**
 * The frontier (compact range) of the log: the roots of the perfect subtrees that make up a tree of `size` leaves,
 * one per set bit of size, largest first. Appending a leaf costs amortised two hashes and the root at the current size
 * costs at most log2(size) hashes, so the checkpointer goes from one checkpoint to the next by reading only the new
 * leaves. The state is small (at most 64 hashes) and is kept with each checkpoint, so the next run resumes from it.
 */
import { AxisError } from '../../errors/axis-error.js';
import { emptyRoot, HASH_SIZE, nodeHash } from './merkle-hash.js';

/** A perfect subtree completed by an append: leaves [index * 2^level, (index + 1) * 2^level). */
export type CompletedSubtree = (level: number, index: number, hash: Buffer) => void;

export interface FrontierState {
  size: number;
  /** Base64 subtree roots, largest subtree first. */
  hashes: string[];
}

function bitCount(n: number): number {
  let count = 0;
  for (let rest = n; rest > 0; rest = Math.floor(rest / 2)) count += rest % 2;
  return count;
}

export class MerkleFrontier {
  #size = 0;
  readonly #stack: Buffer[] = [];

  get size(): number {
    return this.#size;
  }

  /** Appends leaf hashes in order; `onComplete` hears of every perfect subtree of two or more leaves they close. */
  append(leafHashes: readonly Buffer[], onComplete?: CompletedSubtree): void {
    for (const leaf of leafHashes) {
      let node = leaf;
      let level = 0;
      let rest = this.#size;
      while (rest % 2 === 1) {
        node = nodeHash(this.#stack.pop()!, node);
        rest = Math.floor(rest / 2);
        level += 1;
        onComplete?.(level, Math.floor((this.#size + 1) / 2 ** level) - 1, node);
      }
      this.#stack.push(node);
      this.#size += 1;
    }
  }

  /** MTH of the leaves appended so far (RFC 9162 §2.1.1). */
  root(): Buffer {
    if (this.#stack.length === 0) return emptyRoot();
    let root = this.#stack[this.#stack.length - 1]!;
    for (let i = this.#stack.length - 2; i >= 0; i -= 1) root = nodeHash(this.#stack[i]!, root);
    return root;
  }

  toState(): FrontierState {
    return { size: this.#size, hashes: this.#stack.map((h) => h.toString('base64')) };
  }

  static fromState(state: FrontierState): MerkleFrontier {
    const valid = typeof state === 'object' && state !== null && Number.isSafeInteger(state.size) && state.size >= 0
      && Array.isArray(state.hashes) && state.hashes.length === bitCount(state.size);
    const hashes = valid ? state.hashes.map((h) => (typeof h === 'string' ? Buffer.from(h, 'base64') : Buffer.alloc(0))) : [];
    if (!valid || hashes.some((h) => h.length !== HASH_SIZE)) {
      throw new AxisError('LEDGER_FRONTIER_INVALID', 'The saved state of the log tree cannot be read: it needs one 32-byte hash per set bit of the tree size.');
    }
    const frontier = new MerkleFrontier();
    frontier.#size = state.size;
    frontier.#stack.push(...hashes);
    return frontier;
  }
}
