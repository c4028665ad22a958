/**
 * The checkpoints of a bundle: each one's time-stamp token over its body (against the TSA anchors), its signatures
 * (against the axis anchors, judged at the time the token vouches for), and the consistency proofs between them.
 */
import type { X509Certificate } from 'node:crypto';
import { isAxisError } from '../../errors/axis-error.js';
import { verifyCheckpoint } from '../checkpoint/checkpoint-verifier.js';
import { parseSignedNote } from '../checkpoint/signed-note.js';
import { verifyConsistency } from '../log/merkle-verify.js';
import { consistencyProofFromJson } from '../log/proof-json.js';
import { verifyTimestampToken } from '../timestamp/timestamp-token.js';
import type { EvidenceManifest } from './bundle-manifest.js';
import { part, validPart, type PartVerdict } from './evidence-verdict.js';
import { vietnamTime } from './vietnam-time.js';

export interface CheckedCheckpoint {
  treeSize: number;
  rootHash: Buffer;
  file: string;
  /** Signed by a trusted axis key. */
  verified: boolean;
  /** The time the TSA vouches for, when its token verified. */
  genTime?: Date;
}

export interface CheckpointContext {
  files: ReadonlyMap<string, Buffer>;
  manifest: EvidenceManifest;
  axisCertificates: readonly X509Certificate[];
  trustAnchors: readonly (X509Certificate | Uint8Array)[];
  tsaTrustAnchors: readonly (X509Certificate | Uint8Array)[];
  tsaCertificates: readonly X509Certificate[];
  noteVerifierKeys: readonly string[];
  origin: string;
}

function failure(kind: 'checkpoint' | 'timestamp' | 'consistency', path: string, error: unknown): PartVerdict {
  if (isAxisError(error)) return part(kind, path, error.code, error.message);
  return part(kind, path, kind === 'timestamp' ? 'LEDGER_TSA_TOKEN_MALFORMED' : 'LEDGER_CHECKPOINT_MALFORMED', `The ${kind} cannot be read.`);
}

async function checkTimestamp(ctx: CheckpointContext, entry: EvidenceManifest['checkpoints'][number], body: string, parts: PartVerdict[]): Promise<Date | undefined> {
  const token = entry.timestampToken ? ctx.files.get(entry.timestampToken) : undefined;
  if (!entry.timestampToken || !token) {
    parts.push(part('timestamp', entry.timestampToken ?? entry.file, 'EVIDENCE_NO_TIMESTAMP', `The checkpoint of ${entry.treeSize} receipts has no time-stamp token: when it was made is not proven.`));
    return undefined;
  }
  try {
    const stamp = await verifyTimestampToken(token, { data: Buffer.from(body, 'utf8'), trustAnchors: ctx.tsaTrustAnchors, certificates: ctx.tsaCertificates });
    parts.push(validPart('timestamp', entry.timestampToken, 'LEDGER_TSA_OK',
      `Dấu thời gian hợp lệ: "${stamp.tsa.subject}" xác nhận điểm chốt ${entry.treeSize} biên nhận đã có lúc ${vietnamTime(stamp.genTime)}.`,
      `Valid time-stamp: "${stamp.tsa.subject}" vouches that the checkpoint of ${entry.treeSize} receipts existed at ${stamp.genTime.toISOString()}.`));
    return stamp.genTime;
  } catch (error) {
    parts.push(failure('timestamp', entry.timestampToken, error));
    return undefined;
  }
}

export async function checkCheckpoints(ctx: CheckpointContext): Promise<{ parts: PartVerdict[]; checkpoints: Map<number, CheckedCheckpoint> }> {
  const parts: PartVerdict[] = [];
  const checkpoints = new Map<number, CheckedCheckpoint>();
  for (const entry of ctx.manifest.checkpoints) {
    const note = ctx.files.get(entry.file);
    if (!note) continue; // reported as a missing file
    let body: string;
    try {
      body = parseSignedNote(note).text;
    } catch (error) {
      parts.push(failure('checkpoint', entry.file, error));
      continue;
    }
    const genTime = await checkTimestamp(ctx, entry, body, parts);
    try {
      const checkpoint = verifyCheckpoint(note, {
        origin: ctx.origin, certificates: ctx.axisCertificates, trustAnchors: ctx.trustAnchors, noteVerifierKeys: ctx.noteVerifierKeys, ...(genTime ? { at: genTime } : {}),
      });
      if (checkpoint.treeSize !== entry.treeSize) {
        parts.push(part('checkpoint', entry.file, 'LEDGER_CHECKPOINT_MALFORMED', `The checkpoint is of ${checkpoint.treeSize} receipts but the manifest lists it as ${entry.treeSize}.`));
        continue;
      }
      const by = checkpoint.signedBy.map((s) => (s.kind === 'x509' ? `"${s.subject}"` : `note key ${s.keyName}`)).join(', ');
      parts.push(validPart('checkpoint', entry.file, 'LEDGER_CHECKPOINT_OK', `Điểm chốt ${checkpoint.treeSize} biên nhận có chữ ký hợp lệ của trục (${by}).`, `The checkpoint of ${checkpoint.treeSize} receipts is validly signed by the axis (${by}).`));
      checkpoints.set(checkpoint.treeSize, { treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash, file: entry.file, verified: true, ...(genTime ? { genTime } : {}) });
    } catch (error) {
      parts.push(failure('checkpoint', entry.file, error));
    }
  }
  for (const file of ctx.manifest.consistencyProofs) {
    const bytes = ctx.files.get(file);
    if (!bytes) continue;
    try {
      const proof = consistencyProofFromJson(JSON.parse(bytes.toString('utf8')));
      const [first, second] = [checkpoints.get(proof.fromSize), checkpoints.get(proof.toSize)];
      if (!first || !second) {
        parts.push(part('consistency', file, 'EVIDENCE_CHECKPOINT_UNVERIFIED', `The consistency proof from ${proof.fromSize} to ${proof.toSize} receipts needs both checkpoints verified.`));
      } else if (verifyConsistency(proof.fromSize, first.rootHash, proof.toSize, second.rootHash, proof.path)) {
        parts.push(validPart('consistency', file, 'EVIDENCE_CONSISTENCY_OK', `Sổ cỡ ${proof.toSize} chỉ ghi thêm vào sổ cỡ ${proof.fromSize}, không sửa gì trước đó.`, `The log of ${proof.toSize} receipts only appends to the log of ${proof.fromSize}.`));
      } else {
        parts.push(part('consistency', file, 'EVIDENCE_CONSISTENCY_FAILED', `The checkpoints of ${proof.fromSize} and ${proof.toSize} receipts are not consistent: the log was rewritten between them.`));
      }
    } catch (error) {
      parts.push(isAxisError(error) ? part('consistency', file, error.code, error.message) : part('consistency', file, 'LEDGER_PROOF_MALFORMED', 'The consistency proof is not JSON.'));
    }
  }
  return { parts, checkpoints };
}
