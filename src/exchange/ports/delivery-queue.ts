/**
 * The queue port the use-cases see. The store stays the source of truth: a job only says "look at delivery X now";
 * losing one is repaired by the sweeper, enqueuing one twice is harmless because the job id is the delivery id.
 */
export interface QueueDepth {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

export interface DeliveryQueue {
  /** Enqueues one job per delivery id (job id = delivery id, so a second enqueue of a live job is a no-op). */
  enqueueDeliveries(deliveryIds: readonly string[]): Promise<void>;
  /**
   * Makes these deliveries' jobs due now: a delayed job is moved to the front, a missing one is enqueued, a waiting or
   * active one is left alone. Returns how many were woken (delayed or missing).
   */
  wakeDeliveries(deliveryIds: readonly string[]): Promise<number>;
  /** Whether a job for this delivery is waiting, delayed or active (the sweeper's question). */
  hasJob(deliveryId: string): Promise<boolean>;
  depth(): Promise<QueueDepth>;
  close(): Promise<void>;
}
