/**
 * Issue 23, finding 2: a revocation takes back the document and every update or replacement of it that a recipient
 * has not received yet (docs/api.md, "Revoke, update, replace"); what a recipient already has stays. End to end on the
 * real exchange, the embedded store and real signatures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExchangeFixture, type ExchangeFixture, type TestAgency } from './exchange-fixture.js';

let f: ExchangeFixture;
let A: TestAgency;
let B: TestAgency;
let C: TestAgency;
beforeAll(async () => {
  f = await buildExchangeFixture();
  A = await f.agency('000.00.00.A01');
  B = await f.agency('000.00.00.B02');
  C = await f.agency('000.00.00.C03');
});
afterAll(async () => f?.close());

const inboxOf = async (as: TestAgency): Promise<string[]> => (await f.get(as, '/v1/inbox')).body.items.map((i: { packageId: string }) => i.packageId);

describe('a revocation withholds the pending updates and replacements of the document it revokes', () => {
  it('A sends DOC-2, an update and a replacement of it, then revokes DOC-2: B, which fetched nothing, gets 410 for all three', async () => {
    const doc2 = '000.00.00.A01,2026/12/01,2/A01-VP';
    const original = (await f.send(A, await f.documentFrom(A, { to: [B.organId, C.organId], documentId: doc2 }))).body.packageId as string;
    const update = (await f.send(A, await f.documentFrom(A, { to: [B.organId, C.organId], documentId: `000.00.00.A01,2026/12/01,3/A01-VP`, business: { type: 2, original: { organId: A.organId, documentId: doc2 } } }))).body.packageId as string;
    const replacement = (await f.send(A, await f.documentFrom(A, { to: [B.organId], documentId: `000.00.00.A01,2026/12/01,4/A01-VP`, business: { type: 3, original: { organId: A.organId, documentId: doc2 } } }))).body.packageId as string;
    // C downloads the update before the revocation: its copy stays.
    expect((await f.get(C, `/v1/packages/${update}`, { raw: true })).status).toBe(200);
    expect(await inboxOf(B)).toEqual(expect.arrayContaining([original, update, replacement]));

    const revocation = await f.send(A, await f.documentFrom(A, { to: [B.organId, C.organId], documentId: '000.00.00.A01,2026/12/01,5/A01-VP', business: { type: 1, original: { organId: A.organId, documentId: doc2 } } }));
    expect(revocation.status).toBe(202);

    for (const id of [original, update, replacement]) {
      const gone = await f.get(B, `/v1/packages/${id}`, { raw: true });
      expect({ id, status: gone.status, code: gone.body.code }).toEqual({ id, status: 410, code: 'EXCHANGE_GONE' });
    }
    const inbox = await inboxOf(B);
    for (const id of [original, update, replacement]) expect(inbox).not.toContain(id);
    // Received copies stay: C had the update; it never fetched the original, which is withheld from it.
    expect((await f.get(C, `/v1/packages/${update}`, { raw: true })).status).toBe(200);
    expect((await f.get(C, `/v1/packages/${original}`, { raw: true })).status).toBe(410);
    // The sender sees what happened to its update: revoked with the document, by that revocation.
    const report = await f.get(A, `/v1/packages/${update}/report`);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ packageId: update, revokedByPackageId: revocation.body.packageId });
    const states = Object.fromEntries((await f.store.listDeliveriesForEnvelope(update)).map((d) => [d.recipientOrganId, d.state]));
    expect(states).toEqual({ [B.organId]: 'withheld', [C.organId]: 'fetched' });
  });

  it('an update of another document, or of the same DocumentId by another sender, is not touched', async () => {
    const mine = '000.00.00.A01,2026/12/01,20/A01-VP';
    const other = '000.00.00.A01,2026/12/01,21/A01-VP';
    await f.send(A, await f.documentFrom(A, { to: [B.organId], documentId: mine }));
    await f.send(A, await f.documentFrom(A, { to: [B.organId], documentId: other }));
    const otherUpdate = (await f.send(A, await f.documentFrom(A, { to: [B.organId], documentId: '000.00.00.A01,2026/12/01,22/A01-VP', business: { type: 2, original: { organId: A.organId, documentId: other } } }))).body.packageId as string;
    expect((await f.send(A, await f.documentFrom(A, { to: [B.organId], documentId: '000.00.00.A01,2026/12/01,23/A01-VP', business: { type: 1, original: { organId: A.organId, documentId: mine } } }))).status).toBe(202);
    expect((await f.get(B, `/v1/packages/${otherUpdate}`, { raw: true })).status).toBe(200);
  });
});
