/**
 * The audit behind `edx ledger verify`: reads the whole chain in order and recomputes every receipt's hash and
 * signature and the chain's links, the tree at every checkpoint (its root, signatures and time-stamp token), and
 * every stored package against the digest its accepted receipt names. Stops at the first thing that does not hold
 * and names it (receipt by id and seq, checkpoint by size, package by envelope). Memory stays flat: the tree is a
 * frontier, and receipts come in batches.
 */
import type { X509Certificate } from 'node:crypto';
import { isAxisError } from '../../errors/axis-error.js';
import type { ReceiptRecord } from '../receipt.js';
import { receiptLeafHash } from '../log/merkle-hash.js';
import { MerkleFrontier } from '../log/merkle-frontier.js';
import { GENESIS_PREV_HASH } from '../receipt-hash.js';
import { verifyReceiptChain } from '../receipt-verifier.js';
import { verifyTimestampToken } from '../timestamp/timestamp-token.js';
import { verifyCheckpoint } from './checkpoint-verifier.js';
import type { CheckpointRecord } from './checkpoint-store.js';

type CertInput = X509Certificate | Uint8Array;

export interface LedgerAuditOptions {
  /** The chain in seq order, in batches (a store cursor). */
  receipts: AsyncIterable<readonly ReceiptRecord[]>;
  /** Every saved checkpoint: a list, or batches smallest first (a store cursor, `checkpointBatches`). */
  checkpoints: readonly CheckpointRecord[] | AsyncIterable<readonly CheckpointRecord[]>;
  origin: string;
  /** The certificates of every identity the axis has signed with. */
  certificates: readonly CertInput[];
  trustAnchors?: readonly CertInput[];
  tsaTrustAnchors?: readonly CertInput[];
  noteVerifierKeys?: readonly string[];
  /** SHA-256 (hex) of the stored bytes of an envelope's package; undefined when retention removed them. */
  packageDigest?: (envelopeId: string) => Promise<string | undefined>;
  /** Told the number of receipts checked after each batch (progress of a long run). */
  onProgress?: (receipts: number) => void;
}

export interface LedgerAuditFailure {
  kind: 'receipt' | 'checkpoint' | 'package';
  code: string;
  message: string;
  seq?: number;
  receiptId?: string;
  treeSize?: number;
  envelopeId?: string;
}

export interface LedgerAudit {
  ok: boolean;
  receipts: number;
  checkpoints: number;
  packages: number;
  /** Packages whose bytes retention had removed (their receipts still hold). */
  packagesRemoved: number;
  failure?: LedgerAuditFailure;
}

async function checkCheckpoint(record: CheckpointRecord, root: Buffer, options: LedgerAuditOptions): Promise<LedgerAuditFailure | undefined> {
  const at = { kind: 'checkpoint' as const, treeSize: record.treeSize };
  if (root.toString('base64') !== record.rootHash) {
    return { ...at, code: 'LEDGER_ROOT_MISMATCH', message: `The receipts #1 to #${record.treeSize} no longer give the root their checkpoint signed: a receipt was changed, removed or inserted.` };
  }
  try {
    const verified = verifyCheckpoint(record.note, {
      origin: options.origin, certificates: options.certificates, noteVerifierKeys: options.noteVerifierKeys ?? [],
      ...(options.trustAnchors ? { trustAnchors: options.trustAnchors } : {}), ...(record.timestampedAt ? { at: new Date(record.timestampedAt) } : {}),
    });
    if (verified.treeSize !== record.treeSize || verified.rootHash.toString('base64') !== record.rootHash) {
      return { ...at, code: 'LEDGER_CHECKPOINT_MISMATCH', message: `The stored checkpoint of ${record.treeSize} receipts signs another size or root than it is stored under.` };
    }
    if (record.timestampToken && options.tsaTrustAnchors) {
      await verifyTimestampToken(Buffer.from(record.timestampToken, 'base64'), { data: Buffer.from(verified.body, 'utf8'), trustAnchors: options.tsaTrustAnchors });
    }
  } catch (error) {
    return { ...at, code: isAxisError(error) ? error.code : 'LEDGER_CHECKPOINT_MALFORMED', message: error instanceof Error ? error.message : String(error) };
  }
  return undefined;
}

/**
 * The checkpoints in tree-size order, pulled as the audit reaches them: a list is sorted, batches from a store
 * cursor come sorted (a batch out of order is sorted on its own).
 */
function checkpointQueue(source: LedgerAuditOptions['checkpoints']) {
  const iterator = Array.isArray(source)
    ? [[...(source as readonly CheckpointRecord[])].sort((a, b) => a.treeSize - b.treeSize)][Symbol.iterator]()
    : (source as AsyncIterable<readonly CheckpointRecord[]>)[Symbol.asyncIterator]();
  let buffered: CheckpointRecord[] = [];
  let done = false;
  const fill = async (): Promise<void> => {
    while (buffered.length === 0 && !done) {
      const next = await iterator.next();
      if (next.done) done = true;
      else buffered = [...next.value].sort((a, b) => a.treeSize - b.treeSize);
    }
  };
  return {
    async peek(): Promise<CheckpointRecord | undefined> {
      await fill();
      return buffered[0];
    },
    shift: (): CheckpointRecord | undefined => buffered.shift(),
  };
}

export async function auditLedger(options: LedgerAuditOptions): Promise<LedgerAudit> {
  const pending = checkpointQueue(options.checkpoints);
  const frontier = new MerkleFrontier();
  const result: LedgerAudit = { ok: true, receipts: 0, checkpoints: 0, packages: 0, packagesRemoved: 0 };
  const stop = (failure: LedgerAuditFailure): LedgerAudit => ({ ...result, ok: false, failure });
  /** Checks every checkpoint of the tree's current size; one of a smaller size was skipped: it is checked against nothing. */
  const checkDue = async (): Promise<LedgerAuditFailure | undefined> => {
    for (let next = await pending.peek(); next && next.treeSize <= frontier.size; next = await pending.peek()) {
      pending.shift();
      const failure = next.treeSize === frontier.size
        ? await checkCheckpoint(next, frontier.root(), options)
        : { kind: 'checkpoint' as const, treeSize: next.treeSize, code: 'LEDGER_CHECKPOINT_MISMATCH', message: `The stored checkpoint of ${next.treeSize} receipts came out of order: it cannot be checked.` };
      if (failure) return failure;
      result.checkpoints += 1;
    }
    return undefined;
  };
  let previous: ReceiptRecord | undefined;
  const atStart = await checkDue();
  if (atStart) return stop(atStart);
  for await (const batch of options.receipts) {
    if (batch.length === 0) continue;
    const first = batch[0]!;
    const expectedSeq = (previous?.seq ?? 0) + 1;
    if (first.seq !== expectedSeq) {
      return stop({ kind: 'receipt', code: 'RECEIPT_SEQ_GAP', message: `Receipt #${first.seq} follows #${expectedSeq - 1}: receipts are missing between them.`, seq: first.seq, receiptId: first.id });
    }
    const chain = verifyReceiptChain(batch, {
      certificates: options.certificates, previousHash: previous?.hash ?? GENESIS_PREV_HASH, ...(options.trustAnchors ? { trustAnchors: options.trustAnchors } : {}),
    });
    if (!chain.valid) {
      return stop({ kind: 'receipt', code: chain.code, message: chain.message, ...(chain.seq !== undefined ? { seq: chain.seq } : {}), ...(chain.receiptId ? { receiptId: chain.receiptId } : {}) });
    }
    for (const receipt of batch) {
      frontier.append([receiptLeafHash(receipt.hash)]);
      result.receipts += 1;
      const failure = await checkDue();
      if (failure) return stop(failure);
      if (options.packageDigest && receipt.type === 'accepted' && receipt.envelopeId) {
        const digest = await options.packageDigest(receipt.envelopeId);
        if (digest === undefined) result.packagesRemoved += 1;
        else if (digest.toLowerCase() !== receipt.subjectSha256.toLowerCase()) {
          return stop({ kind: 'package', code: 'LEDGER_PACKAGE_DIGEST_MISMATCH', message: `The stored package of envelope ${receipt.envelopeId} has SHA-256 ${digest}, but its accepted receipt #${receipt.seq} records ${receipt.subjectSha256}.`, envelopeId: receipt.envelopeId, seq: receipt.seq, receiptId: receipt.id });
        } else result.packages += 1;
      }
    }
    previous = batch.at(-1);
    options.onProgress?.(result.receipts);
  }
  const beyond = await pending.peek();
  if (beyond) {
    return stop({ kind: 'checkpoint', code: 'LEDGER_CHAIN_TRUNCATED', message: `A checkpoint covers ${beyond.treeSize} receipts but the chain holds ${frontier.size}: receipts were removed from its end.`, treeSize: beyond.treeSize });
  }
  return result;
}
