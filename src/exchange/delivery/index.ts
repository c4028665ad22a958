/** Delivery and routing: the deliver use-case, its policy, the signed push, dead letters, sweeper and retention. */
export { deliver, RECIPIENT_SUSPENDED, type DeliverDeps, type DeliverOutcome } from './deliver.js';
export { DEFAULT_DELIVERY_POLICY, DEFAULT_ERROR_BACKOFF, deliveryPolicy, backoffDelayMs, errorBackoffDelayMs, suspendedRecheckDelayMs, nextDelayMs, parseRetryAfterMs, verdictForStatus, type DeliveryPolicy, type DeliveryPolicyOverrides, type ErrorBackoff, type AttemptVerdict } from './delivery-policy.js';
export type { PushClient, PushRequest, PushResult, NetworkFailure } from '../ports/index.js';
export { PUSH_HEADERS, PUSH_SIGNATURE_VERSION, pushSigningString, signPush, verifyPushSignature, parseSignatureHeader, type PushSignedFields, type PushSigningIdentity, type PushCheck } from './push-signature.js';
export { listDeadLetters, replayDelivery, createDeliveryAdmin, type DeadLetter, type ReplayResult } from './dead-letters.js';
export { createDeadLetterAlerter, type DeadLetterAlert, type DeadLetterAlerter } from './dead-letter-alert.js';
export { sweepStuckDeliveries, type SweepResult } from './sweep-stuck.js';
export { applyPackageRetention, type RetentionPolicy, type RetentionRun } from './package-retention.js';
export { SILENT_LOGGER, SILENT_OBSERVER, type DeliveryObserver, type DeliveryLogger, type DeliveryOutcomeKind, type DeliveryModeLabel } from './delivery-observer.js';
