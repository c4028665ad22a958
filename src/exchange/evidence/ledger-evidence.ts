/**
 * What the receipt log serves (docs/evidence.md, docs/api.md "The receipt log"): the latest checkpoint with its
 * time-stamp, one receipt's inclusion proof (for a party of the receipt or an archivist), a consistency proof between
 * two checkpoints, and a document's evidence bundle. All of it read from the store's log (store.ledger), so any
 * gateway process serves what the maintenance worker made, warm from the persistent subtree cache. It also checks a
 * bundle someone brings back (the web UI's upload), with the same verifier `edx evidence verify` runs offline.
 */
import { AxisError } from '../../errors/axis-error.js';
import {
  cannotCheck, createLedgerProofs, createMerkleProver, receiptLeafSource, verifyEvidenceBundle,
  type CheckpointView, type ConsistencyProofJson, type EvidenceTrust, type EvidenceVerdict, type MerkleProver, type ReceiptProofView,
  type SignedReceipt,
} from '../../ledger/index.js';
import type { ReceiptExporter } from '../../ledger/signed-receipt.js';
import { notFound } from '../exchange-error.js';
import type { Clock, Store } from '../ports/index.js';
import { documentEvidence, type DocumentEvidence, type SignerCertificates } from './document-evidence.js';

export interface LedgerEvidenceDeps {
  store: Store;
  exportReceipt: ReceiptExporter;
  /** LEDGER_ORIGIN: the log's name, the first line of its checkpoints. */
  origin: string;
  /** The checkpoints' Ed25519 verifier key (CheckpointSigner.noteKey.verifierKey), published with every checkpoint. */
  noteVerifierKey: string;
  /** The certificates a package's signature was checked with (its KeyInfo chain up to the axis's trust anchor). */
  signerCertificates?: SignerCertificates;
  /**
   * What a bundle brought back is checked against: the roots of every axis identity and of the TSA, and the note
   * verifier key, read afresh for each check (never anything the bundle says about itself).
   */
  bundleTrust: () => Promise<EvidenceTrust>;
  clock?: Clock;
}

export interface LatestCheckpoint extends CheckpointView {
  origin: string;
  noteVerifierKey: string;
}

export interface ReceiptProof extends ReceiptProofView {
  receiptId: string;
  seq: number;
  /** The receipt itself, signed: with the proof, all `edx receipt verify --proofs` needs. */
  receipt: SignedReceipt;
}

/** A receipt a checkpoint does not cover yet: the signed receipt alone (the next checkpoint will cover it). */
export interface UnprovenReceipt {
  receiptId: string;
  seq: number;
  receipt: SignedReceipt;
}

/** The largest page of receipts with their proofs (each proof is a walk of the tree). */
export const PROVEN_RECEIPTS_PAGE_MAX = 200;

export interface LedgerEvidence {
  /** LEDGER_NO_CHECKPOINT until the first checkpoint is made. */
  latestCheckpoint(): Promise<LatestCheckpoint>;
  /** organId: the caller must be a party of the receipt (else EXCHANGE_NOT_FOUND); absent: an archivist. */
  receiptProof(input: { receiptId: string; organId?: string }): Promise<ReceiptProof>;
  consistencyProof(fromSize: number, toSize: number): Promise<ConsistencyProofJson & { from: CheckpointView; to: CheckpointView }>;
  /**
   * A page of the receipts a caller is party to (organId; absent: an archivist, every receipt), in chain order, each
   * with its inclusion proof when a checkpoint covers it: what `edx receipt verify` checks as a set, offline.
   */
  provenReceipts(input: { organId?: string; after?: number; limit: number }): Promise<{ items: (ReceiptProof | UnprovenReceipt)[]; nextCursor?: string }>;
  /**
   * The zip of everything about one document the caller may see (organId: a party; absent: an archivist). from: its
   * sender; absent: the one sender the caller can see, else EXCHANGE_REFERENCE_AMBIGUOUS.
   */
  documentEvidence(input: { documentId: string; from?: string; organId?: string }): Promise<DocumentEvidence>;
  /** A bundle's verdict (valid, altered naming the part, could not check); never throws for a bad bundle. */
  verifyBundle(zip: Uint8Array): Promise<EvidenceVerdict>;
}

export function createLedgerEvidence(deps: LedgerEvidenceDeps): LedgerEvidence {
  const { store } = deps;
  const leaves = receiptLeafSource(store.ledger);
  const proofs = createLedgerProofs({ leaves, checkpoints: store.ledger, cache: store.ledger.subtrees });
  const prover: MerkleProver = createMerkleProver({ leaves, cache: store.ledger.subtrees });
  return {
    async latestCheckpoint() {
      const latest = await proofs.latestCheckpoint();
      if (!latest) throw new AxisError('LEDGER_NO_CHECKPOINT', 'The receipt log has no checkpoint yet: the maintenance worker makes the first one after the first receipt.');
      return { ...latest, origin: deps.origin, noteVerifierKey: deps.noteVerifierKey };
    },
    async receiptProof({ receiptId, organId }) {
      const receipt = await store.getReceipt(receiptId);
      // A receipt the caller is not party to is answered like one that does not exist.
      if (!receipt || (organId !== undefined && !receipt.parties.includes(organId))) throw notFound('receipt');
      return { receiptId: receipt.id, seq: receipt.seq, ...(await proofs.receiptProof(receipt.seq)), receipt: deps.exportReceipt(receipt) };
    },
    consistencyProof: (fromSize, toSize) => proofs.consistencyProof(fromSize, toSize),
    async provenReceipts({ organId, after, limit }) {
      const page = Math.max(1, Math.min(PROVEN_RECEIPTS_PAGE_MAX, Math.floor(limit)));
      const receipts = await store.listReceipts({ ...(organId !== undefined ? { organId } : {}), ...(after !== undefined ? { after } : {}), limit: page });
      // One read of the checkpoints for the page; a receipt newer than them is handed out alone.
      const found = await proofs.receiptProofs(receipts.map((r) => r.seq));
      const items = receipts.map((receipt, i): ReceiptProof | UnprovenReceipt => {
        const signed = { receiptId: receipt.id, seq: receipt.seq, receipt: deps.exportReceipt(receipt) };
        const proof = found[i];
        return proof ? { ...signed, ...proof } : signed;
      });
      const last = receipts.at(-1);
      return receipts.length === page && last ? { items, nextCursor: String(last.seq) } : { items };
    },
    documentEvidence: (input) => documentEvidence({ ...deps, prover }, input),
    async verifyBundle(zip) {
      let trust: EvidenceTrust;
      try {
        trust = await deps.bundleTrust();
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        return cannotCheck('bundle', 'EVIDENCE_TRUST_UNREADABLE', `The axis cannot read the trust anchors to check against (${why}): tell the operators.`);
      }
      return verifyEvidenceBundle(zip, trust);
    },
  };
}
