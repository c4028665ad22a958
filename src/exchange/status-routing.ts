/**
 * Status packages: matched to the original (ResponseFor.DocumentId, and ResponseFor.OrganId naming the other party),
 * checked against the status machine for that (document, sender, recipient), and routed to the other party: a
 * recipient's status goes back to the original sender, a take-back request (13) goes to the recipient it names.
 */
import type { AcceptBundle, Store } from './ports/index.js';
import type { AgencyRecord, EnvelopeRecord, StatusCode } from './model/index.js';
import { ExchangeError } from './exchange-error.js';
import type { InspectedPackage } from './ports/package-inspector.js';
import { decideStatus, replayStatus, STATUS_NAMES, type StatusActor, type StatusEvent } from './model/status-machine.js';

export interface StatusPlan {
  /** The DocumentId the status names (its envelope's documentId). */
  documentId: string;
  /** The original the status chain belongs to (differs when the status answers a revoke/update/replace package). */
  originalDocumentId: string;
  recipients: AgencyRecord[];
  transition: NonNullable<AcceptBundle['statusTransition']>;
}

const CHANGE = { 1: 'revoke', 2: 'update', 3: 'replace' } as const;

const byAcceptance = (a: EnvelopeRecord, b: EnvelopeRecord) => (a.acceptedAt < b.acceptedAt ? -1 : a.acceptedAt > b.acceptedAt ? 1 : a.id < b.id ? -1 : 1);

/** What was accepted for one (document, sender, recipient), in order, as the machine replays it. */
export function historyOf(envelopes: readonly EnvelopeRecord[], documentId: string, sender: string, recipient: string): (StatusEvent & { actor?: StatusActor })[] {
  const events: (StatusEvent & { actor?: StatusActor })[] = [];
  for (const e of [...envelopes].sort(byAcceptance)) {
    const about = e.refersToDocumentId ?? e.documentId;
    if (about !== documentId) continue;
    if (e.kind === 'status' && e.statusCode) {
      if (e.fromOrganId === recipient && e.toOrganIds.includes(sender)) events.push({ type: 'status', code: e.statusCode, actor: 'recipient' });
      else if (e.fromOrganId === sender && e.toOrganIds.includes(recipient)) events.push({ type: 'status', code: e.statusCode, actor: 'sender' });
    } else if (e.kind === 'edoc' && e.businessType && e.fromOrganId === sender && e.toOrganIds.includes(recipient)) {
      events.push({ type: 'change', change: CHANGE[e.businessType] });
    }
  }
  return events;
}

function pickOriginal(candidates: EnvelopeRecord[], documentId: string): EnvelopeRecord {
  const senders = new Set(candidates.map((c) => c.fromOrganId));
  if (senders.size > 1) {
    throw new ExchangeError('EXCHANGE_REFERENCE_AMBIGUOUS', `Several agencies sent a document ${documentId} to this agency: name the sender in ResponseFor/OrganId.`, { documentId });
  }
  return [...candidates].sort(byAcceptance).find((c) => (c.businessType ?? 0) === 0) ?? candidates[0]!;
}

export async function planStatus(store: Store, pkg: InspectedPackage): Promise<StatusPlan> {
  const caller = pkg.fromOrganId;
  const code = pkg.statusCode as StatusCode;
  const named = pkg.responseFor?.documentId;
  if (!named) throw new ExchangeError('EXCHANGE_REFERENCE_MISSING', 'The status package does not name the document it reports on (ResponseFor/DocumentId).');
  // ResponseFor/OrganId names the other party (the shared samples do so, 13 included). QCVN 102 also reads it as the
  // agency that issued the document answered, which for a take-back (13) is the caller itself: naming oneself names
  // no other party, and the document's one recipient is meant (several: the caller must name one).
  const namedOrganId = pkg.responseFor?.organId;
  const counterpart = code === '13' && namedOrganId === caller ? undefined : namedOrganId;
  const documents = (await store.listEnvelopesForDocument(named)).filter((e) => e.kind === 'edoc' && e.documentId === named);
  const asRecipient = documents.filter((d) => d.toOrganIds.includes(caller) && (!counterpart || d.fromOrganId === counterpart));
  const asSender = documents.filter((d) => d.fromOrganId === caller && (counterpart ? d.toOrganIds.includes(counterpart) : d.toOrganIds.length === 1));
  const forbidden = (reason: string) => new ExchangeError('EXCHANGE_STATUS_TRANSITION_FORBIDDEN', reason, { documentId: named, statusCode: code });

  let target: EnvelopeRecord;
  let sender: string;
  let recipient: string;
  if (code === '13') {
    if (asSender.length === 0) {
      if (asRecipient.length > 0) throw forbidden('Only the agency that sent the document may ask to take it back (13).');
      if (!counterpart && documents.some((d) => d.fromOrganId === caller)) {
        throw new ExchangeError('EXCHANGE_REFERENCE_MISSING', 'The document went to several agencies: name the one asked to give it back in ResponseFor/OrganId (that recipient\'s OrganId, not this agency\'s own).', { documentId: named });
      }
      throw unknownOriginal(named, caller);
    }
    target = pickOriginal(asSender, named);
    sender = caller;
    recipient = counterpart ?? target.toOrganIds[0]!;
  } else {
    if (asRecipient.length === 0) {
      if (counterpart === caller && documents.some((d) => d.toOrganIds.includes(caller))) {
        throw new ExchangeError('EXCHANGE_UNKNOWN_ORIGINAL', `ResponseFor/OrganId names this agency itself (${caller}): a status from a recipient names the agency that sent document ${named}.`, { documentId: named });
      }
      if (asSender.length > 0 || documents.some((d) => d.fromOrganId === caller)) throw forbidden(`Status ${code} (${STATUS_NAMES[code]}) is reported by a recipient of the document, not by its sender.`);
      throw unknownOriginal(named, caller);
    }
    target = pickOriginal(asRecipient, named);
    sender = target.fromOrganId;
    recipient = caller;
  }

  // A status answering a revoke/update/replace package belongs to the chain of the original that package acts on.
  const originalDocumentId = target.businessType && target.refersToDocumentId ? target.refersToDocumentId : named;
  const related = originalDocumentId === named ? documents.length > 0 ? await store.listEnvelopesForDocument(named) : [] : await store.listEnvelopesForDocument(originalDocumentId);
  const state = replayStatus(historyOf(related, originalDocumentId, sender, recipient));
  const decision = decideStatus(state, code, code === '13' ? 'sender' : 'recipient');
  if (!decision.allowed) throw forbidden(decision.reason);

  const routedTo = code === '13' ? recipient : sender;
  const agency = await store.getAgency(routedTo);
  if (!agency) throw unknownOriginal(named, caller);
  const current = await store.getDocumentStatus(originalDocumentId, sender, recipient);
  return {
    documentId: named,
    originalDocumentId,
    recipients: [agency],
    transition: { documentId: originalDocumentId, senderOrganId: sender, recipientOrganId: recipient, expected: current?.code, next: code },
  };
}

function unknownOriginal(documentId: string, caller: string): ExchangeError {
  return new ExchangeError('EXCHANGE_UNKNOWN_ORIGINAL', `No document ${documentId} exchanged with agency ${caller} is known to the axis: a status must answer a document this agency sent or received.`, { documentId });
}
