/**
 * The layout of an evidence bundle (format edx-evidence/1) and its index, manifest.json. The manifest maps each
 * receipt to its proof and each proof to its checkpoint; its file digests catch accidental damage, while the
 * signatures inside the files are what proves anything (the manifest itself is not signed).
 */
import { AxisError } from '../../errors/axis-error.js';

export const EVIDENCE_FORMAT = 'edx-evidence/1';
export const MANIFEST_FILE = 'manifest.json';
export const README_FILE = 'README.txt';

export interface ManifestFile {
  sha256: string;
  size: number;
}

export interface EvidenceManifest {
  format: typeof EVIDENCE_FORMAT;
  documentId: string;
  createdAt: string;
  /** The receipt log's origin: the first line of its checkpoints. */
  origin: string;
  files: Record<string, ManifestFile>;
  packages: Array<{ envelopeId: string; sha256: string; file: string; report?: string }>;
  receipts: Array<{ id: string; seq: number; type: string; file: string; proof?: string }>;
  checkpoints: Array<{ treeSize: number; file: string; timestampToken?: string }>;
  consistencyProofs: string[];
  certificates: { axis: string[]; tsa: string[]; signers: string[] };
  revocation: { crls: string[]; ocspResponses: string[] };
  /** The checkpoint's Ed25519 verifier key, for transparency-log tools. */
  noteVerifierKey?: string;
}

/** File names from ids the axis makes: anything else becomes "_", so a name can never leave its folder. */
export function safeFileName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 120) || '_';
}

export const bundlePaths = {
  package: (envelopeId: string) => `packages/${safeFileName(envelopeId)}.edxml`,
  report: (envelopeId: string) => `reports/${safeFileName(envelopeId)}.json`,
  receipt: (seq: number, id: string) => `receipts/${String(seq).padStart(8, '0')}-${safeFileName(id)}.json`,
  proof: (seq: number, id: string) => `proofs/${String(seq).padStart(8, '0')}-${safeFileName(id)}.json`,
  checkpoint: (treeSize: number) => `checkpoints/${treeSize}.txt`,
  timestampToken: (treeSize: number) => `checkpoints/${treeSize}.tst`,
  consistency: (from: number, to: number) => `checkpoints/consistency-${from}-${to}.json`,
  axisCertificate: (i: number) => `certificates/axis/${i + 1}.pem`,
  tsaCertificate: (i: number) => `certificates/tsa/${i + 1}.pem`,
  signerCertificate: (i: number) => `certificates/signers/${i + 1}.pem`,
  crl: (i: number) => `revocation/${i + 1}.crl`,
  ocsp: (i: number) => `revocation/${i + 1}.ocsp`,
  noteVerifierKey: 'keys/checkpoint-note-key.txt',
} as const;

function invalid(why: string): never {
  throw new AxisError('EVIDENCE_MANIFEST_INVALID', `The bundle's manifest.json cannot be used: ${why}.`);
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the shape, so the verifier may index it without guessing; the files it names are checked later. */
export function parseManifest(bytes: Uint8Array): EvidenceManifest {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    invalid('it is not JSON');
  }
  if (!isObject(value)) return invalid('it is not a JSON object');
  if (value['format'] !== EVIDENCE_FORMAT) invalid(`its format is not ${EVIDENCE_FORMAT}`);
  const m = value as Partial<EvidenceManifest> & Record<string, unknown>;
  if (!isString(m.documentId) || !isString(m.createdAt) || !isString(m.origin)) invalid('documentId, createdAt or origin is missing');
  if (!isObject(m.files) || !Object.values(m.files).every((f) => isObject(f) && isString(f['sha256']) && Number.isSafeInteger(f['size']))) invalid('files is not a list of digests');
  if (!Array.isArray(m.packages) || !m.packages.every((p) => isObject(p) && isString(p['envelopeId']) && isString(p['sha256']) && isString(p['file']) && (p['report'] === undefined || isString(p['report'])))) invalid('packages is malformed');
  if (!Array.isArray(m.receipts) || !m.receipts.every((r) => isObject(r) && isString(r['id']) && Number.isSafeInteger(r['seq']) && isString(r['type']) && isString(r['file']) && (r['proof'] === undefined || isString(r['proof'])))) invalid('receipts is malformed');
  if (!Array.isArray(m.checkpoints) || !m.checkpoints.every((c) => isObject(c) && Number.isSafeInteger(c['treeSize']) && isString(c['file']) && (c['timestampToken'] === undefined || isString(c['timestampToken'])))) invalid('checkpoints is malformed');
  if (!isStringList(m.consistencyProofs)) invalid('consistencyProofs is malformed');
  if (!isObject(m.certificates) || !isStringList(m.certificates['axis']) || !isStringList(m.certificates['tsa']) || !isStringList(m.certificates['signers'])) invalid('certificates is malformed');
  if (!isObject(m.revocation) || !isStringList(m.revocation['crls']) || !isStringList(m.revocation['ocspResponses'])) invalid('revocation is malformed');
  if (m.noteVerifierKey !== undefined && !isString(m.noteVerifierKey)) invalid('noteVerifierKey is malformed');
  return m as EvidenceManifest;
}
