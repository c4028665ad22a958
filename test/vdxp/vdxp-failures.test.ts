/**
 * Every failure mode of PROTOCOL.md §4.3, from the server's side: each is a well-formed FAIL reply (status, ErrorCode
 * other than "0", ErrorDesc, and DocId for sendEdoc; never a JSON null), nothing is stored (a package refused after
 * the system was authenticated leaves only its sealed `rejected` receipt, as through /v1), and the service goes on.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestAgency } from '../http/exchange-fixture.js';
import { SdkClient, type SdkReply } from './sdk-client.js';
import { startSdkGateway, type SdkGateway } from './sdk-gateway.js';

let g: SdkGateway;
let A: TestAgency;
let B: TestAgency;
let stranger: TestAgency;
let secret: string;

beforeAll(async () => {
  g = await startSdkGateway({ maxPackageBytes: 256 * 1024 });
  A = await g.f.agency('000.00.00.G22');
  B = await g.f.agency('000.00.00.H41');
  stranger = await g.f.agency('000.00.00.K01');
  secret = (await g.system('vxp.saas.03', [A.organId])).secret;
});
afterAll(async () => g?.close());

const client = (over: Partial<{ systemId: string; secret: string }> = {}) => new SdkClient({ endpoint: g.endpoint, systemId: over.systemId ?? 'vxp.saas.03', secret: over.secret ?? secret });

async function failed(send: () => Promise<SdkReply>, code: string, opts: { sendEdoc?: boolean; rejectedReceipt?: boolean } = {}): Promise<SdkReply> {
  const before = await g.f.snapshot();
  const reply = await send();
  expect(reply.status).toBe(200);
  expect(reply.json).toMatchObject({ status: 'FAIL', ErrorCode: code, ErrorDesc: expect.any(String) });
  expect(String(reply.json?.['ErrorDesc']).length).toBeGreaterThan(10);
  if (opts.sendEdoc) expect(reply.json?.['DocId']).toBe('');
  expect(reply.body.toString('utf8')).not.toContain('null');
  const after = await g.f.snapshot();
  expect(after).toEqual({ ...before, chainSeq: before.chainSeq + (opts.rejectedReceipt ? 1 : 0) });
  expect((await request(g.f.app).get('/healthz')).status).toBe(200);
  return reply;
}

describe('refusals of the SDK dialect', () => {
  it('a wrong secret and an unknown system get the same answer', async () => {
    const file = await g.f.documentFrom(A, { to: [B.organId] });
    const wrong = await failed(() => client({ secret: 'A7TKG/r2gOKTEpe1MhWx6zw8O4JfzN0KkCRS6HZY81Ve' }).sendEdoc({ from: A.organId, servicetype: 'eDoc', messagetype: 'edoc' }, file), 'VDXP_AUTH_INVALID', { sendEdoc: true });
    const unknown = await failed(() => client({ systemId: 'vxp.nobody.99' }).sendEdoc({ from: A.organId }, file), 'VDXP_AUTH_INVALID', { sendEdoc: true });
    expect(unknown.json?.['ErrorDesc']).toBe(wrong.json?.['ErrorDesc']);
    await failed(() => client({ secret: 'wrong' }).post('getReceivedEdocList', { messagetype: 'edoc' }, 'empty'), 'VDXP_AUTH_INVALID');
  });

  it('a system acting for an agency it was not given: refused before the body is read, nothing recorded', async () => {
    const file = await g.f.documentFrom(stranger, { to: [B.organId] });
    await failed(() => client().sendEdoc({ from: stranger.organId, servicetype: 'eDoc', messagetype: 'edoc' }, file), 'VDXP_FOREIGN_AGENCY', { sendEdoc: true });
    // The package's From is another agency than the signed from: the exchange's own rule, recorded as a refusal.
    await failed(() => client().sendEdoc({ from: A.organId, servicetype: 'eDoc', messagetype: 'edoc' }, file), 'EXCHANGE_FROM_NOT_CALLER', { sendEdoc: true, rejectedReceipt: true });
  });

  it('a body altered on the way no longer matches its signed hash-file', async () => {
    const file = await g.f.documentFrom(A, { to: [B.organId] });
    const c = client();
    c.onWire = (headers, body) => {
      const altered = Buffer.from(body!);
      altered[100] = altered[100]! ^ 0x20;
      return { headers, body: altered };
    };
    await failed(() => c.sendEdoc({ from: A.organId, servicetype: 'eDoc', messagetype: 'edoc' }, file), 'VDXP_HASH_FILE_MISMATCH', { sendEdoc: true });
  });

  it('a signed header changed on the way, a header sent twice, and a request without the SDK\'s headers', async () => {
    const file = await g.f.documentFrom(A, { to: [B.organId] });
    const changed = client();
    changed.onWire = (headers, body) => ({ headers: headers.map(([n, v]) => [n, n === 'XroadVnpt-from' ? B.organId : v]), body });
    await failed(() => changed.sendEdoc({ from: A.organId, servicetype: 'eDoc', messagetype: 'edoc' }, file), 'VDXP_AUTH_INVALID', { sendEdoc: true });
    const doubled = client();
    doubled.onWire = (headers, body) => ({ headers: [...headers, ...headers.filter(([n]) => n === 'XroadVnpt-hash-header')], body });
    await failed(() => doubled.post('getAgenciesList', {}, 'empty'), 'VDXP_AUTH_MALFORMED');
    const bare = client();
    bare.onWire = (headers, body) => ({ headers: headers.filter(([n]) => !n.startsWith('XroadVnpt-')), body });
    await failed(() => bare.post('getAgenciesList', {}, 'empty'), 'VDXP_AUTH_MISSING');
  });

  it('malformed edXML: refused with the format\'s code and a rejected receipt, no envelope', async () => {
    const junk = Buffer.from('1212<?xml version="1.0"?><edXML/>');
    await failed(() => client().sendEdoc({ from: A.organId, servicetype: 'eDoc', messagetype: 'edoc' }, junk), 'EDXML_NOT_WELL_FORMED', { sendEdoc: true, rejectedReceipt: true });
  });

  it('an unknown docId: getEdoc and updateStatus FAIL; downloadEdoc answers an empty body', async () => {
    await failed(() => client().post('getEdoc', { docId: 'pkg_nothere' }, 'braces'), 'EXCHANGE_NOT_FOUND');
    await failed(() => client().post('updateStatus', { status: 'done', docId: 'pkg_nothere' }, 'braces'), 'EXCHANGE_NOT_FOUND');
    const download = await client().get('downloadEdoc', { docId: 'pkg_nothere' });
    expect(download.body.length).toBe(0);
    await failed(() => client().post('updateStatus', { status: 'archived', docId: 'pkg_nothere' }, 'braces'), 'VDXP_STATUS_UNKNOWN');
  });

  it('a suspended system is refused until resumed', async () => {
    await g.f.systems.suspend('vxp.saas.03');
    await failed(() => client().post('getAgenciesList', {}, 'empty'), 'VDXP_SYSTEM_SUSPENDED');
    await g.f.systems.resume('vxp.saas.03');
    expect((await client().post('getAgenciesList', {}, 'empty')).json).toMatchObject({ status: 'OK' });
  });
});
