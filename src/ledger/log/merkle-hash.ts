/**
 * The hashing of the receipt log, as RFC 9162 §2.1.1: a leaf is SHA-256(0x00 ‖ entry), an interior node
 * SHA-256(0x01 ‖ left ‖ right), the empty tree SHA-256(""). The entry of a receipt is the 32 bytes of its hash, so a
 * verifier needs only the receipt's hash (which anyone recomputes from the receipt) and never our storage format.
 */
import { createHash } from 'node:crypto';
import { AxisError } from '../../errors/axis-error.js';

export const HASH_SIZE = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);
const HEX64 = /^[0-9a-f]{64}$/;

export function leafHash(entry: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(entry).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

export function emptyRoot(): Buffer {
  return createHash('sha256').digest();
}

/** The leaf hash of a receipt, from its hash as the receipt carries it (64 lower-case hex digits). */
export function receiptLeafHash(receiptHashHex: string): Buffer {
  if (!HEX64.test(receiptHashHex)) {
    throw new AxisError('LEDGER_LEAF_INVALID', `"${receiptHashHex.slice(0, 80)}" is not a receipt hash (64 lower-case hex digits).`);
  }
  return leafHash(Buffer.from(receiptHashHex, 'hex'));
}

/** The largest power of two strictly below n (n >= 2): where RFC 9162 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Arithmetic, not bitwise: tree sizes may pass 2^31 long before they pass Number.MAX_SAFE_INTEGER. */
export function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}
