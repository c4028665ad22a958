/**
 * An agency that is not party to a package gets 404 on everything about it, the same answer (code and detail) as
 * for a package or document that does not exist: checked over every endpoint, for every kind of package (a
 * document, a status, a revoked document, a revocation), on the real exchange and store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExchangeFixture, type ExchangeFixture, type TestAgency } from './exchange-fixture.js';

interface Endpoint {
  name: string;
  call(f: ExchangeFixture, as: TestAgency, target: { packageId: string; documentId: string }): Promise<{ status: number; body: { code?: string; detail?: string } }>;
}

const enc = encodeURIComponent;
const ENDPOINTS: Endpoint[] = [
  { name: 'GET /v1/packages/:id', call: (f, as, t) => f.get(as, `/v1/packages/${t.packageId}`, { raw: true }) },
  { name: 'GET /v1/packages/:id/report', call: (f, as, t) => f.get(as, `/v1/packages/${t.packageId}/report`) },
  { name: 'POST /v1/packages/:id/ack', call: (f, as, t) => f.post(as, `/v1/packages/${t.packageId}/ack`) },
  { name: 'GET /v1/documents/:documentId/timeline', call: (f, as, t) => f.get(as, `/v1/documents/${enc(t.documentId)}/timeline`) },
];

let f: ExchangeFixture;
let A: TestAgency;
let B: TestAgency;
let C: TestAgency;
let X: TestAgency;
const targets: { what: string; packageId: string; documentId: string; parties: () => TestAgency[] }[] = [];

beforeAll(async () => {
  f = await buildExchangeFixture();
  A = await f.agency('000.00.00.H40');
  B = await f.agency('000.00.12.H40');
  C = await f.agency('000.00.00.C03');
  X = await f.agency('000.00.00.X09');
  const docId = '000.00.00.H40,2026/12/01,100/NP';
  const doc = await f.send(A, await f.documentFrom(A, { to: [B.organId], documentId: docId }));
  targets.push({ what: 'a document', packageId: doc.body.packageId, documentId: docId, parties: () => [A, B] });
  const status = await f.send(B, await f.statusFrom(B, { sender: A.organId, documentId: docId, code: '01' }));
  targets.push({ what: 'a status', packageId: status.body.packageId, documentId: docId, parties: () => [A, B] });
  const revokedId = '000.00.00.H40,2026/12/01,101/NP';
  const revoked = await f.send(A, await f.documentFrom(A, { to: [B.organId, C.organId], documentId: revokedId }));
  const revocationId = '000.00.00.H40,2026/12/01,102/NP';
  const revocation = await f.send(A, await f.documentFrom(A, { to: [B.organId, C.organId], documentId: revocationId, business: { type: 1, original: { organId: A.organId, documentId: revokedId } } }));
  expect(revocation.status).toBe(202);
  targets.push({ what: 'a revoked document', packageId: revoked.body.packageId, documentId: revokedId, parties: () => [A, B, C] });
  targets.push({ what: 'a revocation', packageId: revocation.body.packageId, documentId: revocationId, parties: () => [A, B, C] });
});
afterAll(async () => f?.close());

describe('an agency that is not party to a package gets 404 on everything about it', () => {
  for (const endpoint of ENDPOINTS) {
    it(`${endpoint.name}: an outsider gets exactly the answer for something that does not exist; parties never 404`, async () => {
      const missing = await endpoint.call(f, X, { packageId: 'pkg_000000000000000000000000000000', documentId: '000.00.00.H40,2026/12/01,999/NP' });
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('EXCHANGE_NOT_FOUND');
      for (const target of targets) {
        const outsider = await endpoint.call(f, X, target);
        expect({ what: target.what, status: outsider.status, code: outsider.body.code, detail: outsider.body.detail })
          .toEqual({ what: target.what, status: 404, code: missing.body.code, detail: missing.body.detail });
        for (const party of target.parties()) {
          const answer = await endpoint.call(f, party, target);
          expect({ what: target.what, party: party.organId, notFound: answer.status === 404 }).toEqual({ what: target.what, party: party.organId, notFound: false });
        }
      }
    });
  }

  it('a malformed id is answered like a missing one', async () => {
    const odd = await f.get(X, '/v1/packages/not%20an%20id');
    const missing = await f.get(X, '/v1/packages/pkg_000000000000000000000000000000');
    expect([odd.status, odd.body.code, odd.body.detail]).toEqual([404, missing.body.code, missing.body.detail]);
  });

  it('an outsider cannot learn of a document through a status or a revocation either', async () => {
    const [doc] = targets;
    const unknownId = '000.00.00.H40,2026/12/01,998/NP';
    const aboutReal = await f.send(X, await f.statusFrom(X, { sender: A.organId, documentId: doc!.documentId, code: '01' }));
    const aboutNothing = await f.send(X, await f.statusFrom(X, { sender: A.organId, documentId: unknownId, code: '01' }));
    expect([aboutReal.status, aboutReal.body.code]).toEqual([aboutNothing.status, aboutNothing.body.code]);
    expect(aboutReal.body.detail.replace(doc!.documentId, 'ID')).toBe(aboutNothing.body.detail.replace(unknownId, 'ID'));
    expect((await f.get(X, '/v1/inbox')).body.items).toEqual([]);
  });
});
