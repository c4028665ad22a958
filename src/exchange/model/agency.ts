/** An agency on the axis (its OrganId is its agency code), and the credentials its document system signs with. */

export type AgencyState = 'active' | 'suspended';
export type DeliveryMode = 'push' | 'pull';

/**
 * What an agency's packages must carry to be accepted. `envelope` (the default): the XMLDSig of the package by a
 * certificate tied to the agency. `none`: an unsigned package is accepted with a warning; a signature that is
 * present is still verified and must be valid and tied to the agency.
 */
export type SignaturePolicyName = 'envelope' | 'none';
export const SIGNATURE_POLICIES: readonly SignaturePolicyName[] = ['envelope', 'none'];
export const DEFAULT_SIGNATURE_POLICY: SignaturePolicyName = 'envelope';

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
  /** Absent in records written before policies existed: DEFAULT_SIGNATURE_POLICY. */
  signaturePolicy?: SignaturePolicyName;
  createdAt: string;
  updatedAt: string;
}
