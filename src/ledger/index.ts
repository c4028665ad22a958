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
