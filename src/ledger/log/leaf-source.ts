/**
 * Where the log's leaves come from. The log is the receipt chain itself, so a store needs no new table: leaf i is
 * the receipt at seq i + 1, and its leaf hash follows from the receipt's hash. A store implements `ReceiptHashSource`
 * (one range query over receipts by seq) and `receiptLeafSource` turns it into leaves.
 */
import { AxisError } from '../../errors/axis-error.js';
import { receiptLeafHash } from './merkle-hash.js';

export interface LeafSource {
  /** How many leaves the log holds now. */
  size(): Promise<number>;
  /** The leaf hashes of leaves [from, to), in order: exactly to - from of them. */
  leafHashes(from: number, to: number): Promise<Buffer[]>;
}

/** What a store gives for the log: the chain's length and the hashes (hex) of receipts by position. */
export interface ReceiptHashSource {
  /** The seq of the chain head (0 when there is no receipt). */
  chainLength(): Promise<number>;
  /** Hashes of the receipts with fromSeq <= seq < toSeq, in seq order. */
  receiptHashes(fromSeq: number, toSeq: number): Promise<string[]>;
}

export function checkRange(from: number, to: number, size: number): void {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from || to > size) {
    throw new AxisError('LEDGER_RANGE_INVALID', `Leaves [${from}, ${to}) are not in a log of ${size} leaves.`, { from, to, size });
  }
}

export function receiptLeafSource(receipts: ReceiptHashSource): LeafSource {
  return {
    size: () => receipts.chainLength(),
    async leafHashes(from, to) {
      const hashes = await receipts.receiptHashes(from + 1, to + 1);
      if (hashes.length !== to - from) {
        // A hole in the chain is evidence damage, not a caller's mistake: say where.
        throw new AxisError('LEDGER_LEAVES_MISSING', `The store gave ${hashes.length} receipt hashes for receipts #${from + 1} to #${to}, not ${to - from}.`, { from, to });
      }
      return hashes.map(receiptLeafHash);
    },
  };
}

/** A log held in memory (tests, benches, and a verifier rebuilding a small tree). */
export interface MemoryLeafSource extends LeafSource {
  append(...leafHashes: Buffer[]): void;
  readonly leaves: readonly Buffer[];
}

export function createMemoryLeafSource(initial: readonly Buffer[] = []): MemoryLeafSource {
  const leaves: Buffer[] = [...initial];
  return {
    leaves,
    append: (...more) => {
      leaves.push(...more);
    },
    size: async () => leaves.length,
    async leafHashes(from, to) {
      checkRange(from, to, leaves.length);
      return leaves.slice(from, to);
    },
  };
}
