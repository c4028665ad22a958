/**
 * A small in-memory Store for the delivery tests that run in one process (the multi-process kill tests need the
 * embedded store). Compare-and-set and the receipt chain behave like the real adapters: that is what the delivery
 * rules rely on.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { AcceptBundle, AcceptOutcome, BlobStore, DeliveryQuery, DeliveryTransition, ReceiptQuery, Store } from '../../src/store/ports.js';
import type { AgencyRecord, DeliveryRecord, DeliveryState, DocumentStatusRecord, EnvelopeRecord, ReceiptDraft, ReceiptRecord, ReceiptSealer } from '../../src/store/records.js';
import { DELIVERY_STATES } from '../../src/store/records.js';

function memoryBlobs(): BlobStore {
  const blobs = new Map<string, Buffer>();
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  return {
    tempDir: mkdtempSync(path.join(tmpdir(), 'edx-memblobs-')),
    async putFile(tempPath, sha256, size) {
      const bytes = await readFile(tempPath);
      blobs.set(sha256, bytes);
      await rm(tempPath, { force: true });
      return { key: sha256, size };
    },
    async putBytes(bytes) {
      const key = sha(bytes);
      blobs.set(key, Buffer.from(bytes));
      return { key, size: bytes.byteLength };
    },
    async has(key) { return blobs.has(key); },
    async read(key) {
      const b = blobs.get(key);
      if (!b) throw new Error(`no blob ${key}`);
      return b;
    },
    async openRead(key) { return Readable.from([await this.read(key)]); },
    async delete(key) { blobs.delete(key); },
  };
}

const clone = <T>(v: T): T => structuredClone(v);

export function createMemoryStore(sealer: ReceiptSealer): Store {
  const agencies = new Map<string, AgencyRecord>();
  const envelopes = new Map<string, EnvelopeRecord>();
  const deliveries = new Map<string, DeliveryRecord>();
  const statuses = new Map<string, DocumentStatusRecord>();
  const receipts: ReceiptRecord[] = [];
  let deliverySeq = 0;

  const append = (draft: ReceiptDraft): ReceiptRecord => {
    const prev = receipts[receipts.length - 1];
    const sealed = sealer(clone(draft), { seq: receipts.length + 1, prevHash: prev?.hash ?? '0'.repeat(64), id: `rcp_${randomUUID()}` });
    receipts.push(sealed);
    return clone(sealed);
  };

  return {
    blobs: memoryBlobs(),
    async createAgency(a) { agencies.set(a.organId, clone(a)); },
    async getAgency(id) { const a = agencies.get(id); return a ? clone(a) : undefined; },
    async listAgencies() { return [...agencies.values()].map(clone); },
    async updateAgency(a) { agencies.set(a.organId, clone(a)); },
    async accept(bundle: AcceptBundle): Promise<AcceptOutcome> {
      const existing = [...envelopes.values()].find((e) => e.dedupeKey === bundle.envelope.dedupeKey);
      if (existing) return { outcome: 'duplicate', envelope: clone(existing), receipt: clone(receipts.find((r) => r.envelopeId === existing.id && r.type === 'accepted') as ReceiptRecord) };
      envelopes.set(bundle.envelope.id, clone(bundle.envelope));
      const created = bundle.deliveries.map((d) => {
        const record = { ...clone(d), seq: ++deliverySeq } as DeliveryRecord;
        deliveries.set(record.id, record);
        return clone(record);
      });
      const receipt = append(bundle.receipt);
      return { outcome: 'created', envelope: clone(bundle.envelope), deliveries: created, receipt };
    },
    async getEnvelope(id) { const e = envelopes.get(id); return e ? clone(e) : undefined; },
    async findEnvelopeByDedupeKey(k) { const e = [...envelopes.values()].find((x) => x.dedupeKey === k); return e ? clone(e) : undefined; },
    async listEnvelopesForDocument(documentId) { return [...envelopes.values()].filter((e) => e.documentId === documentId || e.refersToDocumentId === documentId).map(clone); },
    async findDocuments(from, documentId) { return [...envelopes.values()].filter((e) => e.kind === 'edoc' && e.fromOrganId === from && e.documentId === documentId).map(clone); },
    async getDelivery(id) { const d = deliveries.get(id); return d ? clone(d) : undefined; },
    async listDeliveries(q: DeliveryQuery) {
      return [...deliveries.values()]
        .filter((d) => (!q.recipientOrganId || d.recipientOrganId === q.recipientOrganId) && (!q.states || q.states.includes(d.state)) && d.seq > (q.after ?? 0))
        .sort((a, b) => a.seq - b.seq).slice(0, q.limit).map(clone);
    },
    async listDeliveriesForEnvelope(envelopeId) { return [...deliveries.values()].filter((d) => d.envelopeId === envelopeId).map(clone); },
    async transitionDelivery(id, t: DeliveryTransition) {
      const d = deliveries.get(id);
      if (!d || !t.from.includes(d.state)) return undefined;
      const next = { ...d, ...t.patch } as DeliveryRecord;
      for (const key of Object.keys(t.patch) as (keyof DeliveryRecord)[]) if (t.patch[key as keyof typeof t.patch] === undefined) delete next[key];
      deliveries.set(id, next);
      const receipt = t.receipt ? append(t.receipt) : undefined;
      return { delivery: clone(next), ...(receipt ? { receipt } : {}) };
    },
    async countDeliveriesByState() {
      const counts = Object.fromEntries(DELIVERY_STATES.map((s) => [s, 0])) as Record<DeliveryState, number>;
      for (const d of deliveries.values()) counts[d.state] += 1;
      return counts;
    },
    async getDocumentStatus(doc, s, r) { return statuses.get(`${doc}|${s}|${r}`); },
    async listDocumentStatuses(doc) { return [...statuses.values()].filter((x) => x.documentId === doc); },
    async appendReceipt(draft) { return append(draft); },
    async getReceipt(id) { const r = receipts.find((x) => x.id === id); return r ? clone(r) : undefined; },
    async listReceipts(q: ReceiptQuery) {
      return receipts.filter((r) => r.seq > (q.after ?? 0) && (!q.organId || r.parties.includes(q.organId)) && (!q.envelopeId || r.envelopeId === q.envelopeId) && (!q.documentId || r.documentId === q.documentId))
        .slice(0, q.limit).map(clone);
    },
    async chainHead() { const r = receipts[receipts.length - 1]; return r ? clone(r) : undefined; },
    async ping() {},
    async close() {},
  };
}
