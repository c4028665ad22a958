/** How a receipt's hash is computed: one definition shared by the sealer and every verifier. */
import { createHash } from 'node:crypto';
import type { ReceiptRecord } from './receipt.js';
import { canonicalJson } from './canonical-json.js';

export const GENESIS_PREV_HASH = '0'.repeat(64);

/**
 * SHA-256 (hex) over the canonical JSON of the receipt without `hash` and `signature`. Top-level members that a
 * store may hand back as null instead of absent (optional fields) count as absent, so a round trip through any
 * adapter keeps the hash.
 */
export function receiptHash(receipt: Omit<ReceiptRecord, 'hash' | 'signature'> & { hash?: string; signature?: string }): string {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(receipt)) {
    if (key === 'hash' || key === 'signature' || value === null || value === undefined) continue;
    body[key] = value;
  }
  return createHash('sha256').update(canonicalJson(body), 'utf8').digest('hex');
}
