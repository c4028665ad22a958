/**
 * What is due and what is late (Decree 30/2020, Article 20), over a real store: deliveries still without their
 * recipient's first status, each with its limit in the working calendar; answered, revoked, undelivered and old ones
 * left out; one agency sees only the statuses awaited from it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeadlines } from '../../src/exchange/deadlines/delivery-deadlines.js';
import { DECREE_30_RULES } from '../../src/exchange/deadlines/status-deadline.js';
import type { EnvelopeRecord } from '../../src/exchange/model/index.js';
import type { Store } from '../../src/exchange/ports/index.js';
import { shippedCalendar } from '../calendar/shipped-calendar.js';
import { G22, H41, K01, M05 } from '../store/records.js';
import { documentAt, openArchiveStore, statusAt, vnIso } from './archive-records.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'edx-deadlines-'));
let store: Store;
let urgent: EnvelopeRecord;
let normal: EnvelopeRecord;
const calendar = shippedCalendar();
const list = (now: string, input: { state?: 'due' | 'overdue'; agency?: string } = {}) => listDeadlines({ store, calendar, rules: DECREE_30_RULES }, { ...input, now: new Date(vnIso(now)), watchDays: 30 });

beforeAll(async () => {
  store = await openArchiveStore(dataDir);
  // Friday afternoon, 13/03/2026: an urgent document (Priority 1) and an ordinary one, both to H41 and K01.
  urgent = await documentAt(store, { at: vnIso('2026-03-13 16:30'), from: G22, to: [H41], priority: 1 });
  normal = await documentAt(store, { at: vnIso('2026-03-13 15:00'), from: G22, to: [H41, K01], priority: 0 });
  // Answered the same day: nothing awaited.
  const answered = await documentAt(store, { at: vnIso('2026-03-13 09:00'), from: G22, to: [H41] });
  await statusAt(store, vnIso('2026-03-13 10:00'), H41, answered, '01', undefined);
  // Revoked, never delivered (dead), and older than the watch looks back: none is awaited.
  await documentAt(store, { at: vnIso('2026-03-12 09:00'), from: G22, to: [M05] }, (b) => { b.envelope.revokedAt = vnIso('2026-03-12 10:00'); });
  await documentAt(store, { at: vnIso('2026-03-12 09:00'), from: G22, to: [M05], deliveries: { [M05]: { state: 'dead', attempts: 5 } } });
  await documentAt(store, { at: vnIso('2026-01-05 09:00'), from: G22, to: [M05] });
  // A status package is no document awaiting a status.
  await statusAt(store, vnIso('2026-03-13 11:00'), K01, normal, '01', undefined);
});
afterAll(async () => {
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('deadlines', () => {
  it('on Monday at noon the urgent document is late (due 09:30) and the ordinary one due at 17:00', async () => {
    const { items, truncated, since } = await list('2026-03-16 12:00');
    expect(truncated).toBe(false);
    expect(since).toBe(new Date(new Date(vnIso('2026-03-16 12:00')).getTime() - 30 * 86_400_000).toISOString());
    expect(items.map((i) => [i.packageId, i.recipient, i.state, i.dueAt, i.escalated])).toEqual([
      [urgent.id, H41, 'overdue', vnIso('2026-03-16 09:30'), false],
      [normal.id, H41, 'due', vnIso('2026-03-16 17:00'), false],
    ]);
    expect(items[0]).toMatchObject({ documentId: urgent.documentId, sender: G22, priority: 1, urgent: true, deliveredAt: vnIso('2026-03-13 16:30'), escalateAt: vnIso('2026-03-17 09:30'), subject: urgent.subject });
  });

  it('on Tuesday the urgent one is escalated and the ordinary one late', async () => {
    const { items } = await list('2026-03-17 10:00');
    expect(items.map((i) => [i.packageId, i.state, i.escalated])).toEqual([[urgent.id, 'overdue', true], [normal.id, 'overdue', false]]);
  });

  it('filters by state and by the agency whose status is awaited', async () => {
    expect((await list('2026-03-16 12:00', { state: 'due' })).items.map((i) => i.packageId)).toEqual([normal.id]);
    expect((await list('2026-03-16 12:00', { state: 'overdue' })).items.map((i) => i.packageId)).toEqual([urgent.id]);
    expect((await list('2026-03-16 12:00', { agency: H41 })).items).toHaveLength(2);
    // K01 answered: nothing awaited from it; G22 sent them: nothing awaited from it either.
    expect((await list('2026-03-16 12:00', { agency: K01 })).items).toEqual([]);
    expect((await list('2026-03-16 12:00', { agency: G22 })).items).toEqual([]);
  });
});
