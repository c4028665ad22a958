/**
 * `getSentEdocList`: what the system's agencies sent lately (or the one package named by the signed `docId`), one
 * entry per recipient, with where its delivery stands.
 */
import type { Exchange } from '../../exchange/create-exchange.js';
import type { SentPackage } from '../../exchange/sent-packages.js';
import type { VdxpCaller } from './vdxp-auth.js';
import { kindOf } from './received-edocs.js';
import type { ReplyObject } from './vdxp-reply.js';
import { DELIVERY_STATE_WORDS } from '../../exchange/model/index.js';
import { vietnamTime } from './vdxp-words.js';

export const SENT_LIST_MAX = 200;

export async function sentEntries(exchange: Exchange, caller: VdxpCaller): Promise<ReplyObject[]> {
  const docId = caller.signed.get('docid');
  const kind = kindOf(caller);
  const sent = await exchange.listSent({ organIds: caller.system.agencies, limit: SENT_LIST_MAX, ...(docId ? { envelopeId: docId } : {}), ...(kind ? { kind } : {}) });
  return sent.flatMap(entriesOf);
}

function notationOf(sent: SentPackage): string | undefined {
  if (!sent.codeNumber && !sent.codeNotation) return undefined;
  return [sent.codeNumber, sent.codeNotation].filter(Boolean).join('/');
}

function entriesOf(sent: SentPackage): ReplyObject[] {
  return sent.deliveries.map((delivery) => ({
    serviceType: 'eDoc',
    messageType: sent.kind,
    senderDocId: sent.packageId,
    fromCode: sent.from,
    toCode: delivery.recipient,
    title: sent.subject,
    notation: notationOf(sent),
    sentTime: vietnamTime(sent.acceptedAt),
    sendStatus: sent.revokedAt ? 'revoked' : 'sent',
    sendStatusDesc: sent.revokedAt ? 'Đã thu hồi' : 'Đã gửi',
    receiveStatus: delivery.state,
    receiveStatusDesc: DELIVERY_STATE_WORDS[delivery.state],
    receivedTime: vietnamTime(delivery.acknowledgedAt ?? delivery.fetchedAt ?? delivery.deliveredAt),
  }));
}
