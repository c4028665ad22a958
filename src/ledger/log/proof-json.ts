/**
 * Proofs as JSON, the form the API and evidence bundles carry: sizes as numbers, hashes as standard base64 (RFC 4648
 * §4) like the root hash of a checkpoint. Parsing is strict: a malformed proof is named, never half-read.
 */
import { AxisError } from '../../errors/axis-error.js';
import { HASH_SIZE } from './merkle-hash.js';
import type { ConsistencyProof, InclusionProof } from './merkle-prover.js';

export interface InclusionProofJson {
  leafIndex: number;
  treeSize: number;
  auditPath: string[];
}

export interface ConsistencyProofJson {
  fromSize: number;
  toSize: number;
  path: string[];
}

/** A proof has at most one hash per level of a tree of 2^53 leaves, and then one more. */
const MAX_PATH = 64;
const BASE64_HASH = /^[A-Za-z0-9+/]{43}=$/;

function malformed(what: string): never {
  throw new AxisError('LEDGER_PROOF_MALFORMED', `The proof cannot be read: ${what}.`);
}

export function hashFromBase64(text: unknown, what = 'a hash'): Buffer {
  if (typeof text !== 'string' || !BASE64_HASH.test(text)) malformed(`${what} is not 32 bytes in base64`);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== HASH_SIZE) malformed(`${what} is not 32 bytes in base64`);
  return bytes;
}

function size(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) malformed(`${what} is not a whole number`);
  return value;
}

function hashes(value: unknown, what: string): Buffer[] {
  if (!Array.isArray(value) || value.length > MAX_PATH) malformed(`${what} is not a list of at most ${MAX_PATH} hashes`);
  return value.map((h, i) => hashFromBase64(h, `${what}[${i}]`));
}

function record(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) malformed('it is not a JSON object');
  return value as Record<string, unknown>;
}

export function inclusionProofToJson(proof: InclusionProof): InclusionProofJson {
  return { leafIndex: proof.leafIndex, treeSize: proof.treeSize, auditPath: proof.auditPath.map((h) => h.toString('base64')) };
}

export function inclusionProofFromJson(value: unknown): InclusionProof {
  const o = record(value);
  return { leafIndex: size(o['leafIndex'], 'leafIndex'), treeSize: size(o['treeSize'], 'treeSize'), auditPath: hashes(o['auditPath'], 'auditPath') };
}

export function consistencyProofToJson(proof: ConsistencyProof): ConsistencyProofJson {
  return { fromSize: proof.fromSize, toSize: proof.toSize, path: proof.path.map((h) => h.toString('base64')) };
}

export function consistencyProofFromJson(value: unknown): ConsistencyProof {
  const o = record(value);
  return { fromSize: size(o['fromSize'], 'fromSize'), toSize: size(o['toSize'], 'toSize'), path: hashes(o['path'], 'path') };
}
