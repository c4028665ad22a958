/**
 * Agency HMAC secrets must be held by the server (it recomputes signatures), so they are kept encrypted at rest with
 * AES-256-GCM under the configured key: `v1.<iv>.<tag>.<ciphertext>` (base64url parts). The OrganId is bound as
 * associated data so a ciphertext cannot be moved to another agency's record.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AxisError } from '../../errors/axis-error.js';

export interface SecretBox {
  seal(plaintext: string, associated: string): string;
  open(sealed: string, associated: string): string;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new AxisError('CONFIG_INVALID', 'The secret key must be 32 bytes (AES-256).');
  return {
    seal(plaintext, associated) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(associated, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    open(sealed, associated) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || body === undefined) {
        throw new AxisError('AGENCY_SECRET_UNREADABLE', 'A stored agency secret has an unknown format.');
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(associated, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch (error) {
        throw new AxisError('AGENCY_SECRET_UNREADABLE', 'A stored agency secret cannot be decrypted: is SECRET_KEY the key it was stored with?', undefined, { cause: error });
      }
    },
  };
}
