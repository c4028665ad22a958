/**
 * One document's evidence bundle (docs/evidence.md, format edx-evidence/1): the raw packages about it that the caller
 * may see, the verification reports the axis recorded, every receipt about them with its inclusion proof, the
 * checkpoints those proofs rest on with their time-stamp tokens (and a consistency proof between them), the TSA's
 * certificates from the tokens, and the certificates the package signatures were checked with. Gathered from the
 * store and zipped by src/ledger's builder, so `edx evidence verify` (or openssl, by the README inside) checks it
 * offline.
 */
import {
  buildEvidenceBundle, coveringCheckpoint, timestampTokenCertificates,
  type CheckpointRecord, type ConsistencyProof, type InclusionProof, type MerkleProver,
} from '../../ledger/index.js';
import type { ReceiptExporter } from '../../ledger/signed-receipt.js';
import type { ReceiptRecord } from '../model/index.js';
import { documentEnvelopes } from '../document-timeline.js';
import type { Clock, Store } from '../ports/index.js';

/** The certificates a package's signature was checked with, DER: its KeyInfo chain and the anchor it led to. */
export type SignerCertificates = (pkg: { bytes: Uint8Array; report: unknown }) => Promise<Uint8Array[]> | Uint8Array[];

export interface DocumentEvidence {
  fileName: string;
  bytes: Uint8Array;
  /** Receipts in the bundle, and how many of them a time-stamped checkpoint covers (the rest wait for the next one). */
  receipts: number;
  provenReceipts: number;
  /** Packages whose bytes retention removed: their receipts are in, the bytes are not. */
  packagesRemoved: number;
}

interface Deps {
  store: Store;
  exportReceipt: ReceiptExporter;
  origin: string;
  noteVerifierKey: string;
  signerCertificates?: SignerCertificates | undefined;
  clock?: Clock | undefined;
  prover: MerkleProver;
}

const PAGE = 1000;

async function receiptsOf(store: Store, query: { envelopeId?: string; documentId?: string; organId?: string }): Promise<ReceiptRecord[]> {
  const out: ReceiptRecord[] = [];
  for (let after = 0; ;) {
    const page = await store.listReceipts({ ...query, after, limit: PAGE });
    out.push(...page);
    if (page.length < PAGE) return out;
    after = page.at(-1)!.seq;
  }
}

function safeName(documentId: string): string {
  return documentId.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || 'document';
}

export async function documentEvidence(deps: Deps, input: { documentId: string; from?: string; organId?: string }): Promise<DocumentEvidence> {
  const { store } = deps;
  const viewer = input.organId;
  // One sender's document: another agency's document under the same DocumentId is another bundle.
  const { from, envelopes } = await documentEnvelopes(store, { documentId: input.documentId, from: input.from, viewer });
  const own = new Set(envelopes.map((e) => e.id));

  const scope = viewer !== undefined ? { organId: viewer } : {};
  const bySeq = new Map<number, ReceiptRecord>();
  for (const envelope of envelopes) for (const r of await receiptsOf(store, { envelopeId: envelope.id, ...scope })) bySeq.set(r.seq, r);
  // Receipts that name the DocumentId without an envelope (a refused package of it) belong to the sender's document.
  for (const r of await receiptsOf(store, { documentId: input.documentId, ...scope })) {
    if (r.envelopeId ? own.has(r.envelopeId) : r.parties.includes(from)) bySeq.set(r.seq, r);
  }
  const receipts = [...bySeq.values()].filter((r) => viewer === undefined || r.parties.includes(viewer)).sort((a, b) => a.seq - b.seq);

  // Each receipt is proven against the latest time-stamped checkpoint when it covers it (a proof that stands alone),
  // else against the latest checkpoint; a receipt newer than both waits for the next checkpoint.
  const [stamped, latest] = [await store.ledger.latestTimestampedCheckpoint(), await store.ledger.latestCheckpoint()];
  const used = new Map<number, CheckpointRecord>();
  const proven: { receipt: ReturnType<ReceiptExporter>; proof?: InclusionProof }[] = [];
  for (const receipt of receipts) {
    const checkpoint = coveringCheckpoint(receipt.seq, stamped, latest);
    if (checkpoint) used.set(checkpoint.treeSize, checkpoint);
    proven.push({ receipt: deps.exportReceipt(receipt), ...(checkpoint ? { proof: await deps.prover.inclusionProof(receipt.seq - 1, checkpoint.treeSize) } : {}) });
  }
  const checkpoints = [...used.values()].sort((a, b) => a.treeSize - b.treeSize);
  const consistencyProofs: ConsistencyProof[] = checkpoints.length === 2 ? [await deps.prover.consistencyProof(checkpoints[0]!.treeSize, checkpoints[1]!.treeSize)] : [];
  const tokens = checkpoints.flatMap((c) => (c.timestampToken ? [Buffer.from(c.timestampToken, 'base64')] : []));

  const packages: { envelopeId: string; bytes: Uint8Array; report?: unknown }[] = [];
  const signers: Uint8Array[] = [];
  let packagesRemoved = 0;
  for (const envelope of envelopes) {
    if (!(await store.blobs.has(envelope.sha256))) {
      packagesRemoved += 1;
      continue;
    }
    const bytes = await store.blobs.read(envelope.sha256);
    packages.push({ envelopeId: envelope.id, bytes, report: envelope.verification });
    if (deps.signerCertificates) signers.push(...(await deps.signerCertificates({ bytes, report: envelope.verification })));
  }

  const bytes = buildEvidenceBundle({
    documentId: input.documentId,
    origin: deps.origin,
    createdAt: (deps.clock ?? (() => new Date()))(),
    packages,
    receipts: proven,
    checkpoints: checkpoints.map((c) => ({ note: c.note, ...(c.timestampToken ? { timestampToken: Buffer.from(c.timestampToken, 'base64') } : {}) })),
    consistencyProofs,
    certificates: { tsa: tokens.flatMap((token) => timestampTokenCertificates(token)), signers },
    noteVerifierKey: deps.noteVerifierKey,
  });
  const provenReceipts = proven.filter((p) => p.proof && stamped && p.proof.treeSize === stamped.treeSize).length;
  return { fileName: `evidence-${safeName(input.documentId)}.zip`, bytes, receipts: proven.length, provenReceipts, packagesRemoved };
}
