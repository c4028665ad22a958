/**
 * A DocumentId is unique per sender only. Two agencies send documents with the same DocumentId to the same recipient,
 * each followed by statuses: the timeline takes the sender (`?from=ORGANID`) and never merges the two documents'
 * packages, statuses, deliveries or receipts; without `from`, a caller who can see both is asked to name one.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExchangeFixture, type ExchangeFixture, type TestAgency } from './exchange-fixture.js';

let f: ExchangeFixture;
let A: TestAgency;
let C: TestAgency;
let B: TestAgency;
let D: TestAgency;
// Both senders' DMS number their documents the same way: a clash the axis must keep apart.
const documentId = 'SO-VAN-BAN,2026/12/01,15/VP';
const path = `/v1/documents/${encodeURIComponent(documentId)}/timeline`;
const ids: Record<string, string[]> = {};

interface Timeline {
  documentId: string;
  from: string;
  packages: { packageId: string; from: string; to: string[]; statusCode?: string }[];
  deliveries: { packageId?: string; envelopeId?: string }[];
  statuses: { senderOrganId: string; recipientOrganId: string; code: string }[];
  receipts: { envelopeId?: string; parties: string[] }[];
}

beforeAll(async () => {
  f = await buildExchangeFixture();
  A = await f.agency('000.00.00.H40');
  C = await f.agency('000.00.00.C03');
  B = await f.agency('000.00.12.H40');
  D = await f.agency('000.00.00.D04');
  for (const sender of [A, C]) {
    const sent = await f.send(sender, await f.documentFrom(sender, { to: [B.organId], documentId }));
    expect(sent.status).toBe(202);
    ids[sender.organId] = [sent.body.packageId];
  }
  // B answers each sender's document, naming the sender in ResponseFor/OrganId.
  for (const [sender, codes] of [[A, ['01', '03']], [C, ['01']]] as const) {
    for (const code of codes) {
      const status = await f.send(B, await f.statusFrom(B, { sender: sender.organId, documentId, code }));
      expect(status.status).toBe(202);
      ids[sender.organId]!.push(status.body.packageId);
    }
  }
});
afterAll(async () => f?.close());

function ownedBy(timeline: Timeline, sender: string): void {
  expect(timeline.from).toBe(sender);
  expect(timeline.packages.map((p) => p.packageId).sort()).toEqual([...ids[sender]!].sort());
  expect(timeline.statuses.every((s) => s.senderOrganId === sender)).toBe(true);
  const own = new Set(ids[sender]);
  expect(timeline.receipts.length).toBeGreaterThanOrEqual(ids[sender]!.length);
  expect(timeline.receipts.every((r) => r.envelopeId !== undefined && own.has(r.envelopeId))).toBe(true);
}

describe('the timeline of a DocumentId two senders used', () => {
  it('the recipient, who sees both, is asked to name the sender: 422 EXCHANGE_REFERENCE_AMBIGUOUS listing them', async () => {
    const res = await f.get(B, path);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 422, code: 'EXCHANGE_REFERENCE_AMBIGUOUS' });
    expect(res.body.detail).toContain(`${C.organId}, ${A.organId}`);
  });

  it('with ?from= each sender\'s document is its own: packages, statuses and receipts never merge', async () => {
    const fromA = await f.get(B, `${path}?from=${A.organId}`);
    expect(fromA.status).toBe(200);
    ownedBy(fromA.body as Timeline, A.organId);
    expect((fromA.body as Timeline).statuses).toEqual([expect.objectContaining({ senderOrganId: A.organId, recipientOrganId: B.organId, code: '03' })]);

    const fromC = await f.get(B, `${path}?from=${C.organId}`);
    expect(fromC.status).toBe(200);
    ownedBy(fromC.body as Timeline, C.organId);
    expect((fromC.body as Timeline).statuses).toEqual([expect.objectContaining({ senderOrganId: C.organId, code: '01' })]);
  });

  it('a sender sees its own document without naming itself, and nothing of the other sender\'s', async () => {
    const own = await f.get(A, path);
    expect(own.status).toBe(200);
    ownedBy(own.body as Timeline, A.organId);
    expect((await f.get(A, `${path}?from=${A.organId}`)).body).toEqual(own.body);
    // The other sender's document with the same DocumentId: not a party, so it does not exist for A.
    const other = await f.get(A, `${path}?from=${C.organId}`);
    expect({ status: other.status, code: other.body.code }).toEqual({ status: 404, code: 'EXCHANGE_NOT_FOUND' });
  });

  it('archivists see every party\'s view but still one document at a time', async () => {
    const archivist = (p: string) => request(f.app).get(p).set('Authorization', `Bearer ${f.archivistToken}`);
    expect((await archivist(path)).body.code).toBe('EXCHANGE_REFERENCE_AMBIGUOUS');
    const fromC = await archivist(`${path}?from=${C.organId}`);
    expect(fromC.status).toBe(200);
    ownedBy(fromC.body as Timeline, C.organId);
  });

  it('a stranger learns nothing, named sender or not; a malformed from is 400 HTTP_QUERY_INVALID', async () => {
    for (const p of [path, `${path}?from=${A.organId}`]) {
      const res = await f.get(D, p);
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 404, code: 'EXCHANGE_NOT_FOUND' });
    }
    const bad = await f.get(B, `${path}?from=${encodeURIComponent('not an organ id')}`);
    expect({ status: bad.status, code: bad.body.code }).toEqual({ status: 400, code: 'HTTP_QUERY_INVALID' });
  });
});
