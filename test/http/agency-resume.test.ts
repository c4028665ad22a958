/**
 * Resuming an agency through the operator API also wakes the deliveries held while it was suspended (the delivery
 * admin's wakeHeld), and a failure to wake them (Redis away) does not undo or fail the resume: they then go out at
 * their next recheck.
 */
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryAdmin } from '../../src/exchange/delivery/dead-letters.js';
import { buildHarness, OPERATOR_TOKEN, type Harness } from './harness.js';

const AGENCY = '000.00.00.H41';

function recordingDeliveries(wake: (organId: string) => Promise<number>): DeliveryAdmin & { woken: string[] } {
  const woken: string[] = [];
  return {
    woken,
    async listDead() { return { items: [] }; },
    async list() { return { items: [] }; },
    async replay(deliveryId) { return { deliveryId, state: 'pending', receipt: undefined }; },
    async wakeHeld(organId) {
      woken.push(organId);
      return wake(organId);
    },
  };
}

describe('POST /v1/admin/agencies/:organId/resume', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const post = (path: string) => request(h!.app).post(path).set('Authorization', `Bearer ${OPERATOR_TOKEN}`);

  it('resumes the agency and wakes its held deliveries', async () => {
    const deliveries = recordingDeliveries(async () => 2);
    h = await buildHarness({ deliveries });
    await h.add(AGENCY);
    expect((await post(`/v1/admin/agencies/${AGENCY}/suspend`)).body.state).toBe('suspended');
    expect(deliveries.woken).toEqual([]);
    const resumed = await post(`/v1/admin/agencies/${AGENCY}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.state).toBe('active');
    expect(deliveries.woken).toEqual([AGENCY]);
  });

  it('still resumes (200, active) when the held deliveries cannot be woken now', async () => {
    const deliveries = recordingDeliveries(async () => { throw new Error('Redis is away'); });
    h = await buildHarness({ deliveries });
    await h.add(AGENCY);
    await post(`/v1/admin/agencies/${AGENCY}/suspend`);
    const resumed = await post(`/v1/admin/agencies/${AGENCY}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.state).toBe('active');
    expect((await h.agencies.getAgency(AGENCY)).state).toBe('active');
    expect(deliveries.woken).toEqual([AGENCY]);
    // The operator's log says why they did not go out at once.
    expect(h.logLines.filter((l) => l['organId'] === AGENCY)).toMatchObject([{ level: 40, err: 'Redis is away' }]);
  });

  it('an unknown agency is a 404 and wakes nothing', async () => {
    const deliveries = recordingDeliveries(async () => 0);
    h = await buildHarness({ deliveries });
    const res = await post('/v1/admin/agencies/000.00.00.Z99/resume');
    expect(res.status).toBe(404);
    expect(deliveries.woken).toEqual([]);
  });
});
