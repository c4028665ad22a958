/** The exchange's model: the records every part speaks (adapters, use-cases, API, CLI) and the rules over them. */
export { DEFAULT_SIGNATURE_POLICY, SIGNATURE_POLICIES, type AgencyCredential, type AgencyRecord, type AgencyState, type DeliveryMode, type SignaturePolicyName } from './agency.js';
export type { ConnectedSystemRecord, ConnectedSystemState } from './connected-system.js';
export { DELIVERY_STATES, DELIVERY_STATE_WORDS, revisionOf, type DeliveryRecord, type DeliveryState } from './delivery.js';
export { DELIVERY_STEPS, INBOX_STATES, OPEN_STATES, RECEIVED_STATES, canTake, type DeliveryStep } from './delivery-steps.js';
export type { DocumentStatusRecord, StatusCode } from './document-status.js';
export { documentIdClash, isNewDocument, type BusinessType, type EnvelopeKind, type EnvelopeRecord } from './envelope.js';
export { WITHHOLD_ON_REVOCATION, isTakenBackWith, revokedMarks } from './revocation.js';
export * from './status-machine.js';
export { RECEIPT_TYPES, type ChainPosition, type ReceiptDraft, type ReceiptRecord, type ReceiptSealer, type ReceiptType } from '../../ledger/receipt.js';
