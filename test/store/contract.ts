/**
 * The store contract: what every adapter of src/exchange/ports/store.ts promises the exchange. test/store/embedded.test.ts
 * runs it always, test/store/mongo.test.ts whenever MONGODB_URL is set. Receipts are sealed by the real ledger
 * sealer and the chain is checked by the real verifier.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createReceiptSealer, loadAxisIdentity, verifyReceiptChain, type AxisIdentity } from '../../src/ledger/index.js';
import type { Store } from '../../src/exchange/ports/index.js';
import { revisionOf, type ReceiptRecord, type ReceiptSealer } from '../../src/exchange/model/index.js';
import { agency, bundle, G22, H41, K01, M05, receiptDraft } from './records.js';
import { setUpStep } from '../support/delivery-step.js';
import { revocationOfUpdatesContract } from './revocation-contract.js';
import { ledgerContract } from './ledger-contract.js';

export interface StoreHarness {
  /** Opens the store at this harness's location; after close(), opening again must find the same data. */
  open(sealer: ReceiptSealer): Promise<Store>;
  /** Removes everything the harness created. */
  destroy(): Promise<void>;
}

export type StoreFactory = () => Promise<StoreHarness>;

async function sha256Of(stream: NodeJS.ReadableStream): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { sha256: hash.digest('hex'), size };
}

export function storeContract(factory: StoreFactory): void {
  let identity: AxisIdentity;
  let identityDir: string;
  let harness: StoreHarness;
  let store: Store;
  /** The real sealer, with a switch that makes the next seal fail (a signing key gone, an HSM down). */
  let failNextSeal = false;
  const sealer: ReceiptSealer = (draft, position) => {
    if (failNextSeal) {
      failNextSeal = false;
      throw new Error('the signing key is unavailable');
    }
    return createReceiptSealer(identity)(draft, position);
  };

  const allReceipts = async (s: Store = store): Promise<ReceiptRecord[]> => s.listReceipts({ limit: 100_000 });
  const expectValidChain = async (s: Store = store): Promise<ReceiptRecord[]> => {
    const chain = await allReceipts(s);
    expect(chain.map((r) => r.seq)).toEqual(chain.map((_, i) => i + 1));
    expect(verifyReceiptChain(chain, { certificates: [identity.certificateDer] })).toMatchObject({ valid: true, checked: chain.length });
    return chain;
  };

  beforeAll(async () => {
    identityDir = await mkdtemp(path.join(tmpdir(), 'edx-store-identity-'));
    identity = await loadAxisIdentity({ dataDir: identityDir });
  });
  afterAll(async () => rm(identityDir, { recursive: true, force: true }));
  beforeEach(async () => {
    failNextSeal = false;
    harness = await factory();
    store = await harness.open(sealer);
  });
  afterEach(async () => {
    await store.close();
    await harness.destroy();
  });

  describe('agencies', () => {
    it('registers, lists, updates agencies and refuses unknown or doubled ones', async () => {
      const a = agency(G22, { parentOrganId: '000.00.00.G00', deliveryMode: 'push', endpointUrl: 'https://dms.g22.example/edxml' });
      await store.createAgency(a);
      await store.createAgency(agency(H41));
      expect(await store.getAgency(G22)).toEqual(a);
      expect((await store.listAgencies()).map((x) => x.organId).sort()).toEqual([G22, H41]);
      const { endpointUrl: _dropped, ...pull } = a;
      await store.updateAgency({ ...pull, state: 'suspended', deliveryMode: 'pull' });
      // the record is replaced whole: a field left out is gone
      expect(await store.getAgency(G22)).toEqual({ ...pull, state: 'suspended', deliveryMode: 'pull' });
      expect(await store.getAgency(K01)).toBeUndefined();
      await expect(store.updateAgency(agency(K01))).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
      await expect(store.createAgency(agency(G22))).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
      expect((await store.getAgency(G22))?.state).toBe('suspended');
    });
  });

  describe('connected systems', () => {
    it('registers, lists, updates systems and refuses unknown or doubled ones', async () => {
      const at = new Date().toISOString();
      const hub = { systemId: 'vxp.hub.01', agencies: [G22, H41], state: 'active' as const, secretCiphertext: 'c2VjcmV0', createdAt: at, updatedAt: at };
      await store.createSystem(hub);
      await store.createSystem({ ...hub, systemId: 'vxp.saas.03', agencies: [K01] });
      expect(await store.getSystem('vxp.hub.01')).toEqual(hub);
      expect((await store.listSystems()).map((s) => s.systemId)).toEqual(['vxp.hub.01', 'vxp.saas.03']);
      await store.updateSystem({ ...hub, agencies: [H41], state: 'suspended' });
      expect(await store.getSystem('vxp.hub.01')).toMatchObject({ agencies: [H41], state: 'suspended' });
      expect(await store.getSystem('vxp.nowhere')).toBeUndefined();
      await expect(store.updateSystem({ ...hub, systemId: 'vxp.nowhere' })).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
      await expect(store.createSystem(hub)).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    });
  });

  describe('accepting a package', () => {
    it('keeps the envelope, one delivery per recipient and a sealed "accepted" receipt', async () => {
      const b = bundle({ to: [H41, K01], states: { [K01]: 'pending' } });
      const out = await store.accept(b);
      if (out.outcome !== 'created') throw new Error(out.outcome);
      expect(out.envelope).toEqual(b.envelope);
      expect(out.deliveries.map((d) => [d.recipientOrganId, d.state])).toEqual([[H41, 'available'], [K01, 'pending']]);
      expect(out.deliveries[1]!.seq).toBeGreaterThan(out.deliveries[0]!.seq);
      expect(out.receipt).toMatchObject({ type: 'accepted', seq: 1, envelopeId: b.envelope.id, prevHash: '0'.repeat(64), signerFingerprint: identity.fingerprint });
      expect(await store.getEnvelope(b.envelope.id)).toEqual(b.envelope);
      expect(await store.findEnvelopeByDedupeKey(b.envelope.dedupeKey)).toEqual(b.envelope);
      expect(await store.getDelivery(out.deliveries[0]!.id)).toEqual(out.deliveries[0]);
      expect(await store.listDeliveriesForEnvelope(b.envelope.id)).toEqual(out.deliveries);
      expect(await store.getReceipt(out.receipt.id)).toEqual(out.receipt);
      expect(await store.chainHead()).toEqual(out.receipt);
      await expectValidChain();
    });

    it('keeps the raw package handed with the records, byte-exact under its SHA-256', async () => {
      const bytes = Buffer.from(`<edXMLEnvelope>${randomBytes(300).toString('base64')}</edXMLEnvelope>`);
      const b = bundle({ bytes });
      expect(await store.blobs.has(b.envelope.sha256)).toBe(false);
      expect((await store.accept(b)).outcome).toBe('created');
      expect(await store.blobs.has(b.envelope.sha256)).toBe(true);
      expect(Buffer.compare(await store.blobs.read(b.envelope.sha256), bytes)).toBe(0);
      expect(await sha256Of(await store.blobs.openRead(b.envelope.sha256))).toEqual({ sha256: b.envelope.sha256, size: bytes.byteLength });
    });

    it('answers the same package again with the original envelope and its accepted receipt, writing nothing', async () => {
      const first = bundle();
      const created = await store.accept(first);
      const again = bundle();
      again.envelope.dedupeKey = first.envelope.dedupeKey;
      const out = await store.accept(again);
      expect(out.outcome).toBe('duplicate');
      if (out.outcome !== 'duplicate' || created.outcome !== 'created') throw new Error('unexpected');
      expect(out.envelope.id).toBe(first.envelope.id);
      expect(out.receipt).toEqual(created.receipt);
      expect(await store.getEnvelope(again.envelope.id)).toBeUndefined();
      expect(await store.getDelivery(again.deliveries[0]!.id)).toBeUndefined();
      expect((await allReceipts()).length).toBe(1);
    });

    it('writes nothing when sealing the receipt fails', async () => {
      await store.accept(bundle());
      const head = await store.chainHead();
      const b = bundle({ to: [H41, K01] });
      failNextSeal = true;
      await expect(store.accept(b)).rejects.toThrow('the signing key is unavailable');
      expect(await store.getEnvelope(b.envelope.id)).toBeUndefined();
      expect(await store.findEnvelopeByDedupeKey(b.envelope.dedupeKey)).toBeUndefined();
      expect(await store.listDeliveriesForEnvelope(b.envelope.id)).toEqual([]);
      expect(await store.chainHead()).toEqual(head);
      // and the store goes on: the same package is accepted once the key is back
      expect((await store.accept(b)).outcome).toBe('created');
      await expectValidChain();
    });

    it('writes nothing when a delivery id is already taken', async () => {
      const first = await store.accept(bundle());
      if (first.outcome !== 'created') throw new Error(first.outcome);
      const b = bundle({ to: [H41, K01] });
      b.deliveries[1]!.id = first.deliveries[0]!.id;
      await expect(store.accept(b)).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
      expect(await store.getEnvelope(b.envelope.id)).toBeUndefined();
      expect(await store.getDelivery(b.deliveries[0]!.id)).toBeUndefined();
      expect(await store.getDelivery(first.deliveries[0]!.id)).toEqual(first.deliveries[0]);
      expect((await allReceipts()).length).toBe(1);
    });

    it('keeps concurrent packages whole: the one that fails writes nothing and takes none of the others down', async () => {
      const first = await store.accept(bundle());
      if (first.outcome !== 'created') throw new Error(first.outcome);
      const good = Array.from({ length: 5 }, () => bundle({ to: [H41, K01] }));
      const clash = bundle({ to: [H41, K01] });
      clash.deliveries[1]!.id = first.deliveries[0]!.id;
      const results = await Promise.allSettled([good[0]!, good[1]!, clash, good[2]!, good[3]!, good[4]!].map((b) => store.accept(b)));
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
      expect(await store.getEnvelope(clash.envelope.id)).toBeUndefined();
      expect(await store.getDelivery(clash.deliveries[0]!.id)).toBeUndefined();
      for (const b of good) expect(await store.listDeliveriesForEnvelope(b.envelope.id)).toHaveLength(2);
      const chain = await expectValidChain();
      expect(chain).toHaveLength(6);
      expect(new Set(chain.map((r) => r.envelopeId))).not.toContain(clash.envelope.id);
    });

    it('writes nothing when the package it revokes does not exist', async () => {
      const b = bundle({ businessType: 1 });
      b.revokes = { envelopeId: 'pkg_nowhere', revocationReceipt: receiptDraft(b.envelope, 'revoked') };
      await expect(store.accept(b)).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
      expect(await store.getEnvelope(b.envelope.id)).toBeUndefined();
      expect(await store.chainHead()).toBeUndefined();
    });

    it('finds every envelope about a document, and the originals a sender sent under a DocumentId', async () => {
      const original = bundle({ from: G22, to: [H41] });
      await store.accept(original);
      const documentId = original.envelope.documentId;
      const status = bundle({ from: H41, to: [G22], kind: 'status', statusCode: '01', documentId: `${H41},status-1`, refersToDocumentId: documentId });
      await store.accept(status);
      const update = bundle({ from: G22, to: [H41], documentId, businessType: 2, refersToDocumentId: documentId });
      await store.accept(update);
      await store.accept(bundle({ from: K01, documentId }));
      await store.accept(bundle());
      expect((await store.listEnvelopesForDocument(documentId)).map((e) => e.id).sort()).toEqual(
        [original.envelope.id, status.envelope.id, update.envelope.id, (await store.findDocuments(K01, documentId))[0]!.id].sort(),
      );
      expect((await store.findDocuments(G22, documentId)).map((e) => e.id)).toEqual([original.envelope.id, update.envelope.id]);
      expect(await store.findDocuments(H41, documentId)).toEqual([]);
    });
  });

  it('lists what agencies sent, newest first, by kind, up to the limit', async () => {
    const sent: string[] = [];
    for (const [from, kind] of [[G22, 'edoc'], [H41, 'edoc'], [G22, 'status'], [K01, 'edoc'], [G22, 'edoc']] as const) {
      const out = await store.accept(bundle({ from, to: [from === G22 ? M05 : G22], kind, ...(kind === 'status' ? { statusCode: '01' as const } : {}) }));
      if (out.outcome !== 'created') throw new Error(out.outcome);
      sent.push(out.envelope.id);
    }
    const ids = async (query: Parameters<Store['listSentEnvelopes']>[0]) => (await store.listSentEnvelopes(query)).map((e) => e.id);
    expect(await ids({ fromOrganIds: [G22], limit: 10 })).toEqual([sent[4], sent[2], sent[0]]);
    expect(await ids({ fromOrganIds: [G22, H41], kind: 'edoc', limit: 10 })).toEqual([sent[4], sent[1], sent[0]]);
    expect(await ids({ fromOrganIds: [G22, H41, K01], kind: 'edoc', limit: 2 })).toEqual([sent[4], sent[3]]);
    expect(await ids({ fromOrganIds: [], limit: 10 })).toEqual([]);
  });

  describe('document statuses', () => {
    const statusBundle = (documentId: string, code: '01' | '02' | '03', expected: '01' | '03' | undefined) => {
      const b = bundle({ from: H41, to: [G22], kind: 'status', statusCode: code, refersToDocumentId: documentId });
      b.statusTransition = { documentId, senderOrganId: G22, recipientOrganId: H41, expected, next: code };
      return b;
    };

    it('moves the status only from the state it expects, and keeps nothing of a conflicting status', async () => {
      const original = bundle({ from: G22, to: [H41] });
      await store.accept(original);
      const documentId = original.envelope.documentId;
      const arrived = statusBundle(documentId, '01', undefined);
      expect((await store.accept(arrived)).outcome).toBe('created');
      expect(await store.getDocumentStatus(documentId, G22, H41)).toMatchObject({ code: '01', envelopeId: arrived.envelope.id, updatedAt: arrived.envelope.acceptedAt });

      const late = statusBundle(documentId, '01', undefined);
      expect(await store.accept(late)).toEqual({ outcome: 'status-conflict', current: '01' });
      expect(await store.getEnvelope(late.envelope.id)).toBeUndefined();
      expect(await store.getDelivery(late.deliveries[0]!.id)).toBeUndefined();
      expect((await allReceipts()).length).toBe(2);

      expect((await store.accept(statusBundle(documentId, '03', '01'))).outcome).toBe('created');
      expect(await store.listDocumentStatuses(documentId)).toEqual([expect.objectContaining({ documentId, senderOrganId: G22, recipientOrganId: H41, code: '03' })]);
      expect(await store.getDocumentStatus(documentId, G22, K01)).toBeUndefined();
    });

    it('lets exactly one of many concurrent statuses from the same state through', async () => {
      const original = bundle({ from: G22, to: [H41] });
      await store.accept(original);
      const documentId = original.envelope.documentId;
      await store.accept(statusBundle(documentId, '01', undefined));
      const racers = Array.from({ length: 8 }, (_, i) => statusBundle(documentId, i % 2 ? '02' : '03', '01'));
      const outcomes = await Promise.all(racers.map((b) => store.accept(b)));
      const winners = outcomes.filter((o) => o.outcome === 'created');
      expect(winners).toHaveLength(1);
      const winner = racers[outcomes.indexOf(winners[0]!)]!;
      for (const o of outcomes) if (o.outcome !== 'created') expect(o).toEqual({ outcome: 'status-conflict', current: winner.statusTransition!.next });
      expect((await store.getDocumentStatus(documentId, G22, H41))?.envelopeId).toBe(winner.envelope.id);
      expect((await store.listEnvelopesForDocument(documentId)).length).toBe(3);
      await expectValidChain();
    });

    it('checks the document rules again in the transaction: a DocumentId taken meanwhile, an original revoked meanwhile', async () => {
      const first = bundle({ from: G22, to: [H41] });
      expect((await store.accept(first)).outcome).toBe('created');
      const head = (await store.chainHead())?.seq;
      // Other bytes under the same DocumentId, sent while the first was being checked: refused, nothing written.
      const other = bundle({ from: G22, to: [H41], documentId: first.envelope.documentId });
      expect(await store.accept(other)).toEqual({ outcome: 'document-conflict', reason: 'document-id-used', envelope: await store.getEnvelope(first.envelope.id) });
      expect(await store.getEnvelope(other.envelope.id)).toBeUndefined();
      expect((await store.chainHead())?.seq).toBe(head);
      // The same DocumentId from another sender is another document.
      expect((await store.accept(bundle({ from: K01, to: [H41], documentId: first.envelope.documentId }))).outcome).toBe('created');

      const revocation = (n: string) => {
        const r = bundle({ from: G22, to: [H41], documentId: `${first.envelope.documentId}-thu-hoi-${n}`, businessType: 1, refersToDocumentId: first.envelope.documentId });
        r.revokes = { envelopeId: first.envelope.id, revocationReceipt: receiptDraft(first.envelope, 'revoked', { detail: { revokedBy: r.envelope.id } }) };
        return r;
      };
      expect((await store.accept(revocation('1'))).outcome).toBe('created');
      const twice = revocation('2');
      const outcome = await store.accept(twice);
      expect(outcome).toMatchObject({ outcome: 'document-conflict', reason: 'original-revoked', envelope: { id: first.envelope.id } });
      expect(await store.getEnvelope(twice.envelope.id)).toBeUndefined();
      expect((await allReceipts()).filter((r) => r.type === 'revoked')).toHaveLength(1);
      await expectValidChain();
    });

    it('a duplicate of an accepted status is a duplicate, not a conflict', async () => {
      const original = bundle();
      await store.accept(original);
      const arrived = statusBundle(original.envelope.documentId, '01', undefined);
      await store.accept(arrived);
      const again = { ...statusBundle(original.envelope.documentId, '01', undefined) };
      again.envelope.dedupeKey = arrived.envelope.dedupeKey;
      expect((await store.accept(again)).outcome).toBe('duplicate');
    });
  });

  describe('deliveries', () => {
    it('moves a delivery by compare-and-set, with its receipt in the same step', async () => {
      const out = await store.accept(bundle({ to: [H41], states: { [H41]: 'pending' } }));
      if (out.outcome !== 'created') throw new Error(out.outcome);
      const d = out.deliveries[0]!;
      const retry = await store.transitionDelivery(d.id, { step: setUpStep(['pending'], 'retrying'), patch: { attempts: 1, nextAttemptAt: '2026-12-01T02:00:00.000Z', lastError: 'HTTP 503' } });
      expect(retry?.delivery).toMatchObject({ state: 'retrying', attempts: 1, nextAttemptAt: '2026-12-01T02:00:00.000Z', seq: d.seq });
      expect(retry?.receipt).toBeUndefined();

      const at = new Date().toISOString();
      const done = await store.transitionDelivery(d.id, {
        step: setUpStep(['pending', 'retrying'], 'delivered'),
        patch: { attempts: 2, deliveredAt: at, updatedAt: at, nextAttemptAt: undefined, lastError: undefined },
        receipt: { ...receiptDraft(out.envelope, 'delivered'), deliveryId: d.id },
      });
      expect(done?.delivery).toEqual({ ...d, state: 'delivered', attempts: 2, deliveredAt: at, updatedAt: at, revision: 2 });
      expect(done?.receipt).toMatchObject({ type: 'delivered', deliveryId: d.id, seq: 2, prevHash: out.receipt.hash });
      expect(await store.getDelivery(d.id)).toEqual(done?.delivery);

      expect(await store.transitionDelivery(d.id, { step: setUpStep(['pending', 'retrying'], 'dead'), patch: {}, receipt: receiptDraft(out.envelope, 'failed') })).toBeUndefined();
      expect(await store.transitionDelivery('dlv_nowhere', { step: setUpStep(['pending'], 'dead'), patch: {} })).toBeUndefined();
      expect((await store.getDelivery(d.id))?.state).toBe('delivered');
      expect((await allReceipts()).map((r) => r.type)).toEqual(['accepted', 'delivered']);
    });

    it('applies a transition asked on a revision only to that revision, and writes no receipt for a stale one', async () => {
      const out = await store.accept(bundle({ to: [H41], states: { [H41]: 'pending' } }));
      if (out.outcome !== 'created') throw new Error(out.outcome);
      const d = out.deliveries[0]!;
      expect(revisionOf(d)).toBe(0);
      // What a worker that read revision 0 decides, after another writer has moved the delivery on (still pending).
      const other = await store.transitionDelivery(d.id, { step: setUpStep(['pending'], 'retrying'), ifRevision: 0, patch: { attempts: 1, lastError: 'HTTP 503' } });
      expect(other?.delivery).toMatchObject({ state: 'retrying', attempts: 1, revision: 1 });
      const stale = await store.transitionDelivery(d.id, {
        step: setUpStep(['pending', 'retrying'], 'dead'),
        ifRevision: 0,
        patch: { attempts: 1, lastError: 'HTTP 400' },
        receipt: { ...receiptDraft(out.envelope, 'failed'), deliveryId: d.id },
      });
      expect(stale).toBeUndefined();
      expect(await store.getDelivery(d.id)).toEqual(other?.delivery);
      expect((await allReceipts()).map((r) => r.type)).toEqual(['accepted']);
      // Without ifRevision only the state is compared, and every change still bumps the revision.
      const moved = await store.transitionDelivery(d.id, { step: setUpStep(['retrying']), patch: { lastError: 'HTTP 502' } });
      expect(moved?.delivery).toMatchObject({ state: 'retrying', lastError: 'HTTP 502', revision: 2 });
      expect(await store.transitionDelivery(d.id, { step: setUpStep(['retrying'], 'pending'), ifRevision: 2, patch: {} })).toMatchObject({ delivery: { state: 'pending', revision: 3 } });
    });

    it('lets exactly one of many concurrent fetches of one delivery win, and keeps nothing of a failed seal', async () => {
      const out = await store.accept(bundle());
      if (out.outcome !== 'created') throw new Error(out.outcome);
      const d = out.deliveries[0]!;
      failNextSeal = true;
      await expect(store.transitionDelivery(d.id, { step: setUpStep(['available'], 'fetched'), patch: {}, receipt: receiptDraft(out.envelope, 'fetched') })).rejects.toThrow();
      expect((await store.getDelivery(d.id))?.state).toBe('available');

      const results = await Promise.all(Array.from({ length: 6 }, () =>
        store.transitionDelivery(d.id, { step: setUpStep(['available'], 'fetched'), patch: { fetchedAt: new Date().toISOString() }, receipt: receiptDraft(out.envelope, 'fetched') })));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await allReceipts()).map((r) => r.type)).toEqual(['accepted', 'fetched']);
    });

    it('counts deliveries in every state, zero included', async () => {
      await store.accept(bundle({ to: [H41, K01, M05], states: { [K01]: 'pending', [M05]: 'pending' } }));
      const counts = await store.countDeliveriesByState();
      expect(counts).toEqual({ pending: 2, retrying: 0, delivered: 0, available: 1, fetched: 0, acknowledged: 0, dead: 0, withheld: 0 });
    });

    it('pages an inbox by cursor without gaps or repeats', async () => {
      const mine: string[] = [];
      for (let i = 0; i < 9; i += 1) {
        const h41 = i % 4 === 0 ? 'pending' : i % 3 === 1 ? 'delivered' : 'available';
        const out = await store.accept(bundle({ to: i % 3 === 0 ? [K01, H41] : [H41], states: { [H41]: h41 } }));
        if (out.outcome !== 'created') throw new Error(out.outcome);
        mine.push(...out.deliveries.filter((d) => d.recipientOrganId === H41 && d.state !== 'pending').map((d) => d.id));
      }
      const seen: string[] = [];
      let after: number | undefined;
      for (;;) {
        const page = await store.listDeliveries({ recipientOrganId: H41, states: ['available', 'delivered'], limit: 2, ...(after !== undefined ? { after } : {}) });
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(2);
        seen.push(...page.map((d) => d.id));
        after = page.at(-1)!.seq;
      }
      expect(seen).toEqual(mine);
      expect(mine).toHaveLength(6);
      expect((await store.listDeliveries({ limit: 100 })).length).toBe(12);
      expect((await store.listDeliveries({ recipientOrganId: K01, limit: 100 })).every((d) => d.recipientOrganId === K01)).toBe(true);
      expect((await store.listDeliveries({ states: ['pending'], limit: 100 })).map((d) => d.state)).toEqual(['pending', 'pending', 'pending']);
      expect(await store.listDeliveries({ states: [], limit: 10 })).toEqual([]);
    });
  });

  describe('revocation', () => {
    it('marks the original revoked and withholds only the deliveries its recipients have not received', async () => {
      const original = bundle({ from: G22, to: [H41, K01, M05], states: { [H41]: 'available', [K01]: 'pending', [M05]: 'available' } });
      const created = await store.accept(original);
      if (created.outcome !== 'created') throw new Error(created.outcome);
      const m05 = created.deliveries.find((d) => d.recipientOrganId === M05)!;
      await store.transitionDelivery(m05.id, { step: setUpStep(['available'], 'fetched'), patch: { fetchedAt: new Date().toISOString() } });

      const revocation = bundle({ from: G22, to: [H41, K01, M05], documentId: original.envelope.documentId, businessType: 1, refersToDocumentId: original.envelope.documentId });
      revocation.revokes = { envelopeId: original.envelope.id, revocationReceipt: receiptDraft(original.envelope, 'revoked', { detail: { revokedBy: revocation.envelope.id } }) };
      const out = await store.accept(revocation);
      expect(out.outcome).toBe('created');

      expect(await store.getEnvelope(original.envelope.id)).toEqual({ ...original.envelope, revokedAt: revocation.envelope.acceptedAt, revokedByEnvelopeId: revocation.envelope.id });
      const states = Object.fromEntries((await store.listDeliveriesForEnvelope(original.envelope.id)).map((d) => [d.recipientOrganId, d.state]));
      expect(states).toEqual({ [H41]: 'withheld', [K01]: 'withheld', [M05]: 'fetched' });
      // Withholding is a change like any other: a worker that read the delivery before it cannot write over it.
      const revisions = Object.fromEntries((await store.listDeliveriesForEnvelope(original.envelope.id)).map((d) => [d.recipientOrganId, revisionOf(d)]));
      expect(revisions).toEqual({ [H41]: 1, [K01]: 1, [M05]: 1 });
      const chain = await expectValidChain();
      expect(chain.map((r) => [r.type, r.envelopeId])).toEqual([
        ['accepted', original.envelope.id], ['accepted', revocation.envelope.id], ['revoked', original.envelope.id],
      ]);
      // the original's metadata and receipts are all still there (Decree 30/2020)
      expect((await store.listReceipts({ envelopeId: original.envelope.id, limit: 10 })).map((r) => r.type)).toEqual(['accepted', 'revoked']);
    });

    revocationOfUpdatesContract({ store: () => store, expectValidChain: () => expectValidChain() });
  });

  describe('receipts', () => {
    it('pages receipts by cursor and filters them by party, document and package', async () => {
      const a = bundle({ from: G22, to: [H41] });
      const b = bundle({ from: K01, to: [M05] });
      await store.accept(a);
      await store.accept(b);
      for (let i = 0; i < 5; i += 1) await store.appendReceipt(receiptDraft(a.envelope, 'fetched'));
      await store.appendReceipt({ ...receiptDraft(b.envelope, 'failed'), parties: [K01] });

      const ofH41: number[] = [];
      let after = 0;
      for (;;) {
        const page = await store.listReceipts({ organId: H41, after, limit: 4 });
        if (page.length === 0) break;
        ofH41.push(...page.map((r) => r.seq));
        after = page.at(-1)!.seq;
      }
      expect(ofH41).toEqual([1, 3, 4, 5, 6, 7]);
      expect((await store.listReceipts({ organId: M05, limit: 10 })).map((r) => r.seq)).toEqual([2]);
      expect((await store.listReceipts({ organId: K01, limit: 10 })).map((r) => r.seq)).toEqual([2, 8]);
      expect((await store.listReceipts({ documentId: b.envelope.documentId, limit: 10 })).map((r) => r.seq)).toEqual([2, 8]);
      expect((await store.listReceipts({ envelopeId: a.envelope.id, organId: G22, after: 3, limit: 2 })).map((r) => r.seq)).toEqual([4, 5]);
      expect(await store.listReceipts({ limit: 0 })).toEqual([]);
      expect((await store.chainHead())?.seq).toBe(8);
    });

    it('names receipts in chain order, each with an unguessable part', async () => {
      const a = bundle();
      await store.accept(a);
      for (let i = 0; i < 40; i += 1) await store.appendReceipt(receiptDraft(a.envelope, 'fetched'));
      const receipts = await store.listReceipts({ limit: 100 });
      const ids = receipts.map((r) => r.id);
      expect(ids).toHaveLength(41);
      for (const id of ids) expect(id).toMatch(/^rcp_[0-9a-z]{10}[0-9a-f]{20}$/);
      expect([...ids].sort()).toEqual(ids);
      expect(new Set(ids.map((id) => id.slice(14))).size).toBe(41);
    });

    it('continues one chain across a restart', async () => {
      const a = bundle();
      await store.accept(a);
      await store.appendReceipt(receiptDraft(a.envelope, 'fetched'));
      const head = await store.chainHead();
      await store.close();

      store = await harness.open(sealer);
      expect(await store.chainHead()).toEqual(head);
      expect(await store.getEnvelope(a.envelope.id)).toEqual(a.envelope);
      const next = await store.appendReceipt(receiptDraft(a.envelope, 'acknowledged'));
      expect(next).toMatchObject({ seq: 3, prevHash: head!.hash });
      const out = await store.accept(bundle());
      expect(out.outcome === 'created' && out.receipt.seq).toBe(4);
      const seqs = (await store.listDeliveries({ limit: 10 })).map((d) => d.seq);
      expect(seqs).toHaveLength(2);
      expect(seqs[1]!).toBeGreaterThan(seqs[0]!);
      await expectValidChain();
    });
  });

  describe('raw packages (blobs)', () => {
    it('keeps bytes exactly as given, under their SHA-256', async () => {
      const bytes = Buffer.concat([Buffer.from('<?xml version="1.0"?>\r\n<edXML>Văn bản</edXML>\r\n', 'utf8'), Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from([0xef, 0xbb, 0xbf])]);
      const key = createHash('sha256').update(bytes).digest('hex');
      expect(await store.blobs.has(key)).toBe(false);
      expect(await store.blobs.putBytes(bytes)).toEqual({ key, size: bytes.byteLength });
      expect(await store.blobs.putBytes(bytes)).toEqual({ key, size: bytes.byteLength });
      expect(await store.blobs.has(key)).toBe(true);
      expect(Buffer.compare(await store.blobs.read(key), bytes)).toBe(0);
      expect(await sha256Of(await store.blobs.openRead(key))).toEqual({ sha256: key, size: bytes.byteLength });
      const empty = await store.blobs.putBytes(new Uint8Array(0));
      expect((await store.blobs.read(empty.key)).byteLength).toBe(0);
      await expect(store.blobs.read('f'.repeat(64))).rejects.toMatchObject({ code: 'STORE_BLOB_NOT_FOUND' });
      await expect(store.blobs.openRead('f'.repeat(64))).rejects.toMatchObject({ code: 'STORE_BLOB_NOT_FOUND' });
      await expect(store.blobs.read('../../etc/passwd')).rejects.toMatchObject({ code: 'STORE_BAD_BLOB_KEY' });
    });

    it('takes in a large package written to its temp directory and streams it back byte-exact', async () => {
      const tempPath = path.join(store.blobs.tempDir, `upload-${randomBytes(6).toString('hex')}`);
      const out = createWriteStream(tempPath);
      const hash = createHash('sha256');
      let size = 0;
      for (let i = 0; i < 40; i += 1) {
        const chunk = randomBytes(1024 * 1024);
        hash.update(chunk);
        size += chunk.byteLength;
        if (!out.write(chunk)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'finish');
      const sha256 = hash.digest('hex');
      expect(await store.blobs.putFile(tempPath, sha256, size)).toEqual({ key: sha256, size });
      expect(await store.blobs.has(sha256)).toBe(true);
      expect(await sha256Of(await store.blobs.openRead(sha256))).toEqual({ sha256, size });
      await expect(store.blobs.putFile(tempPath, sha256, size)).rejects.toThrow();
    });

    it('removes the raw bytes on retention but keeps the envelope and its receipts', async () => {
      const bytes = Buffer.from('<edXML>to be retained</edXML>');
      const b = bundle({ bytes });
      const stored = await store.blobs.putBytes(bytes);
      expect(stored.key).toBe(b.envelope.sha256);
      await store.accept(b);
      await store.blobs.delete(stored.key);
      await store.blobs.delete(stored.key);
      expect(await store.blobs.has(stored.key)).toBe(false);
      await expect(store.blobs.read(stored.key)).rejects.toMatchObject({ code: 'STORE_BLOB_NOT_FOUND' });
      expect(await store.getEnvelope(b.envelope.id)).toEqual(b.envelope);
      expect((await store.listReceipts({ envelopeId: b.envelope.id, limit: 10 })).map((r) => r.subjectSha256)).toEqual([stored.key]);
    });
  });

  it('answers reads asked for at once, each with its own result, a failing one alone', async () => {
    await store.createAgency(agency(G22));
    const a = bundle({ from: G22, to: [H41, K01] });
    await store.accept(a);
    const [deliveries, one, receipts, agencies, missing, badBlob] = await Promise.allSettled([
      store.listDeliveries({ states: ['pending', 'available', 'dead'], limit: 10 }),
      store.getDelivery(a.deliveries[1]!.id),
      store.listReceipts({ envelopeId: a.envelope.id, limit: 10 }),
      store.listAgencies(),
      store.getEnvelope('pkg_nowhere'),
      store.blobs.read('not-a-key'),
    ]);
    expect(deliveries.status === 'fulfilled' && deliveries.value.map((d) => d.id).sort()).toEqual(a.deliveries.map((d) => d.id).sort());
    expect(one.status === 'fulfilled' && one.value?.recipientOrganId).toBe(a.deliveries[1]!.recipientOrganId);
    expect(receipts.status === 'fulfilled' && receipts.value.map((r) => r.type)).toEqual(['accepted']);
    expect(agencies.status === 'fulfilled' && agencies.value.map((x) => x.organId)).toEqual([G22]);
    expect(missing).toEqual({ status: 'fulfilled', value: undefined });
    expect(badBlob).toMatchObject({ status: 'rejected', reason: { code: 'STORE_BAD_BLOB_KEY' } });
  });

  it('answers ping while open, and "not there" for what was never stored', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
    expect(await store.chainHead()).toBeUndefined();
    expect(await store.getReceipt('rcp_nowhere')).toBeUndefined();
    expect(await store.getEnvelope('pkg_nowhere')).toBeUndefined();
    expect(await store.getDelivery('dlv_nowhere')).toBeUndefined();
    expect(await store.findEnvelopeByDedupeKey('nobody|nothing')).toBeUndefined();
    expect(await store.listEnvelopesForDocument('nothing')).toEqual([]);
    expect(await store.listDocumentStatuses('nothing')).toEqual([]);
    expect(await store.listReceipts({ limit: 10 })).toEqual([]);
    expect(await store.listAgencies()).toEqual([]);
  });

  ledgerContract({
    store: () => store,
    reopen: async () => {
      await store.close();
      store = await harness.open(sealer);
      return store;
    },
    identity: () => identity,
  });
}
