/**
 * The government SDK's operations against the real gateway, driven by a client that behaves exactly like the SDK
 * (one service object, frozen timestamp, accumulating headers): one exchange, two dialects.
 */
import { createHash } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestAgency } from '../http/exchange-fixture.js';
import { startSdkGateway, type SdkGateway } from './sdk-gateway.js';
import type { SdkClient } from './sdk-client.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let g: SdkGateway;
let A: TestAgency;
let B: TestAgency;
let B2: TestAgency;
let sender: SdkClient;
let hub: SdkClient;

beforeAll(async () => {
  g = await startSdkGateway();
  A = await g.f.agency('000.00.00.G22');
  B = await g.f.agency('000.00.00.H41');
  B2 = await g.f.agency('000.00.12.H41');
  sender = (await g.system('vxp.saas.03', [A.organId])).client();
  // A provincial hub speaks for two agencies.
  hub = (await g.system('vxp.hub.h41', [B.organId, B2.organId])).client();
});
afterAll(async () => g?.close());

/** Every list entry is an object of strings: no JSON null anywhere (the SDK drops a whole list for one). */
function expectNoNull(value: unknown): void {
  expect(JSON.stringify(value)).not.toContain('null');
}

describe('a document from one system to a hub, and statuses back', () => {
  let docId: string;
  let bytes: Buffer;

  it('sendEdoc accepts the signed package (raw file + CRLF) and answers OK with DocId, in ASCII', async () => {
    bytes = await g.f.documentFrom(A, { to: [B.organId, B2.organId], subject: 'Về việc thử nghiệm bộ SDK' });
    const reply = await sender.sendEdoc({ from: A.organId, servicetype: 'eDoc', messagetype: 'edoc' }, bytes);
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ status: 'OK', ErrorCode: '0', DocId: expect.stringMatching(/^pkg_/) });
    expect(reply.body.toString('latin1')).toMatch(/^[\x20-\x7e]*$/);
    docId = String(reply.json?.['DocId']);
    expect(await g.f.store.blobs.read(sha256(bytes))).toEqual(bytes);
  });

  it('the same file posted again (the SDK may) answers the same DocId and stores nothing new', async () => {
    const before = await g.f.snapshot();
    const again = await sender.sendEdoc({ from: A.organId, servicetype: 'eDoc', messagetype: 'edoc' }, bytes);
    expect(again.json).toMatchObject({ status: 'OK', DocId: docId });
    expect(await g.f.snapshot()).toEqual(before);
  });

  it('the hub counts and lists what arrived for both its agencies, members as strings and never null', async () => {
    expect((await hub.post('countReceiveEdoc', { servicetype: 'eDoc', messagetype: 'edoc' }, 'braces')).json).toMatchObject({ status: 'OK', count: 2 });
    expect((await hub.post('countReceiveStatus', { servicetype: 'eDoc', messagetype: 'status' }, 'braces')).json).toMatchObject({ status: 'OK', count: 0 });
    const list = await hub.post('getReceivedEdocList', { servicetype: 'eDoc', messagetype: 'edoc' }, 'empty');
    expect(list.json).toMatchObject({ status: 'OK', ErrorCode: '0' });
    const data = list.json?.['data'] as Record<string, string>[];
    expect(data.map((d) => [d['docId'], d['to'], d['from'], d['messageType'], d['serviceType']]).sort()).toEqual([
      [docId, B.organId, A.organId, 'edoc', 'eDoc'], [docId, B2.organId, A.organId, 'edoc', 'eDoc'],
    ].sort());
    expect(data[0]).toMatchObject({ status: 'available', status_desc: 'Chờ tải về', created_time: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) });
    expectNoNull(list.json);
  });

  it('getEdoc answers base64 of the byte-exact package; downloadEdoc the raw bytes', async () => {
    // The hub's header map still holds messagetype and servicetype from the list calls: accumulated headers are fine.
    const got = await hub.post('getEdoc', { filePath: 'C:/edoc/store', docId }, 'braces');
    expect(got.json).toMatchObject({ status: 'OK', ErrorCode: '0' });
    expect(Buffer.from(String(got.json?.['data']), 'base64')).toEqual(bytes);
    const raw = await hub.get('downloadEdoc', { filePath: 'C:/edoc/store', docId });
    expect(raw.status).toBe(200);
    expect(raw.body).toEqual(bytes);
    const receipts = await g.f.store.listReceipts({ envelopeId: docId, limit: 20 });
    expect(receipts.filter((r) => r.type === 'fetched').map((r) => r.parties[1])).toEqual([B.organId]);
  });

  it('updateStatus done is the transport acknowledgement: the package leaves the hub\'s list; processing and fail change nothing', async () => {
    expect((await hub.post('updateStatus', { status: 'processing', docId }, 'braces')).json).toMatchObject({ status: 'OK' });
    expect((await hub.post('updateStatus', { status: 'fail', docId }, 'braces')).json).toMatchObject({ status: 'OK' });
    expect((await hub.post('countReceiveEdoc', { messagetype: 'edoc' }, 'braces')).json).toMatchObject({ count: 2 });
    const done = await hub.post('updateStatus', { status: 'done', docId }, 'braces');
    expect(done.json).toMatchObject({ status: 'OK', ErrorCode: '0' });
    // Idempotent: the SDK may post it again.
    expect((await hub.post('updateStatus', { status: 'done', docId }, 'braces')).json).toMatchObject({ status: 'OK' });
    const receipts = await g.f.store.listReceipts({ envelopeId: docId, limit: 20 });
    expect(receipts.filter((r) => r.type === 'acknowledged')).toHaveLength(1);
    expect((await hub.post('countReceiveEdoc', { messagetype: 'edoc' }, 'braces')).json).toMatchObject({ count: 1 });
  });

  it('a status package sent through the SDK (messagetype status) is routed to the sender, and the sender sees it through /v1', async () => {
    const status = await g.f.statusFrom(B, { sender: A.organId, documentId: (await g.f.store.getEnvelope(docId))!.documentId, code: '01' });
    const sent = await hub.sendEdoc({ from: B.organId, servicetype: 'eDoc', messagetype: 'status' }, status);
    expect(sent.json).toMatchObject({ status: 'OK', DocId: expect.stringMatching(/^pkg_/) });
    const inbox = await g.f.get(A, '/v1/inbox');
    expect(inbox.body.items.map((i: { packageId: string; kind: string }) => [i.packageId, i.kind])).toContainEqual([sent.json?.['DocId'], 'status']);
    // And through the SDK too: the sender's own system lists statuses.
    const list = await sender.post('getReceivedEdocList', { servicetype: 'eDoc', messagetype: 'status' }, 'empty');
    expect((list.json?.['data'] as { docId: string }[]).map((d) => d.docId)).toEqual([sent.json?.['DocId']]);
  });

  it('getSentEdocList shows, per recipient, where the delivery stands (all, or one by docId)', async () => {
    const all = await sender.post('getSentEdocList', { servicetype: 'eDoc', messagetype: 'edoc' }, 'empty');
    const data = all.json?.['data'] as Record<string, string>[];
    expect(data.map((d) => [d['senderDocId'], d['toCode'], d['receiveStatus']]).sort()).toEqual([
      [docId, B.organId, 'acknowledged'], [docId, B2.organId, 'available'],
    ].sort());
    expect(data[0]).toMatchObject({ fromCode: A.organId, title: 'Về việc thử nghiệm bộ SDK', sendStatus: 'sent' });
    expectNoNull(all.json);
    const one = await sender.post('getSentEdocList', { servicetype: 'eDoc', messagetype: 'edoc', docId }, 'empty');
    expect((one.json?.['data'] as unknown[]).length).toBe(2);
  });
});

describe('the other direction and the directory', () => {
  it('a package sent through /v1 is received through the SDK', async () => {
    const bytes = await g.f.documentFrom(A, { to: [B2.organId] });
    const sent = await g.f.send(A, bytes);
    expect(sent.status).toBe(202);
    const list = await hub.post('getReceivedEdocList', { messagetype: 'edoc' }, 'empty');
    expect((list.json?.['data'] as { docId: string; to: string }[]).filter((d) => d.docId === sent.body.packageId).map((d) => d.to)).toEqual([B2.organId]);
    const got = await hub.post('getEdoc', { docId: sent.body.packageId }, 'braces');
    expect(Buffer.from(String(got.json?.['data']), 'base64')).toEqual(bytes);
  });

  it('lists the agencies (getAgenciesList, getAgenciesListQD20 by level, getSynchronizeUnit) with no null member', async () => {
    const list = await sender.post('getAgenciesList', {}, 'empty');
    expect((list.json?.['data'] as { code: string }[]).map((a) => a.code)).toEqual(expect.arrayContaining([A.organId, B.organId, B2.organId]));
    expectNoNull(list.json);
    const qd20 = await sender.post('getAgenciesListQD20', { level: '1' }, 'empty');
    expect((qd20.json?.['data'] as { code102: string }[]).map((a) => a.code102)).toContain(A.organId);
    const sync = await sender.post('getSynchronizeUnit', {}, 'empty');
    expect(sync.json).toMatchObject({ status: 'OK', version: expect.any(Number), deleted: false, isAgency: true });
    expectNoNull(sync.json);
  });

  it('registerAgency records a suspended agency for the operator; deleteAgency stops the system acting for one of its agencies', async () => {
    const registered = await hub.postData('registerAgency', {}, JSON.stringify({ id: '', pcode: B.organId, code: '000.01.12.H41', name: 'Phòng Nội vụ', mail: 'pnv@example.vn', mobile: '', fax: '' }));
    expect(registered.json).toMatchObject({ status: 'OK', ErrorCode: '0' });
    expect(await g.f.agencies.getAgency('000.01.12.H41')).toMatchObject({ state: 'suspended', parentOrganId: B.organId });
    expect((await hub.postData('registerAgency', {}, JSON.stringify({ code: '000.01.12.H41', name: 'again' }))).json).toMatchObject({ status: 'FAIL', ErrorCode: 'AGENCY_EXISTS' });

    const third = (await g.system('vxp.hub.tmp', [B.organId, B2.organId])).client();
    expect((await third.post('deleteAgency', { AgencyCode: B2.organId }, 'braces')).json).toMatchObject({ status: 'OK' });
    expect((await g.f.systems.getSystem('vxp.hub.tmp')).agencies).toEqual([B.organId]);
    expect((await third.post('deleteAgency', { AgencyCode: A.organId }, 'braces')).json).toMatchObject({ status: 'FAIL', ErrorCode: 'VDXP_FOREIGN_AGENCY' });
    expect((await request(g.f.app).get('/healthz')).status).toBe(200);
  });
});
