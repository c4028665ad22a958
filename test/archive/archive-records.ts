/**
 * Records written straight into a real store at chosen instants, as the exchange writes them: what a report over
 * a past month needs (documents, deliveries in given states, status packages moving the document status, refusals).
 */
import { createReceiptSealer, loadAxisIdentity } from '../../src/ledger/index.js';
import { openStore } from '../../src/store/open-store.js';
import type { AcceptBundle, Store } from '../../src/exchange/ports/index.js';
import type { DeliveryRecord, EnvelopeRecord, StatusCode } from '../../src/exchange/model/index.js';
import { bundle, receiptDraft, type PackageSpec } from '../store/records.js';

export async function openArchiveStore(dataDir: string): Promise<Store> {
  const identity = await loadAxisIdentity({ dataDir });
  return openStore({ dataDir, sealer: createReceiptSealer(identity) });
}

/** Vietnam's wall-clock time as an ISO instant: `2026-03-02 09:00` -> 2026-03-02T02:00:00.000Z. */
export const vnIso = (local: string): string => new Date(`${local.replace(' ', 'T')}:00+07:00`).toISOString();

export interface DocumentSpec extends PackageSpec {
  at: string;
  priority?: number;
  /** Recipient -> how its delivery stands. */
  deliveries?: Record<string, Partial<Pick<DeliveryRecord, 'state' | 'attempts' | 'deliveredAt' | 'fetchedAt'>>>;
}

export async function documentAt(store: Store, spec: DocumentSpec, change?: (b: AcceptBundle) => void): Promise<EnvelopeRecord> {
  const b = bundle(spec);
  b.envelope.acceptedAt = spec.at;
  b.receipt.at = spec.at;
  if (spec.priority !== undefined) b.envelope.priority = spec.priority;
  for (const d of b.deliveries) Object.assign(d, { createdAt: spec.at, updatedAt: spec.at }, spec.deliveries?.[d.recipientOrganId] ?? {});
  change?.(b);
  const out = await store.accept(b);
  if (out.outcome !== 'created') throw new Error(`not created: ${out.outcome}`);
  return out.envelope;
}

/** A recipient's status package about a document, moving the document's status from `expected`. */
export async function statusAt(store: Store, at: string, recipient: string, about: EnvelopeRecord, code: StatusCode, expected: StatusCode | undefined): Promise<EnvelopeRecord> {
  return documentAt(store, { at, from: recipient, to: [about.fromOrganId], kind: 'status', statusCode: code, refersToDocumentId: about.documentId }, (b) => {
    b.statusTransition = { documentId: about.documentId, senderOrganId: about.fromOrganId, recipientOrganId: recipient, expected, next: code };
  });
}

/** The `rejected` receipt of a package refused from `caller` with `code`. */
export async function refusalAt(store: Store, at: string, caller: string, code: string): Promise<void> {
  const b = bundle({ from: caller });
  await store.appendReceipt({ ...receiptDraft(b.envelope, 'rejected'), envelopeId: undefined, documentId: undefined, parties: [caller], at, detail: { code } });
}
