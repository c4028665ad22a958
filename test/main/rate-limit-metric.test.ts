/**
 * The per-agency limits as the axis composes them from its configuration (AGENCY_REQUESTS_PER_MINUTE): the request over
 * the limit is refused with 429 and counted in `edx_rate_limited_total{reason}` on /metrics, where operators alert on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEvidenceAxis, type EvidenceAxis } from './evidence-fixture.js';

let a: EvidenceAxis;
beforeAll(async () => {
  a = await startEvidenceAxis({ AGENCY_REQUESTS_PER_MINUTE: '3' });
});
afterAll(async () => a?.stop());

describe('per-agency limits in a running axis', () => {
  it('refuses the request over AGENCY_REQUESTS_PER_MINUTE and counts it in edx_rate_limited_total', async () => {
    const before = await (await fetch(`${a.baseUrl}/metrics`)).text();
    expect(before).not.toMatch(/^edx_rate_limited_total\{reason="requests"\} [1-9]/m);
    const statuses: number[] = [];
    // Three fit in a minute: of seven, one is refused even if a minute turns over among them.
    for (let i = 0; i < 7 && !statuses.includes(429); i++) statuses.push((await a.clients.h40.request('GET', '/v1/inbox')).status);
    expect(statuses).toContain(429);
    const after = await (await fetch(`${a.baseUrl}/metrics`)).text();
    expect(after).toMatch(/^edx_rate_limited_total\{reason="requests"\} 1$/m);
  });
});
