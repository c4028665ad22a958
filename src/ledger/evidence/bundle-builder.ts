/**
 * Builds an evidence bundle (docs/evidence.md): the raw packages, their verification reports, every receipt about the
 * document with its inclusion proof, the checkpoints with their time-stamp tokens, and the certificates and CRL/OCSP
 * answers used, as one zip with manifest.json and a bilingual README.txt. Pure: bytes in, bytes out; the caller
 * (HTTP endpoint, CLI) gathers the pieces from the store.
 */
import { createHash } from 'node:crypto';
import { zipSync, type Zippable } from 'fflate';
import { AxisError } from '../../errors/axis-error.js';
import { parseCheckpointBody } from '../checkpoint/checkpoint-body.js';
import { parseSignedNote } from '../checkpoint/signed-note.js';
import { receiptLeafHash } from '../log/merkle-hash.js';
import type { ConsistencyProof, InclusionProof } from '../log/merkle-prover.js';
import { consistencyProofToJson, inclusionProofToJson } from '../log/proof-json.js';
import type { SignedReceipt } from '../signed-receipt.js';
import { bundlePaths, EVIDENCE_FORMAT, MANIFEST_FILE, README_FILE, type EvidenceManifest } from './bundle-manifest.js';
import { evidenceReadme } from './bundle-readme.js';

export interface EvidenceBundleInput {
  documentId: string;
  /** The receipt log's origin (the checkpoints' first line). */
  origin: string;
  createdAt?: Date;
  packages: ReadonlyArray<{ envelopeId: string; bytes: Uint8Array; report?: unknown }>;
  /** Each receipt with its inclusion proof in one of `checkpoints` (none yet when no checkpoint covers it). */
  receipts: ReadonlyArray<{ receipt: SignedReceipt; proof?: InclusionProof }>;
  checkpoints: ReadonlyArray<{ note: string; timestampToken?: Uint8Array }>;
  consistencyProofs?: readonly ConsistencyProof[];
  /** Axis certificates besides those the receipts carry; the TSA's chain; the package signers'. DER. */
  certificates?: { axis?: readonly Uint8Array[]; tsa?: readonly Uint8Array[]; signers?: readonly Uint8Array[] };
  /** CRLs and OCSP responses (DER) used when the package signatures were checked. */
  revocation?: { crls?: readonly Uint8Array[]; ocspResponses?: readonly Uint8Array[] };
  /** The checkpoint's Ed25519 verifier key (CheckpointSigner.noteKey.verifierKey). */
  noteVerifierKey?: string;
}

function pem(der: Uint8Array): string {
  return `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
}

function json(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
}

function invalid(message: string): never {
  throw new AxisError('EVIDENCE_INPUT_INVALID', message);
}

function unique(ders: Iterable<Uint8Array>): Buffer[] {
  const seen = new Map<string, Buffer>();
  for (const der of ders) seen.set(createHash('sha256').update(der).digest('hex'), Buffer.from(der));
  return [...seen.values()];
}

export function buildEvidenceBundle(input: EvidenceBundleInput): Uint8Array {
  const createdAt = input.createdAt ?? new Date();
  const files = new Map<string, Buffer>();
  const add = (path: string, bytes: Buffer) => {
    if (files.has(path)) invalid(`Two parts of the bundle would both be ${path}.`);
    files.set(path, bytes);
  };
  const manifest: EvidenceManifest = {
    format: EVIDENCE_FORMAT, documentId: input.documentId, createdAt: createdAt.toISOString(), origin: input.origin, files: {},
    packages: [], receipts: [], checkpoints: [], consistencyProofs: [],
    certificates: { axis: [], tsa: [], signers: [] }, revocation: { crls: [], ocspResponses: [] },
  };

  const checkpointFiles = new Map<number, string>();
  for (const { note, timestampToken } of input.checkpoints) {
    const { treeSize, origin } = parseCheckpointBody(parseSignedNote(note).text);
    if (origin !== input.origin) invalid(`A checkpoint of the log "${origin}" cannot go into a bundle of "${input.origin}".`);
    const file = bundlePaths.checkpoint(treeSize);
    add(file, Buffer.from(note, 'utf8'));
    checkpointFiles.set(treeSize, file);
    const entry: EvidenceManifest['checkpoints'][number] = { treeSize, file };
    if (timestampToken) add((entry.timestampToken = bundlePaths.timestampToken(treeSize)), Buffer.from(timestampToken));
    manifest.checkpoints.push(entry);
  }
  for (const proof of input.consistencyProofs ?? []) {
    if (!checkpointFiles.has(proof.fromSize) || !checkpointFiles.has(proof.toSize)) invalid(`A consistency proof from ${proof.fromSize} to ${proof.toSize} needs both checkpoints in the bundle.`);
    const file = bundlePaths.consistency(proof.fromSize, proof.toSize);
    add(file, json(consistencyProofToJson(proof)));
    manifest.consistencyProofs.push(file);
  }
  for (const { receipt: signed, proof } of input.receipts) {
    const { receipt } = signed;
    const file = bundlePaths.receipt(receipt.seq, receipt.id);
    add(file, json(signed));
    const entry: EvidenceManifest['receipts'][number] = { id: receipt.id, seq: receipt.seq, type: receipt.type, file };
    if (proof) {
      const checkpoint = checkpointFiles.get(proof.treeSize) ?? invalid(`The proof of receipt ${receipt.id} is against a tree of ${proof.treeSize} receipts, whose checkpoint is not in the bundle.`);
      if (proof.leafIndex !== receipt.seq - 1) invalid(`The proof given for receipt ${receipt.id} (#${receipt.seq}) is for leaf ${proof.leafIndex}.`);
      entry.proof = bundlePaths.proof(receipt.seq, receipt.id);
      add(entry.proof, json({ receiptId: receipt.id, seq: receipt.seq, leafHash: receiptLeafHash(receipt.hash).toString('base64'), ...inclusionProofToJson(proof), checkpoint }));
    }
    manifest.receipts.push(entry);
  }
  for (const pkg of input.packages) {
    const entry: EvidenceManifest['packages'][number] = { envelopeId: pkg.envelopeId, sha256: createHash('sha256').update(pkg.bytes).digest('hex'), file: bundlePaths.package(pkg.envelopeId) };
    add(entry.file, Buffer.from(pkg.bytes));
    if (pkg.report !== undefined) add((entry.report = bundlePaths.report(pkg.envelopeId)), json(pkg.report));
    manifest.packages.push(entry);
  }
  const axis = unique([...input.receipts.flatMap((r) => r.receipt.certificateChain.map((b64) => Buffer.from(b64, 'base64'))), ...(input.certificates?.axis ?? [])]);
  axis.forEach((der, i) => add(manifest.certificates.axis[i] = bundlePaths.axisCertificate(i), Buffer.from(pem(der))));
  unique(input.certificates?.tsa ?? []).forEach((der, i) => add(manifest.certificates.tsa[i] = bundlePaths.tsaCertificate(i), Buffer.from(pem(der))));
  unique(input.certificates?.signers ?? []).forEach((der, i) => add(manifest.certificates.signers[i] = bundlePaths.signerCertificate(i), Buffer.from(pem(der))));
  (input.revocation?.crls ?? []).forEach((der, i) => add(manifest.revocation.crls[i] = bundlePaths.crl(i), Buffer.from(der)));
  (input.revocation?.ocspResponses ?? []).forEach((der, i) => add(manifest.revocation.ocspResponses[i] = bundlePaths.ocsp(i), Buffer.from(der)));
  if (input.noteVerifierKey) {
    add(bundlePaths.noteVerifierKey, Buffer.from(`${input.noteVerifierKey}\n`, 'utf8'));
    manifest.noteVerifierKey = bundlePaths.noteVerifierKey;
  }

  for (const [path, bytes] of files) manifest.files[path] = { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
  const zippable: Zippable = {};
  zippable[README_FILE] = Buffer.from(evidenceReadme(manifest), 'utf8');
  zippable[MANIFEST_FILE] = json(manifest);
  for (const [path, bytes] of [...files].sort(([a], [b]) => a.localeCompare(b))) zippable[path] = bytes;
  // A fixed time in the entries: the same pieces give the same bytes.
  return zipSync(zippable, { level: 6, mtime: createdAt });
}
