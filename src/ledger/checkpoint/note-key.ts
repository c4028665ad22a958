/**
 * The checkpoint's Ed25519 note key (signature type 0x01 of c2sp.org/signed-note): what the transparency-log tools
 * (Go's sumdb/note, the transparency-dev witnesses) verify. It is derived from the axis's private key rather than
 * stored beside it: nothing more to back up or rotate, and a new axis key gives a new note key (a new key ID).
 * The derivation reads the key's canonical private number (JWK "d"), not its PKCS#8 bytes, so an OpenSSL upgrade that
 * encodes the same key differently cannot change the note key.
 */
import { createPrivateKey, createPublicKey, hkdfSync, sign, verify, type KeyObject } from 'node:crypto';
import { AxisError } from '../../errors/axis-error.js';
import { isValidKeyName, noteKeyId } from './signed-note.js';

export const ED25519_SIGNATURE_TYPE = 0x01;
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const DERIVATION_SALT = Buffer.from('edx-axis checkpoint note key v1', 'utf8');

export interface NoteKey {
  readonly keyName: string;
  readonly keyId: Buffer;
  /** The 32-byte Ed25519 public key (RFC 8032). */
  readonly publicKey: Buffer;
  /** The verifier key in Go's note format: "<name>+<key ID hex>+<base64(0x01 ‖ public key)>". */
  readonly verifierKey: string;
  sign(text: string): Buffer;
}

export interface NoteVerifier {
  readonly keyName: string;
  readonly keyId: Buffer;
  readonly publicKey: Buffer;
  verify(text: string, signature: Uint8Array): boolean;
}

function checkName(keyName: string): void {
  if (!isValidKeyName(keyName)) throw new AxisError('LEDGER_NOTE_KEY_NAME_INVALID', `"${keyName}" cannot name a note key: it must be non-empty, without spaces or "+".`);
}

function verifierKeyText(keyName: string, keyId: Buffer, publicKey: Buffer): string {
  return `${keyName}+${keyId.toString('hex')}+${Buffer.concat([Buffer.from([ED25519_SIGNATURE_TYPE]), publicKey]).toString('base64')}`;
}

function publicKeyObject(raw: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** A note key from a 32-byte Ed25519 seed. */
export function noteKeyFromSeed(keyName: string, seed: Uint8Array): NoteKey {
  checkName(keyName);
  if (seed.length !== 32) throw new AxisError('LEDGER_NOTE_KEY_INVALID', 'An Ed25519 note key seed is 32 bytes.');
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519_PREFIX.length);
  const keyId = noteKeyId(keyName, Buffer.from([ED25519_SIGNATURE_TYPE]), publicKey);
  const key: NoteKey = {
    keyName,
    keyId,
    publicKey,
    verifierKey: verifierKeyText(keyName, keyId, publicKey),
    sign: (text) => sign(null, Buffer.from(text, 'utf8'), privateKey),
  };
  // Logged or serialised, the key shows what verifies it, never the seed.
  Object.defineProperty(key, 'toJSON', { enumerable: false, value: () => ({ verifierKey: key.verifierKey }) });
  return Object.freeze(key);
}

/** The note key that belongs to an axis private key (RSA or EC): HKDF-SHA256 over its private number. */
export function deriveNoteKey(keyName: string, axisPrivateKey: KeyObject): NoteKey {
  const jwk = axisPrivateKey.export({ format: 'jwk' });
  if (typeof jwk.d !== 'string') throw new AxisError('LEDGER_NOTE_KEY_INVALID', 'The axis key cannot give a note key: its private part cannot be read.');
  const seed = Buffer.from(hkdfSync('sha256', Buffer.from(jwk.d, 'base64url'), DERIVATION_SALT, Buffer.from(keyName, 'utf8'), 32));
  return noteKeyFromSeed(keyName, seed);
}

/** Reads a verifier key "<name>+<hex key ID>+<base64(0x01 ‖ key)>" and checks that its key ID matches its key. */
export function parseNoteVerifierKey(text: string): NoteVerifier {
  const invalid = (why: string): never => {
    throw new AxisError('LEDGER_NOTE_KEY_INVALID', `"${text.slice(0, 120)}" is not a note verifier key: ${why}.`);
  };
  // The base64 key may itself hold "+": only the first two separate parts.
  const match = /^([^+]+)\+([^+]*)\+(.*)$/s.exec(text.trim());
  if (!match) invalid('it needs three parts joined by "+"');
  const [, keyName, idHex, keyB64] = match as unknown as [string, string, string, string];
  if (!isValidKeyName(keyName)) invalid('the key name is empty or holds spaces');
  if (!/^[0-9a-f]{8}$/.test(idHex)) invalid('the key ID is not 8 hex digits');
  const data = Buffer.from(keyB64, 'base64');
  if (data.length !== 33 || data[0] !== ED25519_SIGNATURE_TYPE || data.toString('base64') !== keyB64) invalid('only Ed25519 keys (type 0x01, 32 bytes) are used for checkpoints');
  const publicKey = data.subarray(1);
  const keyId = noteKeyId(keyName, Buffer.from([ED25519_SIGNATURE_TYPE]), publicKey);
  if (keyId.toString('hex') !== idHex) invalid('its key ID does not match its key');
  const keyObject = publicKeyObject(publicKey);
  return {
    keyName,
    keyId,
    publicKey,
    verify(noteText, signature) {
      try {
        return signature.length === 64 && verify(null, Buffer.from(noteText, 'utf8'), keyObject, signature);
      } catch {
        return false;
      }
    },
  };
}
