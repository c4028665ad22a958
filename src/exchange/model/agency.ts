/** An agency on the axis (its OrganId is its agency code), and the credentials its document system signs with. */

export type AgencyState = 'active' | 'suspended';
export type DeliveryMode = 'push' | 'pull';

export interface AgencyCredential {
  /** Public identifier sent with every request (e.g. `000.00.00.G22:3f9a...`). */
  keyId: string;
  /** The HMAC secret, encrypted at rest with the configured key (AES-256-GCM, base64); never the secret itself. */
  secretCiphertext: string;
  createdAt: string;
  /** A rotated credential stays valid until this instant (grace period), then is refused. */
  expiresAt?: string;
}

export interface AgencyRecord {
  organId: string;
  name: string;
  parentOrganId?: string;
  state: AgencyState;
  deliveryMode: DeliveryMode;
  endpointUrl?: string;
  credentials: AgencyCredential[];
  /** SHA-256 fingerprints (hex) of certificates registered to this agency. */
  certificateFingerprints: string[];
  createdAt: string;
  updatedAt: string;
}
