/**
 * Whose signature a certificate makes under Decree 30/2020: an official's (a person) or an agency's seal (an
 * organisation). Vietnamese CAs mark the difference in the subject, in several ways (docs/pki.md, "Official or agency
 * seal"), read here in order of how much they prove:
 *  1. a UID (0.9.2342.19200300.100.1.1) "CMND:", "CCCD:" or "HC:" (identity card, citizen card, passport): a person;
 *  2. organizationIdentifier (2.5.4.97, ETSI EN 319 412-3 legal person): an organisation;
 *  3. a title (T): a person holding an office;
 *  4. a UID "MST:" (tax code) or "MNS:" (budget-relationship code): an organisation;
 *  5. an OU shaped like an OrganId (the agency's code), or a CN equal to the O: an organisation;
 *  6. otherwise a person (a personal certificate names the person and, in O, where they work).
 */
import { parseOrganId } from '../edxml/organ-id.js';
import type { CertificateSummary } from './types.js';

export type SignerRole = 'official' | 'agency-seal' | 'unknown';

export interface SignerRoleReading {
  role: SignerRole;
  /** Which convention decided, for the person reading the report (e.g. "UID CCCD:", "OU is an OrganId"). */
  basis: string;
  /** The agency code the certificate names, for a seal: organizationIdentifier, else an OrganId-shaped OU. */
  organId?: string;
}

const PERSON_ID = /^\s*(CMND|CCCD|HC)\s*:/i;
const ORGANISATION_ID = /^\s*(MST|MNS)\s*:/i;

/** Several values of one attribute are joined with ", " in subjectFields (certificate-summary.ts). */
function values(summary: CertificateSummary, field: string): string[] {
  const joined = summary.subjectFields[field];
  return joined === undefined ? [] : joined.split(/,\s*(?=\S)/).map((v) => v.trim()).filter(Boolean);
}

/** An OrganId as agencies write them: the edXML rule, and a dotted code with digits (so "VP" or "IT" is not one). */
export function isOrganIdShaped(text: string): boolean {
  return parseOrganId(text).valid && text.includes('.') && /\d/.test(text);
}

function sameName(a: string | undefined, b: string | undefined): boolean {
  const norm = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('vi');
  return a !== undefined && b !== undefined && norm(a) !== '' && norm(a) === norm(b);
}

export function readSignerRole(summary: CertificateSummary | undefined): SignerRoleReading {
  if (!summary) return { role: 'unknown', basis: 'the signer certificate could not be read' };
  const uids = [...values(summary, 'UID'), ...values(summary, 'serialNumber')];
  const person = uids.find((v) => PERSON_ID.test(v));
  if (person) return { role: 'official', basis: `UID ${person.split(':')[0]!.trim().toUpperCase()}:` };
  if (summary.organId) return { role: 'agency-seal', basis: 'organizationIdentifier', organId: summary.organId };
  if (summary.subjectFields['T']) return { role: 'official', basis: 'a title (T)' };
  const organisation = uids.find((v) => ORGANISATION_ID.test(v));
  const ou = values(summary, 'OU').find(isOrganIdShaped);
  if (organisation) return { role: 'agency-seal', basis: `UID ${organisation.split(':')[0]!.trim().toUpperCase()}:`, ...(ou ? { organId: ou } : {}) };
  if (ou) return { role: 'agency-seal', basis: 'OU is an OrganId', organId: ou };
  if (sameName(summary.subjectFields['CN'], summary.subjectFields['O'])) return { role: 'agency-seal', basis: 'CN equals O' };
  return { role: 'official', basis: 'a personal certificate (no organisation marker)' };
}
