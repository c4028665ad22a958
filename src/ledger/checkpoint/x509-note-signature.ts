/**
 * The checkpoint's second signature line, by the axis's own X.509 key (the one that signs receipts, RSA or ECDSA):
 * it ties the checkpoint to the government certificate chain, and anyone checks it with
 * `openssl dgst -sha256 -verify axis-public-key.pem -signature sig.bin checkpoint-body.txt`.
 *
 * signed-note assigns no type byte to it, so it uses 0xff followed by a longer identifier, as the spec recommends:
 *   key ID = SHA-256(key name ‖ 0x0A ‖ 0xff ‖ "edx-axis/x509-sha256" ‖ SubjectPublicKeyInfo DER)[:4]
 *   signature = RSASSA-PKCS1-v1_5 or ECDSA (DER) with SHA-256 over the note text.
 * Verifiers that do not know this key ignore the line, as signed notes require.
 */
import { createHash, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { noteKeyId, type NoteSignature } from './signed-note.js';

export const X509_SIGNATURE_TYPE = Buffer.concat([Buffer.from([0xff]), Buffer.from('edx-axis/x509-sha256', 'ascii')]);

export function x509KeyName(origin: string): string {
  return `${origin}/x509`;
}

function spki(certificate: X509Certificate): Buffer {
  return certificate.publicKey.export({ format: 'der', type: 'spki' });
}

export function x509NoteKeyId(keyName: string, certificate: X509Certificate): Buffer {
  return noteKeyId(keyName, X509_SIGNATURE_TYPE, spki(certificate));
}

export function signWithX509(keyName: string, text: string, privateKey: KeyObject, certificateDer: Uint8Array): NoteSignature {
  const certificate = new X509Certificate(certificateDer);
  const signature = sign('sha256', Buffer.from(text, 'utf8'), { key: privateKey, dsaEncoding: 'der' });
  return { keyName, keyId: x509NoteKeyId(keyName, certificate), signature };
}

export function verifyX509NoteSignature(text: string, signature: NoteSignature, certificate: X509Certificate): boolean {
  try {
    return verify('sha256', Buffer.from(text, 'utf8'), { key: certificate.publicKey, dsaEncoding: 'der' }, signature.signature);
  } catch {
    return false;
  }
}

/** SHA-256 fingerprint (hex) of a certificate, as receipts name their signer. */
export function fingerprintOf(certificate: X509Certificate): string {
  return createHash('sha256').update(certificate.raw).digest('hex');
}
