/**
 * A connected system: an agency's document-management system that speaks the government SDK's protocol (`systemid`
 * + secret) on behalf of one or more agencies (a provincial hub speaks for many OrganIds).
 */

export type ConnectedSystemState = 'active' | 'suspended';

export interface ConnectedSystemRecord {
  systemId: string;
  /** The OrganIds this system may act for: send as, and read what arrived for. */
  agencies: string[];
  state: ConnectedSystemState;
  /** The shared secret, encrypted at rest with the configured key (AES-256-GCM, base64); never the secret itself. */
  secretCiphertext: string;
  createdAt: string;
  updatedAt: string;
}
