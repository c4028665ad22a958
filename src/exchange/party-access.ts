/**
 * Who may see a package: its sender and its recipients. Everyone else gets EXCHANGE_NOT_FOUND, the same answer as
 * for a package that does not exist, so existence never leaks.
 */
import type { Store } from './ports/index.js';
import { RECEIVED_STATES, type DeliveryRecord, type EnvelopeRecord } from './model/index.js';
import { ExchangeError, notFound } from './exchange-error.js';

export type PartyView =
  | { role: 'sender'; envelope: EnvelopeRecord }
  | { role: 'recipient'; envelope: EnvelopeRecord; delivery: DeliveryRecord };

export async function viewAsParty(store: Store, organId: string, envelopeId: string): Promise<PartyView> {
  const envelope = await store.getEnvelope(envelopeId);
  if (!envelope) throw notFound();
  if (envelope.fromOrganId === organId) return { role: 'sender', envelope };
  if (!envelope.toOrganIds.includes(organId)) throw notFound();
  const delivery = (await store.listDeliveriesForEnvelope(envelopeId)).find((d) => d.recipientOrganId === organId);
  if (!delivery) throw notFound();
  return { role: 'recipient', envelope, delivery };
}

/** Decree 30/2020: a revoked document is no longer served to a recipient that had not received it. */
export function assertNotWithheld(view: PartyView): void {
  if (view.role !== 'recipient') return;
  if (view.delivery.state === 'withheld' || (view.envelope.revokedAt && !RECEIVED_STATES.includes(view.delivery.state))) {
    throw new ExchangeError('EXCHANGE_GONE', `This document was revoked by its sender on ${view.envelope.revokedAt ?? 'an earlier date'} before this agency received it: it is no longer available.`, {
      revokedAt: view.envelope.revokedAt ?? null,
      ...(view.envelope.revokedByEnvelopeId ? { revokedByPackageId: view.envelope.revokedByEnvelopeId } : {}),
    });
  }
}

/**
 * Which of `organIds` (the agencies one connected system acts for) may see a package, and as what: a recipient
 * first (what a system fetches and acknowledges), else the sender. None: EXCHANGE_NOT_FOUND, as for any non-party.
 */
export async function partyAmong(store: Store, envelopeId: string, organIds: readonly string[]): Promise<{ organId: string; role: PartyView['role'] }> {
  const envelope = await store.getEnvelope(envelopeId);
  if (!envelope) throw notFound();
  const recipient = envelope.toOrganIds.find((organId) => organIds.includes(organId));
  if (recipient) return { organId: recipient, role: 'recipient' };
  if (organIds.includes(envelope.fromOrganId)) return { organId: envelope.fromOrganId, role: 'sender' };
  throw notFound();
}
