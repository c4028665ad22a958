/**
 * The archive API over the real gateway, exchange and embedded store: documents sent in the test found by words,
 * agency and status; receipts across agencies (JSON and CSV); statistics; what is due and late. Archivists and
 * operators with bearer tokens; an agency system gets 403 on the archivists' endpoints and never another agency's data.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExchangeFixture, type ExchangeFixture, type TestAgency } from './exchange-fixture.js';

let f: ExchangeFixture;
let A: TestAgency;
let B: TestAgency;
let C: TestAgency;
const doc1 = '000.00.00.H40,2026/03/16,101/UBND-VP';
const doc2 = '000.00.00.H40,2026/03/16,102/UBND-VP';
const archivist = () => ({ Authorization: `Bearer ${f.archivistToken}` });
const operator = () => ({ Authorization: `Bearer ${f.operatorToken}` });
const get = (path: string, headers: Record<string, string>) => request(f.app).get(path).set(headers);

beforeAll(async () => {
  f = await buildExchangeFixture();
  A = await f.agency('000.00.00.H40');
  B = await f.agency('000.00.12.H40');
  C = await f.agency('000.00.00.C03');
  expect((await f.send(A, await f.documentFrom(A, { to: [B.organId], documentId: doc1, subject: 'Công văn về việc triển khai trục liên thông văn bản', priority: 2 }))).status).toBe(202);
  expect((await f.send(A, await f.documentFrom(A, { to: [C.organId], documentId: doc2, subject: 'Báo cáo tài chính quý I' }))).status).toBe(202);
  expect((await f.send(B, await f.statusFrom(B, { sender: A.organId, documentId: doc1, code: '01' }))).status).toBe(202);
});
afterAll(async () => f?.close());

describe('GET /v1/documents (archivists)', () => {
  it('finds documents by words, without minding case or diacritics', async () => {
    const res = await get(`/v1/documents?q=${encodeURIComponent('cong van TRIEN KHAI')}`, archivist());
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { documentId: string }) => i.documentId)).toEqual([doc1]);
    expect(res.body.items[0]).toMatchObject({ from: A.organId, to: [B.organId], priority: 2, subject: 'Công văn về việc triển khai trục liên thông văn bản', statuses: [{ recipient: B.organId, code: '01' }] });
    expect(res.body.nextCursor).toBeUndefined();
    expect((await get(`/v1/documents?q=${encodeURIComponent('Báo cáo')}`, archivist())).body.items.map((i: { documentId: string }) => i.documentId)).toEqual([doc2]);
    expect((await get('/v1/documents?q=102%2FUBND-VP', archivist())).body.items.map((i: { documentId: string }) => i.documentId)).toEqual([doc2]);
  });

  it('filters by agency, current status and period', async () => {
    const ids = async (query: string) => (await get(`/v1/documents?${query}`, archivist())).body.items.map((i: { documentId: string }) => i.documentId);
    expect(await ids(`agency=${C.organId}`)).toEqual([doc2]);
    expect(await ids(`agency=${A.organId}`)).toEqual([doc2, doc1]);
    expect(await ids('status=01')).toEqual([doc1]);
    expect(await ids('status=none')).toEqual([doc2]);
    expect(await ids('status=03')).toEqual([]);
    expect(await ids('to=2020-01-01')).toEqual([]);
    expect(await ids(`from=${new Date(Date.now() - 3600_000).toISOString()}`)).toEqual([doc2, doc1]);
  });

  it('pages with a cursor, newest first', async () => {
    const first = await get('/v1/documents?limit=1', archivist());
    expect(first.body.items.map((i: { documentId: string }) => i.documentId)).toEqual([doc2]);
    expect(typeof first.body.nextCursor).toBe('string');
    const second = await get(`/v1/documents?limit=1&cursor=${first.body.nextCursor}`, archivist());
    expect(second.body.items.map((i: { documentId: string }) => i.documentId)).toEqual([doc1]);
  });

  it.each([
    ['cursor=not-a-cursor', 'cursor'],
    ['status=07', 'status'],
    ['from=16/03/2026', 'from'],
    ['from=2026-03-17&to=2026-03-16', 'to'],
    ['agency=<script>', 'agency'],
    ['limit=0', 'limit'],
  ])('refuses %s with HTTP_QUERY_INVALID', async (query, name) => {
    const res = await get(`/v1/documents?${query}`, archivist());
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'HTTP_QUERY_INVALID', detail: expect.stringContaining(`"${name}"`) });
  });

  it('is for archivists: an agency system gets 403, an operator 403, nobody 401', async () => {
    const asAgency = await f.get(A, '/v1/documents?q=x');
    expect(asAgency.status).toBe(403);
    expect(asAgency.body.code).toBe('AUTH_FORBIDDEN');
    expect((await get('/v1/documents', operator())).status).toBe(403);
    expect((await request(f.app).get('/v1/documents')).status).toBe(401);
    expect((await get('/v1/documents', { Authorization: 'Bearer not-a-token' })).status).toBe(401);
  });
});

describe('GET /v1/receipts', () => {
  it('gives archivists the receipts of every agency, by document, type and agency', async () => {
    const all = await get('/v1/receipts', archivist());
    expect(all.status).toBe(200);
    const parties = new Set(all.body.items.flatMap((r: { parties: string[] }) => r.parties));
    expect([...parties].sort()).toEqual([A.organId, B.organId, C.organId].sort());
    const ofDoc1 = await get(`/v1/receipts?documentId=${encodeURIComponent(doc1)}`, archivist());
    expect(ofDoc1.body.items.map((r: { type: string }) => r.type)).toEqual(['accepted', 'accepted']);
    expect(ofDoc1.body.items.every((r: { documentId: string }) => r.documentId === doc1)).toBe(true);
    expect((await get(`/v1/receipts?agency=${C.organId}`, archivist())).body.items.every((r: { parties: string[] }) => r.parties.includes(C.organId))).toBe(true);
    expect((await get('/v1/receipts?type=rejected', archivist())).body.items).toEqual([]);
    // A status package's receipt is `accepted` (its detail names the code): there is no `status` type to ask for.
    const statusType = await get('/v1/receipts?type=status', archivist());
    expect([statusType.status, statusType.body.code]).toEqual([400, 'HTTP_QUERY_INVALID']);
    const page = await get('/v1/receipts?limit=1', archivist());
    expect(page.body.items).toHaveLength(1);
    expect(page.body.nextCursor).toBe(String(page.body.items[0].seq));
  });

  it('exports them as CSV for a spreadsheet', async () => {
    const res = await get(`/v1/receipts?format=csv&documentId=${encodeURIComponent(doc1)}`, archivist()).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks).toString('utf8')));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="bien-nhan.csv"');
    const text = res.body as string;
    expect(text.startsWith('\uFEFFseq,receipt_id,type,at,at_vietnam,document_id,')).toBe(true);
    const lines = text.trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(new RegExp(`,accepted,.*,\\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}:\\d{2},"${doc1.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}",`));
  });

  it('still gives an agency system only its own receipts, whatever it asks for', async () => {
    const res = await f.get(C, `/v1/receipts?agency=${A.organId}`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(res.body.items.every((r: { receipt: { parties: string[] } }) => r.receipt.parties.includes(C.organId))).toBe(true);
    expect((await get('/v1/receipts', operator())).status).toBe(403);
  });
});

describe('GET /v1/statistics', () => {
  it('counts today\'s exchange for archivists and operators, in JSON and CSV', async () => {
    for (const who of [archivist(), operator()]) {
      const res = await get('/v1/statistics?groupBy=day', who);
      expect(res.status).toBe(200);
      const today = res.body.totals.at(-1);
      expect(today).toMatchObject({ agency: '*', documentsSent: 2, documentsReceived: 2, statuses: { '01': 1 }, officialSignatures: { state: 'known', documents: 2, signed: 0, share: 0 }, agencySeals: { state: 'known', documents: 2, signed: 0 } });
      expect(res.body.rows.find((r: { agency: string; period: string }) => r.agency === C.organId && r.period === today.period)).toMatchObject({ documentsReceived: 1, documentsSent: 0 });
    }
    const csv = await get(`/v1/statistics?groupBy=year&agency=${A.organId}&format=csv`, operator());
    expect(csv.status).toBe(200);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="thong-ke-year.csv"');
    expect(csv.text.split('\r\n')[1]).toMatch(new RegExp(`^${A.organId.replace(/\./g, '\\.')},\\d{4},.*,2,0,`));
  });

  it('is refused to an agency system (403) and to a range too long for its grouping (400)', async () => {
    expect((await f.get(B, '/v1/statistics')).status).toBe(403);
    const long = await get('/v1/statistics?from=1990-01-01&groupBy=day', operator());
    expect(long.status).toBe(400);
    expect(long.body.code).toBe('ARCHIVE_PERIOD_TOO_LONG');
    expect((await get('/v1/statistics?groupBy=decade', operator())).body.code).toBe('HTTP_QUERY_INVALID');
  });
});

describe('GET /v1/deadlines', () => {
  it('shows operators what is late, and each agency only the statuses awaited from it', async () => {
    f.setArchiveNow(new Date(Date.now() + 20 * 86_400_000));
    try {
      const late = await get('/v1/deadlines?state=overdue', operator());
      expect(late.status).toBe(200);
      // doc1 was answered by B (01); doc2 waits for C.
      expect(late.body.items.map((i: { documentId: string; recipient: string }) => [i.documentId, i.recipient])).toEqual([[doc2, C.organId]]);
      expect(late.body.items[0]).toMatchObject({ state: 'overdue', escalated: true, sender: A.organId, priority: 0, urgent: false });
      expect((await get('/v1/deadlines?state=due', archivist())).body.items).toEqual([]);
      expect((await get(`/v1/deadlines?agency=${B.organId}`, operator())).body.items).toEqual([]);

      const own = await f.get(C, '/v1/deadlines');
      expect(own.status).toBe(200);
      expect(own.body.items.map((i: { documentId: string }) => i.documentId)).toEqual([doc2]);
      expect((await f.get(B, '/v1/deadlines')).body.items).toEqual([]);
      expect((await f.get(A, '/v1/deadlines')).body.items).toEqual([]);
      const other = await f.get(B, `/v1/deadlines?agency=${C.organId}`);
      expect(other.status).toBe(403);
      expect(other.body.code).toBe('AUTH_FORBIDDEN');
    } finally {
      f.setArchiveNow(undefined);
    }
  });

  it('says what is due now (the limit still ahead)', async () => {
    const due = await get('/v1/deadlines?state=due', operator());
    expect(due.body.items.map((i: { documentId: string }) => i.documentId)).toEqual([doc2]);
    expect(Date.parse(due.body.items[0].dueAt)).toBeGreaterThan(Date.now());
    expect((await get('/v1/deadlines?state=late', operator())).body.code).toBe('HTTP_QUERY_INVALID');
  });
});
