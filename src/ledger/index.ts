/** The receipt ledger: the axis identity, sealing receipts into one signed hash chain, and verifying them offline. */
export { loadAxisIdentity, makeAxisIdentity, certificateFingerprint, type AxisIdentity, type LoadAxisIdentityOptions } from './axis-identity.js';
export { axisDir, devTrustDir } from './dev-axis-pki.js';
export { readPkcs12 } from './pkcs12.js';
export { createReceiptSealer, signReceiptHash } from './receipt-sealer.js';
export { receiptHash, GENESIS_PREV_HASH } from './receipt-hash.js';
export { canonicalJson } from './canonical-json.js';
export { createReceiptExporter, SIGNED_RECEIPT_FORMAT, type SignedReceipt, type ReceiptExporter } from './signed-receipt.js';
export { verifyReceipt, verifyReceiptChain, isSignedReceipt, isReceiptRecord, type ReceiptVerification, type ChainVerification, type ReceiptCheckCode } from './receipt-verifier.js';
export { loadTrustAnchors } from './trust-anchors.js';
export { identityHistoryDir, recordAxisIdentity, readAxisIdentityHistory, type PublicAxisIdentity } from './identity-history.js';
export { describeAxisCertificates, type AxisCertificates, type AxisCertificateView } from './axis-certificates.js';

/** The transparency log over the receipt chain (RFC 9162): tree, proofs and their verification. */
export { leafHash, nodeHash, receiptLeafHash, emptyRoot } from './log/merkle-hash.js';
export { createMemoryLeafSource, receiptLeafSource, type LeafSource, type ReceiptHashSource, type MemoryLeafSource } from './log/leaf-source.js';
export { MerkleFrontier, type FrontierState } from './log/merkle-frontier.js';
export { createMemorySubtreeCache, type SubtreeCache } from './log/subtree-cache.js';
export { createMerkleProver, type MerkleProver, type InclusionProof, type ConsistencyProof } from './log/merkle-prover.js';
export { verifyInclusion, verifyConsistency } from './log/merkle-verify.js';
export { inclusionProofToJson, inclusionProofFromJson, consistencyProofToJson, consistencyProofFromJson, type InclusionProofJson, type ConsistencyProofJson } from './log/proof-json.js';

/** Checkpoints: C2SP signed notes, signed, stored, served, audited. */
export { parseSignedNote, formatSignedNote, noteKeyId, type SignedNote, type NoteSignature } from './checkpoint/signed-note.js';
export { deriveNoteKey, noteKeyFromSeed, parseNoteVerifierKey, type NoteKey, type NoteVerifier } from './checkpoint/note-key.js';
export { formatCheckpointBody, parseCheckpointBody, type Checkpoint } from './checkpoint/checkpoint-body.js';
export { createCheckpointSigner, type CheckpointSigner, type SignedCheckpoint, type CheckpointSignerOptions } from './checkpoint/checkpoint-signer.js';
export { verifyCheckpoint, type CheckpointTrust, type VerifiedCheckpoint } from './checkpoint/checkpoint-verifier.js';
export { createMemoryCheckpointStore, type CheckpointStore, type CheckpointRecord } from './checkpoint/checkpoint-store.js';
export { createLedgerCheckpointer, type LedgerCheckpointer, type LedgerCheckpointerOptions, type CheckpointRun } from './checkpoint/ledger-checkpointer.js';
export { coveringCheckpoint, createLedgerProofs, type LedgerProofs, type CheckpointView, type ReceiptProofView } from './checkpoint/ledger-proofs.js';
export { verifyProvenReceipt, type ProvenReceiptTrust, type ProvenReceiptVerification } from './checkpoint/proven-receipt.js';
export { auditLedger, type LedgerAudit, type LedgerAuditFailure, type LedgerAuditOptions } from './checkpoint/ledger-audit.js';
export { checkpointBatches, receiptBatches, type LedgerStore } from './ledger-store.js';

/** RFC 3161 time-stamps of checkpoints. */
export { createTsaClient, readTimestampResponse, type TimestampAuthority, type Timestamp, type TsaClientOptions } from './timestamp/tsa-client.js';
export { verifyTimestampToken, timestampTokenCertificates, type TimestampCheck, type VerifiedTimestamp } from './timestamp/timestamp-token.js';
export { buildTimestampRequest } from './timestamp/timestamp-request.js';
export { evidenceHealth, type EvidenceHealth, type EvidenceHealthInput } from './timestamp/evidence-health.js';
export { createEvidenceMonitor, type EvidenceMonitor, type EvidenceMonitorOptions, type EvidenceStatus } from './timestamp/evidence-monitor.js';
export { loadOrCreateDevTsa, type DevTsa } from './timestamp/dev-tsa.js';

/** Evidence bundles. */
export { buildEvidenceBundle, type EvidenceBundleInput } from './evidence/bundle-builder.js';
export { verifyEvidenceBundle, type EvidenceTrust } from './evidence/bundle-verifier.js';
export { EVIDENCE_FORMAT, type EvidenceManifest } from './evidence/bundle-manifest.js';
export type { EvidenceVerdict, EvidenceResult, PartVerdict, PartStatus } from './evidence/evidence-verdict.js';
export { cannotCheck } from './evidence/evidence-verdict.js';
export { DEFAULT_ZIP_LIMITS, type ZipLimits } from './evidence/zip-reader.js';
