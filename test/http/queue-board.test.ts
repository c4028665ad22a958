import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { queueBoard } from '../../src/http/queue-board.js';
import { ARCHIVIST_TOKEN, buildHarness, OPERATOR_TOKEN, type Harness } from './harness.js';

describe('Bull Board at /admin/queues is for operators only', () => {
  const name = `test-board-${randomBytes(4).toString('hex')}`;
  let queue: Queue;
  let h: Harness;
  beforeAll(async () => {
    queue = new Queue(name, { connection: { host: '127.0.0.1', port: 6379 } });
    h = await buildHarness({ adminUi: queueBoard([queue]) });
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await h.close();
  });

  it('without a token 401, with an archivist token 403', async () => {
    expect((await request(h.app).get('/admin/queues')).status).toBe(401);
    expect((await request(h.app).get('/admin/queues').set('Authorization', `Bearer ${ARCHIVIST_TOKEN}`)).status).toBe(403);
  });

  it('an operator sees the board and the queue with its jobs', async () => {
    await queue.add('deliver', { deliveryId: 'd1' }, { jobId: 'd1', delay: 60_000 });
    const auth = { Authorization: `Bearer ${OPERATOR_TOKEN}` };
    const page = await request(h.app).get('/admin/queues').set(auth);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html');
    const api = await request(h.app).get('/admin/queues/api/queues').set(auth);
    expect(api.status).toBe(200);
    const found = (api.body.queues as { name: string; counts: Record<string, number> }[]).find((q) => q.name === name);
    expect(found?.counts['delayed']).toBe(1);
  });
});
