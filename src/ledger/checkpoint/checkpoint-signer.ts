/**
 * Signs checkpoints with two lines (docs/evidence.md, "Checkpoints"): the Ed25519 note key under the origin's name,
 * for transparency-log tools, and the axis's X.509 key under "<origin>/x509", which ties the checkpoint to the
 * certificate chain and is checked with openssl alone.
 */
import type { KeyObject } from 'node:crypto';
import { formatCheckpointBody, type Checkpoint } from './checkpoint-body.js';
import { deriveNoteKey, type NoteKey } from './note-key.js';
import { formatSignedNote } from './signed-note.js';
import { signWithX509, x509KeyName } from './x509-note-signature.js';

export interface SignedCheckpoint extends Checkpoint {
  /** The note text the signatures and the time-stamp cover. */
  body: string;
  /** The whole signed note: body, blank line, signature lines. */
  note: string;
}

export interface CheckpointSigner {
  readonly origin: string;
  readonly noteKey: NoteKey;
  sign(treeSize: number, rootHash: Buffer): SignedCheckpoint;
}

export interface CheckpointSignerOptions {
  /** The log's name, e.g. "truc.gov.vn/edx-axis/receipts": the first line of every checkpoint. */
  origin: string;
  /** The axis identity (src/ledger/axis-identity.ts): its key and signing certificate. */
  identity: { privateKey: KeyObject; certificateDer: Uint8Array };
  /** An Ed25519 note key other than the one derived from the axis key (for a key kept in an HSM, say). */
  noteKey?: NoteKey;
}

export function createCheckpointSigner(options: CheckpointSignerOptions): CheckpointSigner {
  const { origin, identity } = options;
  const noteKey = options.noteKey ?? deriveNoteKey(origin, identity.privateKey);
  const x509Name = x509KeyName(origin);
  return {
    origin,
    noteKey,
    sign(treeSize, rootHash) {
      const body = formatCheckpointBody({ origin, treeSize, rootHash });
      const note = formatSignedNote(body, [
        { keyName: noteKey.keyName, keyId: noteKey.keyId, signature: noteKey.sign(body) },
        signWithX509(x509Name, body, identity.privateKey, identity.certificateDer),
      ]);
      return { origin, treeSize, rootHash, body, note };
    },
  };
}
