/** An agency on the axis (its OrganId is its agency code), and the credentials its document system signs with. */

export type AgencyState = 'active' | 'suspended';
export type DeliveryMode = 'push' | 'pull';

import { SIGNATURE_POLICIES, type SignaturePolicyName } from '../../signature/documents/signature-policy.js';

/**
 * What an agency's packages must carry to be accepted (src/signature/documents/signature-policy.ts decides):
 * `envelope` (the default): the XMLDSig of the package by a certificate tied to the agency; `document`: a PDF signed
 * by the competent official and sealed by the agency (Decree 30/2020), every signature present valid; `either`; and
 * `none`: unsigned accepted with a warning, a signature that is present still verified and must be valid.
 */
export { SIGNATURE_POLICIES, type SignaturePolicyName };
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
