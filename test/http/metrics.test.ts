import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildHarness, OPERATOR_TOKEN, type Harness } from './harness.js';

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

  it('not to a caller relayed by a proxy on this host (it looks local but says it is forwarded), unless it has an operator token', async () => {
    for (const header of [{ 'X-Forwarded-For': '203.0.113.7' }, { Forwarded: 'for=203.0.113.7;proto=https' }, { 'X-Real-IP': '203.0.113.7' }, { Via: '1.1 nginx' }]) {
      const res = await request(h.app).get('/metrics').set(header);
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 401, code: 'AUTH_MISSING' });
      expect(res.text).not.toContain('edx_test_packages_total');
    }
    const operator = await request(h.app).get('/metrics').set({ 'X-Forwarded-For': '203.0.113.7', Authorization: `Bearer ${OPERATOR_TOKEN}` });
    expect(operator.status).toBe(200);
    expect(operator.text).toContain('edx_test_packages_total 3');
  });
});
