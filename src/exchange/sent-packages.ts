/**
 * What a sender's system sees of what it sent: the latest packages of its agencies, each with the state of every
 * recipient's delivery (the government SDK's `getSentEdocList`).
 */
import type { EnvelopeKind } from './model/index.js';
import type { ExchangeContext } from './exchange-deps.js';
import { notFound } from './exchange-error.js';
import { deliveryViewOf, summaryOf, type DeliveryView, type PackageSummary } from './package-views.js';

export interface SentPackage extends PackageSummary {
  deliveries: DeliveryView[];
}

export interface SentPackagesInput {
  /** The agencies whose sent packages are listed. */
  organIds: readonly string[];
  kind?: EnvelopeKind;
  /** One package only (it must have been sent by one of organIds). */
  envelopeId?: string;
  limit?: number;
}

export async function listSentPackages(ctx: ExchangeContext, input: SentPackagesInput): Promise<SentPackage[]> {
  const limit = Math.max(1, Math.min(input.limit ?? 100, ctx.limits.maxInboxPage));
  let envelopes;
  if (input.envelopeId !== undefined) {
    const envelope = await ctx.store.getEnvelope(input.envelopeId);
    if (!envelope || !input.organIds.includes(envelope.fromOrganId)) throw notFound();
    envelopes = [envelope];
  } else {
    envelopes = await ctx.store.listSentEnvelopes({ fromOrganIds: input.organIds, ...(input.kind ? { kind: input.kind } : {}), limit });
  }
  const sent: SentPackage[] = [];
  for (const envelope of envelopes) {
    const deliveries = await ctx.store.listDeliveriesForEnvelope(envelope.id);
    sent.push({ ...summaryOf(envelope), deliveries: deliveries.map((d) => deliveryViewOf(d, envelope.fromOrganId)) });
  }
  return sent;
}
