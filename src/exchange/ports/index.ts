/**
 * The ports the exchange needs, owned by the exchange: adapters (src/store, src/queue, src/push) implement them and
 * depend on the domain, never the other way round.
 */
export type { AcceptBundle, AcceptOutcome, BlobStore, DeliveryChange, DeliveryPatch, DeliveryQuery, ReceiptQuery, SentEnvelopeQuery, Store, StoredBlob } from './store.js';
export type { DeliveryQueue, QueueDepth } from './delivery-queue.js';
export type { AcceptedEnvelopeQuery, ArchiveQueries, EnvelopePage, EnvelopePosition, ReceiptSearch } from './archive-queries.js';
export type { GateDecision, RecipientGate, RecipientLimits } from './recipient-gate.js';
export type { NetworkFailure, PushClient, PushRequest, PushResult } from './push-client.js';
export { systemClock, type Clock } from './clock.js';
export type { InspectedPackage, InspectOptions, PackageInspector } from './package-inspector.js';
export { EVIDENCE_UNAVAILABLE, type EvidenceGate, type EvidenceRefusal } from './evidence-gate.js';
