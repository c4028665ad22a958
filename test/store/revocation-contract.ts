/**
 * Part of the store contract (test/store/contract.ts): a revocation takes back the pending updates and replacements
 * of the document too (model/revocation.ts, issue 23), in one transaction, and nothing else.
 */
import { it, expect } from 'vitest';
import type { Store } from '../../src/exchange/ports/index.js';
import { bundle, G22, H41, K01, receiptDraft } from './records.js';
import { setUpStep } from '../support/delivery-step.js';

export function revocationOfUpdatesContract(ctx: { store(): Store; expectValidChain(): Promise<unknown> }): void {
  it('takes back the pending updates and replacements of the revoked document too, and nothing else', async () => {
    const original = bundle({ from: G22, to: [H41, K01] });
    await ctx.store().accept(original);
    const documentId = original.envelope.documentId;
    const update = bundle({ from: G22, to: [H41, K01], documentId: `${documentId}-cap-nhat`, businessType: 2, refersToDocumentId: documentId });
    const updated = await ctx.store().accept(update);
    if (updated.outcome !== 'created') throw new Error(updated.outcome);
    // H41 already has the update: its copy stays.
    const toH41 = updated.deliveries.find((d) => d.recipientOrganId === H41)!;
    await ctx.store().transitionDelivery(toH41.id, { step: setUpStep(['available'], 'fetched'), patch: { fetchedAt: new Date().toISOString() } });
    const replacement = bundle({ from: G22, to: [K01], documentId: `${documentId}-thay-the`, businessType: 3, refersToDocumentId: documentId, states: { [K01]: 'retrying' } });
    await ctx.store().accept(replacement);
    // Not taken back: a status about the document, another sender's update naming the same DocumentId, another document's update.
    const status = bundle({ from: H41, to: [G22], kind: 'status', statusCode: '01', refersToDocumentId: documentId });
    const foreign = bundle({ from: K01, to: [H41], businessType: 2, refersToDocumentId: documentId });
    const unrelated = bundle({ from: G22, to: [H41], businessType: 2, refersToDocumentId: `${documentId}-khac` });
    for (const b of [status, foreign, unrelated]) await ctx.store().accept(b);

    const revocation = bundle({ from: G22, to: [H41, K01], documentId: `${documentId}-thu-hoi`, businessType: 1, refersToDocumentId: documentId });
    revocation.revokes = { envelopeId: original.envelope.id, revocationReceipt: receiptDraft(original.envelope, 'revoked') };
    expect((await ctx.store().accept(revocation)).outcome).toBe('created');

    const statesOf = async (envelopeId: string) => Object.fromEntries((await ctx.store().listDeliveriesForEnvelope(envelopeId)).map((d) => [d.recipientOrganId, d.state]));
    expect(await statesOf(update.envelope.id)).toEqual({ [H41]: 'fetched', [K01]: 'withheld' });
    expect(await statesOf(replacement.envelope.id)).toEqual({ [K01]: 'withheld' });
    const marks = { revokedAt: revocation.envelope.acceptedAt, revokedByEnvelopeId: revocation.envelope.id };
    expect(await ctx.store().getEnvelope(update.envelope.id)).toEqual({ ...update.envelope, ...marks });
    expect(await ctx.store().getEnvelope(replacement.envelope.id)).toEqual({ ...replacement.envelope, ...marks });
    for (const b of [status, foreign, unrelated]) {
      expect(await ctx.store().getEnvelope(b.envelope.id)).toEqual(b.envelope);
      expect(Object.values(await statesOf(b.envelope.id))).toEqual(['available']);
    }
    await ctx.expectValidChain();
  });
}
