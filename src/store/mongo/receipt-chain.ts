/**
 * The axis's single receipt chain on MongoDB. The chain head lives in one counter document (`receipt-chain`: seq and
 * hash of the last receipt). A writer first bumps that document inside its transaction: MongoDB then holds the
 * document for the transaction, so a concurrent writer gets a WriteConflict at once, its transaction is retried from
 * the start, and it reads the new head. Positions are therefore unique and gap-free in commit order; the unique index
 * on receipts.seq is the second line of defence.
 */
import type { ClientSession } from 'mongoose';
import { AxisError } from '../../errors/axis-error.js';
import type { ReceiptDraft, ReceiptRecord, ReceiptSealer } from '../records.js';
import { receiptIdAt } from '../receipt-id.js';
import type { Models } from './models.js';

const GENESIS_PREV_HASH = '0'.repeat(64);
const HEAD = 'receipt-chain';

export class MongoReceiptChain {
  constructor(private readonly models: Models, private readonly sealer: ReceiptSealer) {}

  /** Must run inside a transaction (`session`); sealing is synchronous, so nothing else interleaves here. */
  async append(draft: ReceiptDraft, session: ClientSession): Promise<ReceiptRecord> {
    const head = await this.models.counters
      .findOneAndUpdate({ _id: HEAD }, { $inc: { writes: 1 } }, { session, returnDocument: 'before', upsert: true })
      .lean();
    const seq = (head?.seq ?? 0) + 1;
    const position = { seq, prevHash: head?.hash ?? GENESIS_PREV_HASH, id: receiptIdAt(seq) };
    const sealed = this.sealer(structuredClone(draft), position);
    if (sealed.seq !== position.seq || sealed.prevHash !== position.prevHash || sealed.id !== position.id) {
      throw new AxisError('STORE_SEAL_MISMATCH', 'The receipt sealer returned a receipt for another chain position: nothing was recorded.', { expected: position, got: { seq: sealed.seq, prevHash: sealed.prevHash, id: sealed.id } });
    }
    // What is stored is the JSON form the sealer hashed (no undefined members), and that is what is handed back.
    const stored = JSON.parse(JSON.stringify(sealed)) as ReceiptRecord;
    const { id, ...rest } = stored;
    await this.models.receipts.insertMany([{ _id: id, ...rest }], { session });
    await this.models.counters.updateOne({ _id: HEAD }, { $set: { seq: stored.seq, hash: stored.hash } }, { session });
    return stored;
  }
}
