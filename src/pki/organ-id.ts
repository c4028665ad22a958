/**
 * How a certificate says which agency it belongs to (certs/README.md): the subject attribute organizationIdentifier
 * (2.5.4.97, X.520 / ETSI EN 319 412-1) holding the agency's OrganId (QCVN 102 agency code, e.g. 000.00.00.H40).
 * An agency (organisation, "seal") certificate carries it; an official's personal certificate does not.
 */
import { isOrganId } from '../edxml/organ-id.js';

export const ORGANIZATION_IDENTIFIER_OID = '2.5.4.97';

/** ETSI EN 319 412-1 form "XXXCC-<id>" is accepted too; only the OrganId part is kept. */
const SEMANTIC = /^[A-Z]{3}[A-Z]{2}-(.+)$/;

export function organIdFromAttribute(value: string): string | undefined {
  const trimmed = value.trim();
  const id = SEMANTIC.exec(trimmed)?.[1] ?? trimmed;
  return isOrganId(id, 'identifier') ? id : undefined;
}
