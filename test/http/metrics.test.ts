import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildHarness, type Harness } from './harness.js';

describe('/metrics serves the prom-client registry to loopback callers', () => {
  let h: Harness;
  const registry = new Registry();
  beforeAll(async () => {
    new Counter({ name: 'edx_test_packages_total', help: 'test counter', registers: [registry] }).inc(3);
    h = await buildHarness({ metrics: registry });
  });
  afterAll(async () => h.close());

  it('returns the Prometheus text format', async () => {
    const res = await request(h.app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toContain('edx_test_packages_total 3');
  });
});
