/**
 * The ledger's part of the store contract (src/ledger/ledger-store.ts, `store.ledger`): leaves by seq straight from
 * the receipts, checkpoints kept by size (saved once, stamped once), the subtree cache, and all of it still there after
 * a restart, so the first proof in a new process reads the cached subtrees instead of rehashing the log. The tree is
 * checked against the independent RFC 9162 reading of test/ledger/rfc9162-reference.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  createCheckpointSigner, createLedgerCheckpointer, createMerkleProver, receiptLeafSource, verifyInclusion, receiptLeafHash,
  type AxisIdentity, type CheckpointRecord, type LeafSource,
} from '../../src/ledger/index.js';
import { receiptBatches, checkpointBatches } from '../../src/ledger/ledger-store.js';
import type { Store } from '../../src/exchange/ports/index.js';
import { mth, refPath } from '../ledger/rfc9162-reference.js';
import { bundle, receiptDraft } from './records.js';

export interface LedgerContractContext {
  store(): Store;
  /** Closes the store and opens it again on the same data. */
  reopen(): Promise<Store>;
  identity(): AxisIdentity;
}

const ORIGIN = 'contract.example/edx-axis/receipts';

function checkpoint(treeSize: number, extra: Partial<CheckpointRecord> = {}): CheckpointRecord {
  return {
    treeSize, rootHash: Buffer.alloc(32, treeSize).toString('base64'), note: `${ORIGIN}\n${treeSize}\nroot\n\n— sig\n`,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, treeSize)).toISOString(), frontier: { size: treeSize, hashes: [] }, ...extra,
  };
}

/** Appends `count` receipts (packages and their fetches); returns the hashes of the whole chain in order. */
async function grow(store: Store, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    if (i % 2 === 0) await store.accept(bundle());
    else {
      const [last] = await store.listReceipts({ limit: 1, after: (await store.chainHead())!.seq - 1 });
      const envelope = (await store.getEnvelope(last!.envelopeId!))!;
      await store.appendReceipt(receiptDraft(envelope, 'fetched'));
    }
  }
}

/** A leaf source that counts what it reads. */
function counting(inner: LeafSource): LeafSource & { read: number } {
  const source = {
    read: 0,
    size: () => inner.size(),
    async leafHashes(from: number, to: number) {
      source.read += to - from;
      return inner.leafHashes(from, to);
    },
  };
  return source;
}

export function ledgerContract(ctx: LedgerContractContext): void {
  describe('the receipt log (store.ledger)', () => {
    it('gives the leaves by seq straight from the receipts, and the chain by cursor', async () => {
      const ledger = ctx.store().ledger;
      expect(await ledger.chainLength()).toBe(0);
      expect(await ledger.receiptHashes(1, 1)).toEqual([]);
      expect(await ledger.receiptBySeq(1)).toBeUndefined();
      await grow(ctx.store(), 7);
      const chain = await ctx.store().listReceipts({ limit: 100 });
      expect(await ledger.chainLength()).toBe(7);
      expect(await ledger.receiptHashes(1, 8)).toEqual(chain.map((r) => r.hash));
      expect(await ledger.receiptHashes(3, 6)).toEqual(chain.slice(2, 5).map((r) => r.hash));
      expect(await ledger.receiptBySeq(4)).toEqual(chain[3]);
      expect(await ledger.receiptsAfter(5, 10)).toEqual(chain.slice(5));
      const batches: number[][] = [];
      for await (const batch of receiptBatches(ledger, 3)) batches.push(batch.map((r) => r.seq));
      expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    });

    it('keeps checkpoints by size: saved once, time-stamped once, listed in order, found again after a restart', async () => {
      let ledger = ctx.store().ledger;
      expect(await ledger.latestCheckpoint()).toBeUndefined();
      expect(await ledger.latestTimestampedCheckpoint()).toBeUndefined();
      await ledger.saveCheckpoint(checkpoint(4));
      await ledger.saveCheckpoint(checkpoint(9, { frontier: { size: 9, hashes: [Buffer.alloc(32, 1).toString('base64'), Buffer.alloc(32, 2).toString('base64')] } }));
      // Two workers racing: the second save of a size changes nothing.
      await ledger.saveCheckpoint(checkpoint(9, { note: 'another note', rootHash: 'other' }));
      expect(await ledger.latestCheckpoint()).toEqual(checkpoint(9, { frontier: { size: 9, hashes: [Buffer.alloc(32, 1).toString('base64'), Buffer.alloc(32, 2).toString('base64')] } }));
      expect(await ledger.checkpointAt(4)).toEqual(checkpoint(4));
      expect(await ledger.checkpointAt(5)).toBeUndefined();
      expect(await ledger.latestTimestampedCheckpoint()).toBeUndefined();

      await ledger.setCheckpointTimestamp(4, 'dG9rZW4gNA==', '2026-01-01T00:10:00.000Z');
      // A token is attached once: a second one is ignored.
      await ledger.setCheckpointTimestamp(4, 'b3RoZXI=', '2026-01-01T00:11:00.000Z');
      await ledger.setCheckpointTimestamp(12, 'bm93aGVyZQ==', '2026-01-01T00:12:00.000Z');
      expect(await ledger.latestTimestampedCheckpoint()).toEqual(checkpoint(4, { timestampToken: 'dG9rZW4gNA==', timestampedAt: '2026-01-01T00:10:00.000Z' }));
      expect(await ledger.checkpointAt(12)).toBeUndefined();
      await ledger.saveCheckpoint(checkpoint(15, { timestampToken: 'dG9rZW4gMTU=', timestampedAt: '2026-01-01T00:16:00.000Z' }));
      expect((await ledger.latestTimestampedCheckpoint())?.treeSize).toBe(15);

      ledger = (await ctx.reopen()).ledger;
      expect((await ledger.checkpointsAfter(-1, 10)).map((c) => c.treeSize)).toEqual([4, 9, 15]);
      expect((await ledger.checkpointsAfter(4, 1)).map((c) => c.treeSize)).toEqual([9]);
      expect(await ledger.checkpointAt(4)).toEqual(checkpoint(4, { timestampToken: 'dG9rZW4gNA==', timestampedAt: '2026-01-01T00:10:00.000Z' }));
      const sizes: number[][] = [];
      for await (const batch of checkpointBatches(ledger, 2)) sizes.push(batch.map((c) => c.treeSize));
      expect(sizes).toEqual([[4, 9], [15]]);
    });

    it('keeps cached subtrees (the first kept wins) across a restart', async () => {
      let ledger = ctx.store().ledger;
      expect(await ledger.subtrees.get(8, 0)).toBeUndefined();
      await ledger.subtrees.put(8, 0, Buffer.alloc(32, 0xaa));
      await ledger.subtrees.put(8, 0, Buffer.alloc(32, 0xbb));
      await ledger.subtrees.put(9, 3, Buffer.alloc(32, 0xcc));
      ledger = (await ctx.reopen()).ledger;
      expect(await ledger.subtrees.get(8, 0)).toEqual(Buffer.alloc(32, 0xaa));
      expect(await ledger.subtrees.get(9, 3)).toEqual(Buffer.alloc(32, 0xcc));
      expect(await ledger.subtrees.get(9, 4)).toBeUndefined();
    });

    it('carries a real checkpointer: roots and proofs as RFC 9162 defines them, warm after a restart', async () => {
      const signer = createCheckpointSigner({ origin: ORIGIN, identity: ctx.identity() });
      const checkpointerOn = (store: Store) => createLedgerCheckpointer({ leaves: receiptLeafSource(store.ledger), checkpoints: store.ledger, signer, cache: store.ledger.subtrees, cacheLevel: 2 });
      await grow(ctx.store(), 21);
      expect(await checkpointerOn(ctx.store()).run()).toMatchObject({ outcome: 'created', treeSize: 21, newReceipts: 21, timestamped: false, timestampError: { code: 'LEDGER_TSA_NOT_CONFIGURED' } });
      await grow(ctx.store(), 19);
      expect(await checkpointerOn(ctx.store()).run()).toMatchObject({ outcome: 'created', treeSize: 40, newReceipts: 19 });

      const store = await ctx.reopen();
      const entries = (await store.listReceipts({ limit: 100 })).map((r) => Buffer.from(r.hash, 'hex'));
      const latest = (await store.ledger.latestCheckpoint())!;
      expect(latest.rootHash).toBe(mth(entries).toString('base64'));
      expect((await store.ledger.checkpointAt(21))!.rootHash).toBe(mth(entries.slice(0, 21)).toString('base64'));

      // A new process: the subtrees of 4 leaves and more come from the store, so a proof reads a few leaves only.
      const leaves = counting(receiptLeafSource(store.ledger));
      const prover = createMerkleProver({ leaves, cache: store.ledger.subtrees, chunkLevel: 2 });
      const proof = await prover.inclusionProof(17, 40);
      expect(proof.auditPath).toEqual(refPath(17, entries));
      expect(verifyInclusion(receiptLeafHash(entries[17]!.toString('hex')), 17, 40, proof.auditPath, Buffer.from(latest.rootHash, 'base64'))).toBe(true);
      expect(leaves.read).toBeLessThan(2 * 4 + 8);
      expect(await checkpointerOn(store).run()).toMatchObject({ outcome: 'unchanged', treeSize: 40 });
    });
  });
}
