/** The document's OtherInfo/Priority is kept with its envelope: its Decree 30 time limit depends on it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExchangeFixture, type ExchangeFixture, type TestAgency } from '../http/exchange-fixture.js';

let f: ExchangeFixture;
let A: TestAgency;
let B: TestAgency;
beforeAll(async () => {
  f = await buildExchangeFixture();
  A = await f.agency('000.00.00.H40');
  B = await f.agency('000.00.12.H40');
});
afterAll(async () => f?.close());

describe('a document\'s priority', () => {
  it('an urgent document (Priority 3, hỏa tốc) keeps its priority in the envelope, the inbox and the timeline', async () => {
    const documentId = '000.00.00.H40,2026/03/16,7/UBND-VP';
    const sent = await f.send(A, await f.documentFrom(A, { to: [B.organId], documentId, priority: 3 }));
    expect(sent.status).toBe(202);
    expect((await f.store.getEnvelope(sent.body.packageId))?.priority).toBe(3);
    const inbox = await f.get(B, '/v1/inbox');
    expect(inbox.body.items.find((i: { packageId: string }) => i.packageId === sent.body.packageId)).toMatchObject({ priority: 3 });
    const timeline = await f.get(A, `/v1/documents/${encodeURIComponent(documentId)}/timeline`);
    expect(timeline.body.packages[0]).toMatchObject({ priority: 3 });
  });

  it('a document without OtherInfo has no priority (an ordinary one for the time limits)', async () => {
    const sent = await f.send(A, await f.documentFrom(A, { to: [B.organId] }));
    expect(sent.status).toBe(202);
    const envelope = await f.store.getEnvelope(sent.body.packageId);
    expect(envelope).toBeDefined();
    expect(envelope).not.toHaveProperty('priority');
  });
});
