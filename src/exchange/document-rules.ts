/**
 * The rules for a document package: every To an active registered agency other than the sender; a new document's
 * DocumentId not reused with other bytes; a revoke/update/replace acting only on originals its own sender sent.
 */
import type { Store } from './ports/index.js';
import { documentIdClash, type AgencyRecord, type EnvelopeRecord } from './model/index.js';
import { ExchangeError } from './exchange-error.js';
import type { InspectedPackage } from './ports/package-inspector.js';

export interface DocumentPlan {
  documentId: string;
  refersToDocumentId?: string;
  recipients: AgencyRecord[];
  /** The original a revocation (business type 1) takes back. */
  revokes?: EnvelopeRecord;
}

const CHANGE_NAMES = { 1: 'revocation', 2: 'update', 3: 'replacement' } as const;

export async function activeRecipients(store: Store, senderOrganId: string, toOrganIds: readonly string[]): Promise<AgencyRecord[]> {
  if (toOrganIds.length === 0) throw new ExchangeError('EXCHANGE_NO_RECIPIENT', 'The package names no recipient agency (To).');
  // An agency in its own To could never receive the package as a recipient (it is the sender of it): its delivery
  // would wait in its inbox for a fetch and an acknowledgement that cannot come, and keep the package from retention.
  if (toOrganIds.includes(senderOrganId)) {
    throw new ExchangeError('EXCHANGE_RECIPIENT_IS_SENDER', `The sending agency ${senderOrganId} is also named as a recipient (To): an agency keeps its own copy in its document system, not through the axis.`, { organId: senderOrganId });
  }
  const recipients: AgencyRecord[] = [];
  for (const organId of toOrganIds) {
    const agency = await store.getAgency(organId);
    if (!agency) throw new ExchangeError('EXCHANGE_UNKNOWN_RECIPIENT', `Recipient ${organId} is not an agency registered on the axis.`, { organId });
    if (agency.state !== 'active') throw new ExchangeError('EXCHANGE_RECIPIENT_SUSPENDED', `Recipient ${organId} is suspended on the axis and cannot receive documents now.`, { organId });
    recipients.push(agency);
  }
  return recipients;
}

/** The caller's own original with this DocumentId (a new document, if several), or the reason there is none. */
async function originalOf(store: Store, caller: string, documentId: string, action: string): Promise<EnvelopeRecord> {
  const own = (await store.findDocuments(caller, documentId)).filter((e) => e.kind === 'edoc');
  const original = own.find((e) => (e.businessType ?? 0) === 0) ?? own[0];
  if (original) return original;
  // Someone else's document: say so only to an agency that already knows it (it received it); others learn nothing.
  const others = await store.listEnvelopesForDocument(documentId);
  if (others.some((e) => e.kind === 'edoc' && e.documentId === documentId && e.toOrganIds.includes(caller))) {
    throw new ExchangeError('EXCHANGE_NOT_ORIGINAL_SENDER', `Document ${documentId} was sent by another agency: only its sender may send a ${action} of it.`, { documentId });
  }
  throw new ExchangeError('EXCHANGE_UNKNOWN_ORIGINAL', `No document ${documentId} sent by agency ${caller} is known to the axis: a ${action} must refer to a document this agency sent through it.`, { documentId });
}

export async function planDocument(store: Store, pkg: InspectedPackage, sha256: string): Promise<DocumentPlan> {
  const caller = pkg.fromOrganId;
  const documentId = pkg.documentId;
  if (!documentId) throw new ExchangeError('EXCHANGE_DOCUMENT_ID_MISSING', 'The document package carries no DocumentId.');
  const recipients = await activeRecipients(store, caller, pkg.toOrganIds);
  const type = pkg.businessType ?? 0;

  if (type === 0) {
    const clash = documentIdClash(await store.findDocuments(caller, documentId), sha256);
    if (clash) throw documentIdConflict(documentId, clash);
    return { documentId, recipients };
  }

  const action = CHANGE_NAMES[type];
  if (pkg.references.length === 0) {
    throw new ExchangeError('EXCHANGE_REFERENCE_MISSING', `The ${action} package does not say which original document it acts on.`);
  }
  // One revocation, one document: the store withholds and marks one original per package, and a second one named
  // would be checked, refused nothing, and stay downloadable.
  if (type === 1 && new Set(pkg.references).size > 1) {
    throw new ExchangeError('EXCHANGE_REFERENCE_AMBIGUOUS', `The revocation names ${new Set(pkg.references).size} documents: send one revocation for each document.`, { documentIds: [...new Set(pkg.references)] });
  }
  const originals: EnvelopeRecord[] = [];
  for (const reference of pkg.references) {
    const original = await originalOf(store, caller, reference, action);
    if (original.revokedAt) throw originalRevoked(reference, original.revokedAt);
    originals.push(original);
  }
  const plan: DocumentPlan = { documentId, refersToDocumentId: pkg.references[0]!, recipients };
  if (type === 1) plan.revokes = originals[0]!;
  return plan;
}

export function documentIdConflict(documentId: string, clash: EnvelopeRecord): ExchangeError {
  return new ExchangeError('EXCHANGE_DOCUMENT_ID_CONFLICT', `DocumentId ${documentId} was already used by this agency for a different new document (accepted ${clash.acceptedAt}). Send a new DocumentId, or an update (business type 2) of that document.`, { documentId, existingPackageId: clash.id });
}

export function originalRevoked(documentId: string, revokedAt: string): ExchangeError {
  return new ExchangeError('EXCHANGE_ORIGINAL_REVOKED', `Document ${documentId} was revoked on ${revokedAt}: it can no longer be revoked, updated or replaced.`, { documentId });
}
