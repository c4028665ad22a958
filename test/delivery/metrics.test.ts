import { describe, expect, it } from 'vitest';
import { createMetrics, registry, metrics } from '../../src/observability/metrics.js';

describe('the axis metrics', () => {
  it('count delivery outcomes, retries, dead letters and accept-to-delivered latency from the delivery observer', async () => {
    const m = createMetrics();
    m.deliveryObserver.outcome('delivered', 'push');
    m.deliveryObserver.outcome('delivered', 'push');
    m.deliveryObserver.outcome('retry', 'push');
    m.deliveryObserver.retry('503');
    m.deliveryObserver.deadLetter('permanent-failure');
    m.deliveryObserver.acceptToDelivered(0.2, 'push');
    m.packagesAccepted.inc({ kind: 'edoc' });
    m.packagesRejected.inc({ code: 'EDXML_SCHEMA_INVALID' });
    const text = await m.registry.metrics();
    expect(text).toContain('edx_deliveries_total{outcome="delivered",mode="push"} 2');
    expect(text).toContain('edx_delivery_retries_total{reason="503"} 1');
    expect(text).toContain('edx_dead_letters_total{reason="permanent-failure"} 1');
    expect(text).toContain('edx_accept_to_delivered_seconds_bucket{le="0.25",mode="push"} 1');
    expect(text).toContain('edx_accept_to_delivered_seconds_count{mode="push"} 1');
    expect(text).toContain('edx_packages_rejected_total{code="EDXML_SCHEMA_INVALID"} 1');
  });

  it('report the depth of watched queues at scrape time, and survive a queue that cannot answer', async () => {
    const m = createMetrics();
    m.watchQueue('edx-delivery', async () => ({ waiting: 3, active: 1, delayed: 2, failed: 0 }));
    m.watchQueue('broken', async () => { throw new Error('redis away'); });
    const text = await m.registry.metrics();
    expect(text).toContain('edx_queue_depth{queue="edx-delivery",state="waiting"} 3');
    expect(text).toContain('edx_queue_depth{queue="edx-delivery",state="delayed"} 2');
    expect(text).not.toContain('queue="broken"');
    m.unwatchQueue('edx-delivery');
    expect(await m.registry.metrics()).not.toContain('queue="edx-delivery"');
  });

  it('export one process-wide registry, with the default process metrics, for /metrics', async () => {
    expect(metrics.registry).toBe(registry);
    expect(await registry.metrics()).toContain('edx_process_cpu_user_seconds_total');
  });
});
