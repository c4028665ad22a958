/**
 * The axis's single receipt chain on MongoDB. The chain head lives in one counter document (`receipt-chain`: seq and
 * hash of the last receipt). A writer first bumps that document inside its transaction: MongoDB then holds the
 * document for the transaction, so a concurrent writer gets a WriteConflict at once, its transaction is retried from
 * the start, and it reads the new head. Positions are therefore unique and gap-free in commit order; the unique index
 * on receipts.seq is the second line of defence. The sealing itself is src/ledger's one chain-append step.
 */
import type { ClientSession } from 'mongoose';
import type { ReceiptDraft, ReceiptRecord, ReceiptSealer } from '../../exchange/model/index.js';
import { sealNext } from '../../ledger/receipt-chain.js';
import type { Models } from './models.js';

const HEAD = 'receipt-chain';

export class MongoReceiptChain {
  constructor(private readonly models: Models, private readonly sealer: ReceiptSealer) {}

  /** Must run inside a transaction (`session`); sealing is synchronous, so nothing else interleaves here. */
  async append(draft: ReceiptDraft, session: ClientSession): Promise<ReceiptRecord> {
    const head = await this.models.counters
      .findOneAndUpdate({ _id: HEAD }, { $inc: { writes: 1 } }, { session, returnDocument: 'before', upsert: true })
      .lean();
    const { receipt } = sealNext(this.sealer, draft, head ?? undefined);
    const { id, ...rest } = receipt;
    await this.models.receipts.insertMany([{ _id: id, ...rest }], { session });
    await this.models.counters.updateOne({ _id: HEAD }, { $set: { seq: receipt.seq, hash: receipt.hash } }, { session });
    return receipt;
  }
}
