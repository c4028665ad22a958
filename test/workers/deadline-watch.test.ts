/**
 * The maintenance worker watches the Decree 30 time limits: a passed limit raises one reminder, and one escalation
 * after the second period, each as a metric, a log line and a webhook POST; a later run, or another worker, does not
 * raise them again.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DECREE_30_RULES } from '../../src/exchange/deadlines/status-deadline.js';
import { shippedCalendar } from '../calendar/shipped-calendar.js';
import { documentAt, vnIso } from '../archive/archive-records.js';
import { openTestAxis, type TestAxis } from '../delivery/harness.js';
import { G22, H41 } from '../store/records.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers, type TestWorkers } from './worker-fixture.js';

describe('the deadline watch', () => {
  let axis: TestAxis;
  let workers: TestWorkers | undefined;
  let hook: Server;
  const posted: Record<string, unknown>[] = [];
  beforeEach(async () => {
    axis = await openTestAxis();
    posted.length = 0;
    hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        posted.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    await workers?.dispose();
    workers = undefined;
    await axis.close();
    await new Promise((resolve) => hook.close(resolve));
  });

  it('reminds once when a limit passes and escalates once after the second period', async () => {
    const urgent = await documentAt(axis.store, { at: vnIso('2026-03-13 16:30'), from: G22, to: [H41], priority: 1 });
    const normal = await documentAt(axis.store, { at: vnIso('2026-03-13 15:00'), from: G22, to: [H41] });
    const now = new Date(vnIso('2026-03-17 10:00'));
    workers = await startTestWorkers(axis, {
      roles: { delivery: false, maintenance: true },
      deadlines: { calendar: shippedCalendar(), rules: DECREE_30_RULES, watchDays: 30, checkEveryMs: 200 },
      now: () => now,
      alertWebhookUrl: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts`,
    });
    await waitFor(() => expect(posted).toHaveLength(3));
    const seen = posted.map((p) => [p['type'], p['packageId']]).sort((a, b) => `${a}`.localeCompare(`${b}`));
    expect(seen).toEqual([['edx.deadline.escalated', urgent.id], ['edx.deadline.overdue', normal.id], ['edx.deadline.overdue', urgent.id]].sort((a, b) => `${a}`.localeCompare(`${b}`)));
    expect(posted.find((p) => p['type'] === 'edx.deadline.escalated')).toMatchObject({ recipient: H41, sender: G22, dueAt: vnIso('2026-03-16 09:30'), priority: 1, at: now.toISOString() });

    const reminders = workers.log.lines.filter((l) => l.details['alert'] === 'deadline-reminder');
    const escalations = workers.log.lines.filter((l) => l.details['alert'] === 'deadline-escalation');
    expect(reminders.map((l) => [l.level, l.details['packageId']]).sort()).toEqual([['warn', normal.id], ['warn', urgent.id]].sort());
    expect(escalations).toEqual([expect.objectContaining({ level: 'error', message: expect.stringMatching(/still has no status from its recipient/) })]);
    const alerts = await workers.metrics.deadlineAlerts.get();
    expect(Object.fromEntries(alerts.values.map((v) => [v.labels['level'], v.value]))).toEqual({ reminder: 2, escalation: 1 });
    expect((await workers.metrics.deadlinesOverdue.get()).values[0]?.value).toBe(2);

    // Another run (the schedule's next, or another worker's) finds them remembered: nothing raised again.
    expect(await workers.maintenance!.runTask('deadline-watch')).toEqual({ overdue: 2, reminded: 0, escalated: 0 });
  });

  it('does not run without the deadline settings', async () => {
    workers = await startTestWorkers(axis, { roles: { delivery: false, maintenance: true } });
    expect(await workers.maintenance!.runTask('deadline-watch')).toEqual({ ran: false });
  });
});
