/** A delivery: one accepted envelope on its way to one recipient agency. Its states move only by delivery-steps.ts. */

/**
 * pending: accepted, waiting for the delivery worker. retrying: a push attempt failed and another is scheduled.
 * delivered: the recipient's endpoint answered 2xx. available: in a pull agency's inbox. fetched: the recipient
 * downloaded it. acknowledged: the recipient confirmed transport. dead: retries exhausted or permanent failure
 * (still in the recipient's inbox, replayable by an operator). withheld: the original was revoked before the
 * recipient fetched it.
 */
export type DeliveryState =
  | 'pending'
  | 'retrying'
  | 'delivered'
  | 'available'
  | 'fetched'
  | 'acknowledged'
  | 'dead'
  | 'withheld';

export const DELIVERY_STATES: readonly DeliveryState[] = [
  'pending', 'retrying', 'delivered', 'available', 'fetched', 'acknowledged', 'dead', 'withheld',
];

export interface DeliveryRecord {
  id: string;
  envelopeId: string;
  recipientOrganId: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt?: string;
  lastError?: string;
  createdAt: string;
  updatedAt: string;
  deliveredAt?: string;
  fetchedAt?: string;
  acknowledgedAt?: string;
  /** Monotonic cursor for inbox paging (assigned by the store, increasing with creation). */
  seq: number;
  /**
   * Bumped by the store at every change, so a writer can ask that its change apply only to the record it read
   * (`DeliveryChange.ifRevision`). Absent in records written before it existed: read it with `revisionOf`.
   */
  revision?: number;
}

/** A delivery's revision; 0 for a record that has never changed (or predates revisions). */
export function revisionOf(delivery: Pick<DeliveryRecord, 'revision'>): number {
  return delivery.revision ?? 0;
}

/** The words of the glossary (../shared/GLOSSARY.md) for where a delivery stands, shown to people (web UI, the SDK's lists). */
export const DELIVERY_STATE_WORDS: Readonly<Record<DeliveryState, string>> = {
  pending: 'Đang chờ chuyển',
  retrying: 'Đang gửi lại',
  delivered: 'Đã chuyển',
  available: 'Chờ tải về',
  fetched: 'Đã tải về',
  acknowledged: 'Đã xác nhận',
  dead: 'Không chuyển được',
  withheld: 'Đã thu hồi',
};
