/**
 * C2SP signed notes (c2sp.org/signed-note): a UTF-8 text ending in a newline, a blank line, then one or more lines
 * "— <key name> <base64(4-byte key ID ‖ signature)>". The format Go's checksum database, Sigstore and the
 * transparency-dev witnesses read, so the axis's checkpoints need none of our code to be checked.
 */
import { createHash } from 'node:crypto';
import { AxisError } from '../../errors/axis-error.js';

export interface NoteSignature {
  keyName: string;
  /** The 4-byte key ID (big-endian uint32 in the spec). */
  keyId: Buffer;
  signature: Buffer;
}

export interface SignedNote {
  /** The signed text, final newline included. */
  text: string;
  signatures: NoteSignature[];
}

export const MAX_NOTE_BYTES = 64 * 1024;
/** The spec asks verifiers to accept at least 16 signatures. */
export const MAX_NOTE_SIGNATURES = 64;

const EM_DASH = '\u2014';
const FORBIDDEN_CONTROL = /[\u0000-\u0009\u000b-\u001f]/;
const SPACE_OR_PLUS = /[\s+\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function malformed(message: string): never {
  throw new AxisError('LEDGER_CHECKPOINT_MALFORMED', `The signed checkpoint cannot be read: ${message}.`);
}

export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !SPACE_OR_PLUS.test(name) && !FORBIDDEN_CONTROL.test(name);
}

/** key ID = SHA-256(key name ‖ 0x0A ‖ signature type ‖ public key)[:4], the spec's recommendation. */
export function noteKeyId(keyName: string, signatureType: Uint8Array, publicKey: Uint8Array): Buffer {
  return createHash('sha256').update(keyName, 'utf8').update(Buffer.from([0x0a])).update(signatureType).update(publicKey).digest().subarray(0, 4);
}

export function signatureLine(signature: NoteSignature): string {
  if (!isValidKeyName(signature.keyName)) throw new AxisError('LEDGER_NOTE_KEY_NAME_INVALID', `"${signature.keyName}" cannot name a note key: it must be non-empty, without spaces or "+".`);
  return `${EM_DASH} ${signature.keyName} ${Buffer.concat([signature.keyId, signature.signature]).toString('base64')}\n`;
}

export function formatSignedNote(text: string, signatures: readonly NoteSignature[]): string {
  if (!text.endsWith('\n') || FORBIDDEN_CONTROL.test(text)) throw new AxisError('LEDGER_CHECKPOINT_MALFORMED', 'A note text must end in a newline and hold no control character but newlines.');
  if (signatures.length === 0) throw new AxisError('LEDGER_CHECKPOINT_MALFORMED', 'A signed note needs at least one signature.');
  return `${text}\n${signatures.map(signatureLine).join('')}`;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return malformed('it is not valid UTF-8');
  }
}

export function parseSignedNote(input: string | Uint8Array): SignedNote {
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  if (size > MAX_NOTE_BYTES) malformed(`it is larger than ${MAX_NOTE_BYTES} bytes`);
  const note = typeof input === 'string' ? input : decodeUtf8(input);
  if (LONE_SURROGATE.test(note)) malformed('it is not valid UTF-8');
  if (FORBIDDEN_CONTROL.test(note)) malformed('it holds control characters other than newlines');
  if (!note.endsWith('\n')) malformed('it does not end in a newline');
  // The text is separated from the signatures by the last blank line.
  const split = note.lastIndexOf('\n\n');
  if (split < 0) malformed('there is no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) malformed(`it has more than ${MAX_NOTE_SIGNATURES} signatures`);
  const signatures = lines.map((line, i): NoteSignature => {
    const match = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (!match || !isValidKeyName(match[1]!)) malformed(`signature line ${i + 1} is not "— <key name> <base64 signature>"`);
    const raw = match[2]!;
    if (!BASE64.test(raw)) malformed(`signature line ${i + 1} is not base64`);
    const bytes = Buffer.from(raw, 'base64');
    if (bytes.length < 5) malformed(`signature line ${i + 1} is too short to hold a key ID and a signature`);
    return { keyName: match[1]!, keyId: bytes.subarray(0, 4), signature: bytes.subarray(4) };
  });
  return { text, signatures };
}
