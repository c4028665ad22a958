/**
 * Checks a signed checkpoint as c2sp.org/signed-note says: signatures from unknown keys are ignored, a known key's
 * signature that fails rejects the whole note, and at least one trusted key must have signed. Trusted keys are the
 * Ed25519 verifier keys given, and the axis X.509 certificates given (leading to a trust anchor when anchors are given).
 */
import type { X509Certificate } from 'node:crypto';
import { AxisError } from '../../errors/axis-error.js';
import { toX509, verifyPath } from '../certificate-path.js';
import { parseCheckpointBody, type Checkpoint } from './checkpoint-body.js';
import { parseNoteVerifierKey } from './note-key.js';
import { parseSignedNote } from './signed-note.js';
import { fingerprintOf, verifyX509NoteSignature, x509KeyName, x509NoteKeyId } from './x509-note-signature.js';

type CertInput = X509Certificate | Uint8Array;

export interface CheckpointTrust {
  /** The origin the checkpoint must name, when the caller knows it. */
  origin?: string;
  /** Trusted Ed25519 verifier keys ("<name>+<key ID>+<key>"). */
  noteVerifierKeys?: readonly string[];
  /** Axis certificates that may have made the X.509 line: the signer and its issuers, in any order. */
  certificates?: readonly CertInput[];
  /** With anchors, the X.509 signer counts only when it leads to one of them, valid at `at`. */
  trustAnchors?: readonly CertInput[];
  /** When the checkpoint was made, from its time-stamp token (default: now). */
  at?: Date;
}

export interface CheckpointSigner {
  kind: 'ed25519' | 'x509';
  keyName: string;
  /** For the X.509 line: the signing certificate's SHA-256 fingerprint and subject. */
  fingerprint?: string;
  subject?: string;
}

export interface VerifiedCheckpoint extends Checkpoint {
  body: string;
  note: string;
  signedBy: CheckpointSigner[];
  /** Signature lines from keys not given (ignored, as the spec requires). */
  ignoredSignatures: number;
}

function reject(code: string, message: string, details?: Record<string, unknown>): never {
  throw new AxisError(code, message, details);
}

export function verifyCheckpoint(input: string | Uint8Array, trust: CheckpointTrust): VerifiedCheckpoint {
  const { text, signatures } = parseSignedNote(input);
  const checkpoint = parseCheckpointBody(text);
  if (trust.origin !== undefined && checkpoint.origin !== trust.origin) {
    reject('LEDGER_CHECKPOINT_ORIGIN_MISMATCH', `The checkpoint is from the log "${checkpoint.origin}", not "${trust.origin}".`, { origin: checkpoint.origin });
  }
  const verifiers = (trust.noteVerifierKeys ?? []).map(parseNoteVerifierKey);
  const certificates = (trust.certificates ?? []).map(toX509);
  const anchors = trust.trustAnchors?.map(toX509);
  const x509Name = x509KeyName(checkpoint.origin);
  const signedBy: CheckpointSigner[] = [];
  const untrusted: string[] = [];
  let ignored = 0;
  for (const signature of signatures) {
    const where = { keyName: signature.keyName, treeSize: checkpoint.treeSize };
    const verifier = verifiers.find((v) => v.keyName === signature.keyName && v.keyId.equals(signature.keyId));
    if (verifier) {
      if (!verifier.verify(text, signature.signature)) reject('LEDGER_CHECKPOINT_SIGNATURE_INVALID', `The signature of note key "${signature.keyName}" on the checkpoint of ${checkpoint.treeSize} receipts is not valid: the checkpoint was altered or forged.`, where);
      signedBy.push({ kind: 'ed25519', keyName: signature.keyName });
      continue;
    }
    const certificate = signature.keyName === x509Name ? certificates.find((c) => x509NoteKeyId(x509Name, c).equals(signature.keyId)) : undefined;
    if (!certificate) {
      ignored += 1;
      continue;
    }
    const subject = certificate.subject.replace(/\n/g, ', ');
    if (!verifyX509NoteSignature(text, signature, certificate)) {
      reject('LEDGER_CHECKPOINT_SIGNATURE_INVALID', `The axis signature (certificate "${subject}") on the checkpoint of ${checkpoint.treeSize} receipts is not valid: the checkpoint was altered or forged.`, where);
    }
    if (anchors) {
      const path = verifyPath(certificate, certificates, anchors, trust.at ?? new Date());
      if (!path.ok) {
        untrusted.push(path.code === 'RECEIPT_CERT_EXPIRED'
          ? `the axis certificate "${subject}" was not valid on ${(trust.at ?? new Date()).toISOString()}`
          : `the axis certificate "${subject}" does not lead to any of the trust anchors given`);
        continue;
      }
    }
    signedBy.push({ kind: 'x509', keyName: signature.keyName, fingerprint: fingerprintOf(certificate), subject });
  }
  if (signedBy.length === 0) {
    const why = untrusted.length > 0 ? untrusted.join('; ') : 'none of its signatures is from a key or certificate that was given';
    reject('LEDGER_CHECKPOINT_UNTRUSTED', `The checkpoint of ${checkpoint.treeSize} receipts cannot be trusted: ${why}.`, { treeSize: checkpoint.treeSize });
  }
  return { ...checkpoint, body: text, note: typeof input === 'string' ? input : Buffer.from(input).toString('utf8'), signedBy, ignoredSignatures: ignored };
}
