/**
 * The receipt as handed to a caller: self-contained (the receipt plus the axis certificate chain that signed it),
 * verifiable offline with `edx receipt verify FILE --trust DIR` years later.
 */
import { AxisError } from '../errors/axis-error.js';
import type { ReceiptRecord } from './receipt.js';
import type { AxisIdentity } from './axis-identity.js';

export const SIGNED_RECEIPT_FORMAT = 'edx-receipt/1';

export interface SignedReceipt {
  format: typeof SIGNED_RECEIPT_FORMAT;
  receipt: ReceiptRecord;
  /** The signing certificate first, then its issuers: base64 DER. */
  certificateChain: string[];
}

export type ReceiptExporter = (receipt: ReceiptRecord) => SignedReceipt;

/**
 * Exports receipts signed by any of the given identities (the current one first; earlier ones after a key change
 * keep their receipts exportable). A receipt signed by an identity the axis no longer holds is an operator problem,
 * not a caller's: it fails loudly.
 */
type ExportingIdentity = Pick<AxisIdentity, 'fingerprint' | 'chainDer'>;

export function createReceiptExporter(identities: ExportingIdentity | readonly ExportingIdentity[]): ReceiptExporter {
  const list: readonly ExportingIdentity[] = Array.isArray(identities) ? identities : [identities as ExportingIdentity];
  const chains = new Map(list.map((identity) => [identity.fingerprint, identity.chainDer.map((der: Uint8Array) => Buffer.from(der).toString('base64'))]));
  return (receipt) => {
    const chain = chains.get(receipt.signerFingerprint);
    if (!chain) {
      throw new AxisError('LEDGER_SIGNER_UNKNOWN', `Receipt ${receipt.id} was signed by an axis certificate this node does not hold (${receipt.signerFingerprint}).`, { receiptId: receipt.id });
    }
    return { format: SIGNED_RECEIPT_FORMAT, receipt, certificateChain: [...chain] };
  };
}
