/**
 * The archive reads of every store (src/exchange/ports/archive-queries.ts): the same answers from each adapter.
 * Run by test/store/embedded.test.ts always and test/store/mongo.test.ts with MONGODB_URL.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createReceiptSealer, loadAxisIdentity, type AxisIdentity } from '../../src/ledger/index.js';
import type { AcceptBundle, EnvelopePosition, Store } from '../../src/exchange/ports/index.js';
import type { EnvelopeRecord, StatusCode } from '../../src/exchange/model/index.js';
import { bundle, G22, H41, K01, M05, receiptDraft, type PackageSpec } from './records.js';
import type { StoreFactory, StoreHarness } from './contract.js';

export function archiveQueriesContract(factory: StoreFactory): void {
  let identity: AxisIdentity;
  let identityDir: string;
  let harness: StoreHarness;
  let store: Store;

  beforeAll(async () => {
    identityDir = await mkdtemp(path.join(tmpdir(), 'edx-archive-identity-'));
    identity = await loadAxisIdentity({ dataDir: identityDir });
  });
  afterAll(async () => rm(identityDir, { recursive: true, force: true }));
  beforeEach(async () => {
    harness = await factory();
    store = await harness.open(createReceiptSealer(identity));
  });
  afterEach(async () => {
    await store.close();
    await harness.destroy();
  });

  /** Accepts a package whose envelope, deliveries and receipt all carry the instant `at`. */
  async function acceptAt(at: string, spec: PackageSpec = {}, change?: (b: AcceptBundle) => void): Promise<EnvelopeRecord> {
    const b = bundle(spec);
    b.envelope.acceptedAt = at;
    b.receipt.at = at;
    for (const d of b.deliveries) Object.assign(d, { createdAt: at, updatedAt: at });
    change?.(b);
    const out = await store.accept(b);
    if (out.outcome !== 'created') throw new Error(out.outcome);
    return out.envelope;
  }

  const ids = (items: { id: string }[]) => items.map((i) => i.id);

  describe('envelopes accepted in a period', () => {
    it('lists them newest first, by kind, period and agency (sender or recipient)', async () => {
      const a = await acceptAt('2026-03-02T01:00:00.000Z', { from: G22, to: [H41] });
      const b = await acceptAt('2026-03-03T01:00:00.000Z', { from: H41, to: [K01, M05] });
      const s = await acceptAt('2026-03-04T01:00:00.000Z', { from: H41, to: [G22], kind: 'status', statusCode: '01', refersToDocumentId: a.documentId });
      const c = await acceptAt('2026-04-01T00:00:00.000Z', { from: K01, to: [G22] });
      const { archive } = store;
      expect(ids((await archive.listAcceptedEnvelopes({ limit: 10 })).items)).toEqual([c.id, s.id, b.id, a.id]);
      expect(ids((await archive.listAcceptedEnvelopes({ kind: 'edoc', limit: 10 })).items)).toEqual([c.id, b.id, a.id]);
      expect(ids((await archive.listAcceptedEnvelopes({ kind: 'status', limit: 10 })).items)).toEqual([s.id]);
      // [from, to): the bounds are instants, from included, to excluded
      expect(ids((await archive.listAcceptedEnvelopes({ acceptedFrom: '2026-03-03T01:00:00.000Z', acceptedTo: '2026-04-01T00:00:00.000Z', limit: 10 })).items)).toEqual([s.id, b.id]);
      expect(ids((await archive.listAcceptedEnvelopes({ agency: G22, limit: 10 })).items)).toEqual([c.id, s.id, a.id]);
      expect(ids((await archive.listAcceptedEnvelopes({ agency: M05, limit: 10 })).items)).toEqual([b.id]);
      expect(ids((await archive.listAcceptedEnvelopes({ agency: '000.00.00.Z99', limit: 10 })).items)).toEqual([]);
      expect((await archive.listAcceptedEnvelopes({ limit: 0 })).items).toEqual([]);
      // the records come back whole
      expect((await archive.listAcceptedEnvelopes({ kind: 'status', limit: 1 })).items[0]).toEqual(s);
    });

    it('pages through them with `next`, each once, ties on the same instant ordered by id', async () => {
      const at = '2026-05-05T02:00:00.000Z';
      const made = [
        await acceptAt('2026-05-04T02:00:00.000Z'),
        await acceptAt(at),
        await acceptAt(at),
        await acceptAt(at),
        await acceptAt('2026-05-06T02:00:00.000Z'),
      ];
      const expected = [made[4]!, ...[made[1]!, made[2]!, made[3]!].sort((x, y) => (x.id < y.id ? 1 : -1)), made[0]!].map((e) => e.id);
      const seen: string[] = [];
      let before: EnvelopePosition | undefined;
      for (let page = 0; page < 5; page += 1) {
        const result = await store.archive.listAcceptedEnvelopes({ limit: 2, ...(before ? { before } : {}) });
        seen.push(...ids(result.items));
        if (!result.next) break;
        before = result.next;
      }
      expect(seen).toEqual(expected);
    });
  });

  describe('deliveries, statuses and status packages of many documents at once', () => {
    it('gives the deliveries of several envelopes in delivery order', async () => {
      const a = await acceptAt('2026-03-02T01:00:00.000Z', { to: [H41, K01] });
      const b = await acceptAt('2026-03-02T02:00:00.000Z', { to: [M05] });
      await acceptAt('2026-03-02T03:00:00.000Z', { to: [M05] });
      const listed = await store.archive.listDeliveriesOfEnvelopes([b.id, a.id, 'pkg_nowhere']);
      expect(listed.map((d) => [d.envelopeId, d.recipientOrganId])).toEqual([[a.id, H41], [a.id, K01], [b.id, M05]]);
      expect(listed[0]).toEqual((await store.listDeliveriesForEnvelope(a.id))[0]);
      expect(await store.archive.listDeliveriesOfEnvelopes([])).toEqual([]);
    });

    it('gives the status packages about several documents, and their current statuses', async () => {
      const a = await acceptAt('2026-03-02T01:00:00.000Z', { from: G22, to: [H41, K01] });
      const b = await acceptAt('2026-03-02T02:00:00.000Z', { from: G22, to: [M05] });
      const status = (at: string, from: string, about: EnvelopeRecord, code: StatusCode, expected: StatusCode | undefined) => acceptAt(at, { from, to: [G22], kind: 'status', statusCode: code, refersToDocumentId: about.documentId }, (x) => {
        x.statusTransition = { documentId: about.documentId, senderOrganId: G22, recipientOrganId: from, expected, next: code };
      });
      const s1 = await status('2026-03-02T03:00:00.000Z', H41, a, '01', undefined);
      const s2 = await status('2026-03-02T04:00:00.000Z', H41, a, '03', '01');
      const s3 = await status('2026-03-02T05:00:00.000Z', M05, b, '02', undefined);
      // an update of a (an edoc referring to it) is no status package
      await acceptAt('2026-03-02T06:00:00.000Z', { from: G22, to: [H41], businessType: 2, refersToDocumentId: a.documentId });
      expect(ids(await store.archive.listStatusEnvelopesAbout([a.documentId, b.documentId]))).toEqual([s1.id, s2.id, s3.id]);
      expect(ids(await store.archive.listStatusEnvelopesAbout([b.documentId]))).toEqual([s3.id]);
      const statuses = await store.archive.listDocumentStatusesOf([a.documentId, b.documentId, 'nowhere']);
      expect(statuses.map((s) => [s.documentId, s.recipientOrganId, s.code])).toEqual(
        [[a.documentId, H41, '03'], [b.documentId, M05, '02']].sort((x, y) => (x[0]! < y[0]! ? -1 : 1)),
      );
      expect(statuses.find((s) => s.documentId === a.documentId)).toEqual(await store.getDocumentStatus(a.documentId, G22, H41));
      expect(await store.archive.listStatusEnvelopesAbout([])).toEqual([]);
      expect(await store.archive.listDocumentStatusesOf([])).toEqual([]);
    });
  });

  describe('receipts across agencies', () => {
    it('finds them by type, time, party and document, in chain order after a position', async () => {
      const a = await acceptAt('2026-03-02T01:00:00.000Z', { from: G22, to: [H41] });
      const b = await acceptAt('2026-03-05T01:00:00.000Z', { from: K01, to: [M05] });
      const rejected = await store.appendReceipt({ ...receiptDraft(b, 'rejected'), envelopeId: undefined, documentId: undefined, parties: [K01], at: '2026-03-06T01:00:00.000Z', detail: { code: 'EDXML_SCHEMA_INVALID' } });
      const fetched = await store.appendReceipt({ ...receiptDraft(a, 'fetched'), parties: [G22, H41], at: '2026-03-07T01:00:00.000Z' });
      const all = await store.listReceipts({ limit: 100 });
      expect(all).toHaveLength(4);
      const search = store.archive.searchReceipts.bind(store.archive);
      expect(ids(await search({ limit: 100 }))).toEqual(ids(all));
      expect(ids(await search({ type: 'accepted', limit: 100 }))).toEqual([all[0]!.id, all[1]!.id]);
      expect(await search({ type: 'rejected', limit: 100 })).toEqual([rejected]);
      expect(ids(await search({ atFrom: '2026-03-05T01:00:00.000Z', atTo: '2026-03-07T01:00:00.000Z', limit: 100 }))).toEqual([all[1]!.id, rejected.id]);
      expect(ids(await search({ organId: H41, limit: 100 }))).toEqual([all[0]!.id, fetched.id]);
      expect(ids(await search({ organId: K01, type: 'rejected', limit: 100 }))).toEqual([rejected.id]);
      expect(ids(await search({ documentId: a.documentId, limit: 100 }))).toEqual([all[0]!.id, fetched.id]);
      expect(ids(await search({ after: all[1]!.seq, limit: 1 }))).toEqual([rejected.id]);
      expect(await search({ organId: M05, type: 'fetched', limit: 100 })).toEqual([]);
      expect(await search({ limit: 0 })).toEqual([]);
    });
  });
}
