/**
 * Exchange API v1 end to end: the real gateway, the real exchange use-cases over the embedded store, real Redis,
 * real XMLDSig signatures by certificates of a test PKI. Every refused request is checked to leave the service up and
 * to store nothing, except one sealed `rejected` receipt for a package refused after its sender was authenticated.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildDocumentPackage } from '../../src/edxml/index.js';
import { loadAxisIdentity, verifyReceipt, verifyReceiptChain } from '../../src/ledger/index.js';
import { signRequest } from '../../src/http/rest/request-signing.js';
import { buildExchangeFixture, type ExchangeFixture, type TestAgency } from './exchange-fixture.js';
import { setUpStep } from '../support/delivery-step.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let f: ExchangeFixture;
let A: TestAgency;
let B: TestAgency;
let C: TestAgency;
beforeAll(async () => {
  f = await buildExchangeFixture({ maxPackageBytes: 2 * 1024 * 1024 });
  A = await f.agency('000.00.00.H40');
  B = await f.agency('000.00.12.H40');
  C = await f.agency('000.00.00.C03');
});
afterAll(async () => f?.close());

/** Sends a refused request and checks: the expected status and code, nothing stored, the service still answers. */
async function refused(send: () => Promise<request.Response>, status: number, code: string, bytes?: Uint8Array): Promise<request.Response> {
  const before = await f.snapshot();
  const res = await send();
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(typeof res.body.detail).toBe('string');
  expect(res.body.detail.length).toBeGreaterThan(10);
  expect(await f.snapshot()).toEqual(before);
  if (bytes) expect(await f.store.blobs.has(sha256(bytes))).toBe(false);
  expect((await request(f.app).get('/healthz')).status).toBe(200);
  return res;
}

/**
 * Sends a package the axis refuses after authenticating the caller: the expected status and code, and exactly one
 * new sealed `rejected` receipt naming only the caller (SHA-256, size, code), handed back in the problem body; no
 * envelope, blob, delivery or upload left; the chain still verifies; the service still answers.
 */
async function rejected(as: TestAgency, bytes: Uint8Array, status: number, code: string): Promise<request.Response> {
  const before = await f.snapshot();
  const res = await f.send(as, bytes);
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.detail.length).toBeGreaterThan(10);
  const after = await f.snapshot();
  expect(after).toEqual({ ...before, chainSeq: before.chainSeq + 1 });
  const [receipt] = await f.store.listReceipts({ after: before.chainSeq, limit: 10 });
  expect(receipt).toMatchObject({ type: 'rejected', seq: before.chainSeq + 1, parties: [as.organId], subjectSha256: sha256(bytes), detail: { code, size: bytes.byteLength } });
  expect(receipt?.envelopeId).toBeUndefined();
  expect(receipt?.documentId).toBeUndefined();
  expect(res.body.receiptId).toBe(receipt?.id);
  expect(res.body.receipt.receipt).toEqual(receipt);
  expect(verifyReceipt(res.body.receipt, { trustAnchors: f.receiptTrust })).toMatchObject({ valid: true, code: 'RECEIPT_OK' });
  expect(await f.store.blobs.has(sha256(bytes))).toBe(false);
  expect((await request(f.app).get('/healthz')).status).toBe(200);
  return res;
}

describe('send, receive, acknowledge', () => {
  let doc: Buffer;
  let packageId: string;
  let firstReceipt: { receipt: { id: string } };

  it('a signed document to a registered agency is accepted: 202 with a receipt that verifies offline', async () => {
    doc = await f.documentFrom(A, { to: [B.organId], documentId: '000.00.00.A01,2026/12/01,1/A01-VP' });
    const res = await f.send(A, doc);
    expect(res.status).toBe(202);
    expect(res.body.outcome).toBe('created');
    packageId = res.body.packageId;
    expect(res.headers['location']).toBe(`/v1/packages/${packageId}`);
    firstReceipt = res.body.receipt;
    expect(res.body.receipt.receipt).toMatchObject({ type: 'accepted', subjectSha256: sha256(doc), envelopeId: packageId });
    expect(verifyReceipt(res.body.receipt, { trustAnchors: f.receiptTrust })).toMatchObject({ valid: true, code: 'RECEIPT_OK' });
    expect(Buffer.compare(await f.store.blobs.read(sha256(doc)), doc)).toBe(0);
  });

  it('the same package again is 200 with the original receipt, and nothing new is stored', async () => {
    const before = await f.snapshot();
    const res = await f.send(A, doc);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'duplicate', packageId });
    expect(res.body.receipt).toEqual(firstReceipt);
    expect(await f.snapshot()).toEqual(before);
  });

  it('the same DocumentId with other bytes as a new document is 409 EXCHANGE_DOCUMENT_ID_CONFLICT', async () => {
    const other = await f.documentFrom(A, { to: [B.organId], documentId: '000.00.00.A01,2026/12/01,1/A01-VP', subject: 'Một nội dung khác' });
    await rejected(A, other, 409, 'EXCHANGE_DOCUMENT_ID_CONFLICT');
  });

  it('two different packages sent at once under one new DocumentId: one is accepted, the other is 409', async () => {
    const documentId = '000.00.00.A01,2026/12/01,21/A01-VP';
    // A recipient of its own (it sends nothing, so it needs no certificate): the others' inboxes stay as they are.
    const recipient = (await f.agencies.addAgency({ organId: '000.00.00.E05', name: 'Cơ quan E05' })).agency.organId;
    const [one, two] = await Promise.all(['Bản thứ nhất', 'Bản thứ hai'].map((subject) => f.documentFrom(A, { to: [recipient], documentId, subject })));
    const answers = await Promise.all([f.send(A, one!), f.send(A, two!)]);
    expect(answers.map((r) => r.status).sort()).toEqual([202, 409]);
    expect(answers.find((r) => r.status === 409)?.body.code).toBe('EXCHANGE_DOCUMENT_ID_CONFLICT');
    expect((await f.store.findDocuments(A.organId, documentId)).map((e) => e.id)).toEqual([answers.find((r) => r.status === 202)?.body.packageId]);
  });

  it('the recipient finds it in its inbox; nobody else does', async () => {
    const inbox = await f.get(B, '/v1/inbox');
    expect(inbox.status).toBe(200);
    expect(inbox.body.items.map((i: { packageId: string }) => i.packageId)).toEqual([packageId]);
    expect(inbox.body.items[0]).toMatchObject({ from: A.organId, to: [B.organId], sha256: sha256(doc), deliveryState: 'available' });
    expect((await f.get(C, '/v1/inbox')).body.items).toEqual([]);
    expect((await f.get(A, '/v1/inbox')).body.items).toEqual([]);
  });

  it('acknowledging before fetching is 409 EXCHANGE_NOT_FETCHED', async () => {
    await refused(() => f.post(B, `/v1/packages/${packageId}/ack`), 409, 'EXCHANGE_NOT_FETCHED');
  });

  it('HEAD and a matching If-None-Match send no bytes and record no download: the package stays in the inbox, no receipt', async () => {
    const path = `/v1/packages/${packageId}`;
    const head = (as: TestAgency) => request(f.app).head(path).set({ ...signRequest({ method: 'HEAD', path, keyId: as.creds.keyId, secret: as.creds.secret }) });
    const before = await f.snapshot();
    const answered = await head(B);
    expect(answered.status).toBe(200);
    expect(answered.headers['etag']).toBe(`"${sha256(doc)}"`);
    expect(answered.headers['content-length']).toBe(String(doc.byteLength));
    expect(answered.text ?? '').toBe('');
    const notModified = await f.get(B, path, { headers: { 'If-None-Match': `"${sha256(doc)}"` } });
    expect(notModified.status).toBe(304);
    // RFC 9110: a weak tag, a list, and * match as well.
    for (const condition of [`W/"${sha256(doc)}"`, `"0000", "${sha256(doc)}"`, '*']) {
      expect((await f.get(B, path, { headers: { 'If-None-Match': condition } })).status).toBe(304);
    }
    expect(await f.snapshot()).toEqual(before);
    expect((await f.store.listDeliveriesForEnvelope(packageId)).map((d) => d.state)).toEqual(['available']);
    expect((await f.get(B, '/v1/inbox')).body.items.map((i: { packageId: string }) => i.packageId)).toContain(packageId);
    // Checked as a download is: a stranger gets 404 either way.
    expect((await head(C)).status).toBe(404);
    expect((await f.get(C, path, { headers: { 'If-None-Match': `"${sha256(doc)}"` } })).status).toBe(404);
  });

  it('the recipient fetches the raw bytes byte-exact, ETag = SHA-256; If-None-Match gives 304', async () => {
    const res = await f.get(B, `/v1/packages/${packageId}`, { raw: true });
    expect(res.status).toBe(200);
    expect(Buffer.compare(res.body as Buffer, doc)).toBe(0);
    expect(res.headers['etag']).toBe(`"${sha256(doc)}"`);
    expect((await f.store.listDeliveriesForEnvelope(packageId)).map((d) => d.state)).toEqual(['fetched']);
    expect((await f.store.listReceipts({ envelopeId: packageId, limit: 10 })).map((r) => r.type)).toEqual(['accepted', 'fetched']);
    // Still in the inbox until acknowledged: only the acknowledgement says the bytes arrived whole.
    expect((await f.get(B, '/v1/inbox')).body.items).toMatchObject([{ packageId, deliveryState: 'fetched' }]);
    const again = await f.get(B, `/v1/packages/${packageId}`, { headers: { 'If-None-Match': `"${sha256(doc)}"` } });
    expect(again.status).toBe(304);
    // A stale ETag is a download again, but the first one is the one recorded.
    const stale = await f.get(B, `/v1/packages/${packageId}`, { raw: true, headers: { 'If-None-Match': '"0000"' } });
    expect(stale.status).toBe(200);
    expect((await f.store.listReceipts({ envelopeId: packageId, limit: 10 })).map((r) => r.type)).toEqual(['accepted', 'fetched']);
    expect((await f.get(A, `/v1/packages/${packageId}`, { raw: true })).status).toBe(200);
  });

  it('the report shows the verification and the deliveries: all to the sender, its own to a recipient', async () => {
    const sender = await f.get(A, `/v1/packages/${packageId}/report`);
    expect(sender.status).toBe(200);
    expect(sender.body.verification.signature).toMatchObject({ valid: true });
    expect(sender.body.deliveries).toHaveLength(1);
    expect(sender.body.deliveries[0]).toMatchObject({ recipient: B.organId, state: 'fetched' });
    const recipient = await f.get(B, `/v1/packages/${packageId}/report`);
    expect(recipient.body.deliveries.map((d: { recipient: string }) => d.recipient)).toEqual([B.organId]);
  });

  it("a delivery's last error is shown to its recipient, not to the sender (it names the recipient's own systems)", async () => {
    const [delivery] = await f.store.listDeliveriesForEnvelope(packageId);
    const lastError = 'refused: connect ECONNREFUSED 10.20.30.40:8443';
    await f.store.transitionDelivery(delivery!.id, { step: setUpStep(['fetched']), patch: { lastError } });
    try {
      expect((await f.get(B, `/v1/packages/${packageId}/report`)).body.deliveries[0]).toMatchObject({ state: 'fetched', lastError });
      const sender = await f.get(A, `/v1/packages/${packageId}/report`);
      expect(sender.body.deliveries[0]).toMatchObject({ recipient: B.organId, state: 'fetched', attempts: 0 });
      expect(JSON.stringify(sender.body)).not.toContain('10.20.30.40');
      const timeline = await f.get(A, `/v1/documents/${encodeURIComponent('000.00.00.A01,2026/12/01,1/A01-VP')}/timeline`);
      expect(timeline.status).toBe(200);
      expect(JSON.stringify(timeline.body)).not.toContain('10.20.30.40');
    } finally {
      await f.store.transitionDelivery(delivery!.id, { step: setUpStep(['fetched']), patch: { lastError: undefined } });
    }
  });

  it('the sender cannot acknowledge (403); the recipient acknowledges once with a receipt, again without', async () => {
    await refused(() => f.post(A, `/v1/packages/${packageId}/ack`), 403, 'EXCHANGE_NOT_RECIPIENT');
    const ack = await f.post(B, `/v1/packages/${packageId}/ack`);
    expect(ack.status).toBe(200);
    expect(ack.body.delivery.state).toBe('acknowledged');
    expect(verifyReceipt(ack.body.receipt, { trustAnchors: f.receiptTrust }).valid).toBe(true);
    expect(ack.body.receipt.receipt).toMatchObject({ type: 'acknowledged', parties: [A.organId, B.organId] });
    const again = await f.post(B, `/v1/packages/${packageId}/ack`);
    expect(again.status).toBe(200);
    expect(again.body.receipt).toBeUndefined();
    expect((await f.get(B, '/v1/inbox')).body.items).toEqual([]);
  });

  it('a package over 1 MiB streams through a temporary file and is kept byte-exact; no temporary file is left', async () => {
    const big = await f.documentFrom(A, { to: [B.organId], attachments: [{ name: 'scan.bin', bytes: randomBytes(1024 * 1024), contentType: 'application/octet-stream', zip: false }] });
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const res = await f.send(A, big);
    expect(res.status).toBe(202);
    const fetched = await f.get(B, `/v1/packages/${res.body.packageId}`, { raw: true });
    expect(Buffer.compare(fetched.body as Buffer, big)).toBe(0);
    expect((await f.snapshot()).uploads).toEqual([]);
  });

  it('a download given up halfway records nothing; the first complete one records fetched once (its last bytes wait for the record)', async () => {
    const big = await f.documentFrom(A, { to: [B.organId], attachments: [{ name: 'scan.bin', bytes: randomBytes(1024 * 1024), contentType: 'application/octet-stream', zip: false }] });
    const sent = await f.send(A, big);
    expect(sent.status).toBe(202);
    const envelopeId = sent.body.packageId as string;
    const stateOf = async () => (await f.store.listDeliveriesForEnvelope(envelopeId)).map((d) => d.state);
    const receiptTypes = async () => (await f.store.listReceipts({ envelopeId, limit: 10 })).map((r) => r.type);

    const abandoned = await f.exchange.fetchPackage({ organId: B.organId, envelopeId });
    const [first] = (await once(abandoned.stream, 'data')) as [Buffer];
    expect(first.byteLength).toBeGreaterThan(0);
    abandoned.stream.destroy();
    // Given up: the download's stream is torn down (it can no longer reach its end, where the record is made).
    await expect(finished(abandoned.stream)).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
    expect(await stateOf()).toEqual(['available']);
    expect(await receiptTypes()).toEqual(['accepted']);

    const whole = await f.exchange.fetchPackage({ organId: B.organId, envelopeId });
    const chunks: Buffer[] = [];
    const underWay = new Promise<void>((resolve) => whole.stream.once('data', () => { whole.stream.pause(); resolve(); }));
    whole.stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    await underWay;
    // Another download under way, and still nothing recorded by the one given up.
    expect(await stateOf()).toEqual(['available']);
    const ended = once(whole.stream, 'end');
    whole.stream.resume();
    await ended;
    expect(Buffer.compare(Buffer.concat(chunks), big)).toBe(0);
    expect(await stateOf()).toEqual(['fetched']);
    expect(await receiptTypes()).toEqual(['accepted', 'fetched']);
    // and a second complete download records nothing more
    const again = await f.get(B, `/v1/packages/${envelopeId}`, { raw: true });
    expect(Buffer.compare(again.body as Buffer, big)).toBe(0);
    expect(await receiptTypes()).toEqual(['accepted', 'fetched']);
  });

  it('inbox paging: limit and the after cursor walk every item once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await f.send(A, await f.documentFrom(A, { to: [C.organId], documentId: `000.00.00.A01,2026/12/01,P${i}/A01-VP` }));
      ids.push(res.body.packageId);
    }
    const first = await f.get(C, '/v1/inbox?limit=2');
    expect(first.body.items.map((i: { packageId: string }) => i.packageId)).toEqual(ids.slice(0, 2));
    expect(first.body.nextCursor).toBeDefined();
    const second = await f.get(C, `/v1/inbox?limit=2&after=${first.body.nextCursor}`);
    expect(second.body.items.map((i: { packageId: string }) => i.packageId)).toEqual(ids.slice(2));
    await refused(() => f.get(C, '/v1/inbox?limit=0'), 400, 'HTTP_QUERY_INVALID');
  });
});

describe('statuses travel back to the sender through the state machine', () => {
  const documentId = '000.00.00.A01,2026/12/01,2/A01-VP';
  let original: string;
  beforeAll(async () => {
    original = (await f.send(A, await f.documentFrom(A, { to: [B.organId], documentId }))).body.packageId;
  });

  it('01 then 03 from the recipient are accepted and routed to the sender', async () => {
    for (const code of ['01', '03'] as const) {
      const res = await f.send(B, await f.statusFrom(B, { sender: A.organId, documentId, code }));
      expect(res.status).toBe(202);
      const inbox = await f.get(A, '/v1/inbox');
      const routed = inbox.body.items.find((i: { packageId: string }) => i.packageId === res.body.packageId);
      expect(routed).toMatchObject({ kind: 'status', statusCode: code, from: B.organId, to: [A.organId], documentId });
    }
  });

  it('a transition the machine does not allow is 409 EXCHANGE_STATUS_TRANSITION_FORBIDDEN', async () => {
    const again01 = await f.statusFrom(B, { sender: A.organId, documentId, code: '01', description: 'again' });
    await rejected(B, again01, 409, 'EXCHANGE_STATUS_TRANSITION_FORBIDDEN');
    const answer15 = await f.statusFrom(B, { sender: A.organId, documentId, code: '15' });
    await rejected(B, answer15, 409, 'EXCHANGE_STATUS_TRANSITION_FORBIDDEN');
  });

  it('the sender cannot report a recipient status (409); 13 only from the sender', async () => {
    const fromSender = await f.statusFrom(A, { sender: B.organId, documentId, code: '05' });
    await rejected(A, fromSender, 409, 'EXCHANGE_STATUS_TRANSITION_FORBIDDEN');
    const takeBackByRecipient = await f.statusFrom(B, { sender: A.organId, documentId, code: '13' });
    await rejected(B, takeBackByRecipient, 409, 'EXCHANGE_STATUS_TRANSITION_FORBIDDEN');
  });

  it('a take-back request (13) from the sender is routed to the recipient, who answers 16 (refused) once', async () => {
    const takeBack = await f.send(A, await f.statusFrom(A, { sender: B.organId, documentId, code: '13' }));
    expect(takeBack.status).toBe(202);
    const routed = (await f.get(B, '/v1/inbox')).body.items.find((i: { packageId: string }) => i.packageId === takeBack.body.packageId);
    expect(routed).toMatchObject({ kind: 'status', statusCode: '13', from: A.organId, to: [B.organId] });
    expect((await f.send(B, await f.statusFrom(B, { sender: A.organId, documentId, code: '16' }))).status).toBe(202);
    const again = await f.statusFrom(B, { sender: A.organId, documentId, code: '16', description: 'again' });
    await rejected(B, again, 409, 'EXCHANGE_STATUS_TRANSITION_FORBIDDEN');
  });

  it('a status about an unknown document is 404 EXCHANGE_UNKNOWN_ORIGINAL', async () => {
    const unknown = await f.statusFrom(B, { sender: A.organId, documentId: '000.00.00.A01,2026/12/01,404/NOPE', code: '01' });
    await rejected(B, unknown, 404, 'EXCHANGE_UNKNOWN_ORIGINAL');
  });

  it('the timeline holds the original, the statuses and the receipts, for parties and archivists only', async () => {
    const path = `/v1/documents/${encodeURIComponent(documentId)}/timeline`;
    const timeline = await f.get(A, path);
    expect(timeline.status).toBe(200);
    expect(timeline.body.packages.map((p: { kind: string; statusCode?: string }) => p.statusCode ?? p.kind)).toEqual(['edoc', '01', '03', '13', '16']);
    expect(timeline.body.packages[0].packageId).toBe(original);
    expect(timeline.body.statuses).toEqual([expect.objectContaining({ documentId, senderOrganId: A.organId, recipientOrganId: B.organId, code: '16' })]);
    expect(timeline.body.receipts.length).toBeGreaterThanOrEqual(3);
    expect((await f.get(B, path)).status).toBe(200);
    await refused(() => f.get(C, path), 404, 'EXCHANGE_NOT_FOUND');
    const archivist = await request(f.app).get(path).set('Authorization', `Bearer ${f.archivistToken}`);
    expect(archivist.status).toBe(200);
    expect(archivist.body.packages).toHaveLength(5);
  });
});

describe('revoke, update, replace', () => {
  const documentId = '000.00.00.A01,2026/12/01,3/A01-VP';
  let original: string;
  beforeAll(async () => {
    original = (await f.send(A, await f.documentFrom(A, { to: [B.organId, C.organId], documentId }))).body.packageId;
    // C fetches before the revocation; B does not.
    expect((await f.get(C, `/v1/packages/${original}`, { raw: true })).status).toBe(200);
  });

  it('only the original sender may revoke: a recipient gets 403, a stranger 404', async () => {
    const byRecipient = await f.documentFrom(B, { to: [C.organId], documentId: '000.00.00.B02,2026/12/01,9/B02-VP', business: { type: 1, original: { organId: A.organId, documentId } } });
    await rejected(B, byRecipient, 403, 'EXCHANGE_NOT_ORIGINAL_SENDER');
    const D = await f.agency('000.00.00.D04');
    const byStranger = await f.documentFrom(D, { to: [C.organId], documentId: '000.00.00.D04,2026/12/01,9/D04-VP', business: { type: 1, original: { organId: A.organId, documentId } } });
    await rejected(D, byStranger, 404, 'EXCHANGE_UNKNOWN_ORIGINAL');
  });

  it('a revoked original is 410 for a recipient that had not fetched it, still served to one that had', async () => {
    const revocation = await f.documentFrom(A, { to: [B.organId, C.organId], documentId: '000.00.00.A01,2026/12/01,4/A01-VP', business: { type: 1, original: { organId: A.organId, documentId } } });
    const res = await f.send(A, revocation);
    expect(res.status).toBe(202);
    const gone = await f.get(B, `/v1/packages/${original}`, { raw: true });
    expect(gone.status).toBe(410);
    expect(gone.body.code).toBe('EXCHANGE_GONE');
    expect((await f.get(B, '/v1/inbox')).body.items.map((i: { packageId: string }) => i.packageId)).not.toContain(original);
    expect((await f.get(C, `/v1/packages/${original}`, { raw: true })).status).toBe(200);
    // Decree 30/2020: metadata and the revocation are kept.
    const timeline = await f.get(A, `/v1/documents/${encodeURIComponent(documentId)}/timeline`);
    expect(timeline.body.packages[0]).toMatchObject({ packageId: original, revokedByPackageId: res.body.packageId });
    expect(timeline.body.receipts.map((r: { type: string }) => r.type)).toContain('revoked');
  });

  it('a revocation names one document: one naming two is refused (422 EXCHANGE_REFERENCE_AMBIGUOUS) and revokes neither', async () => {
    const first = '000.00.00.A01,2026/12/01,11/A01-VP';
    const second = '000.00.00.A01,2026/12/01,12/A01-VP';
    const ids: string[] = [];
    for (const id of [first, second]) ids.push((await f.send(A, await f.documentFrom(A, { to: [B.organId], documentId: id }))).body.packageId);
    const both = buildDocumentPackage({
      from: { organId: A.organId, organName: `Cơ quan ${A.organId}` },
      to: [{ organId: B.organId, organName: `Cơ quan ${B.organId}` }],
      documentId: '000.00.00.A01,2026/12/01,13/A01-VP',
      code: { codeNumber: '13', codeNotation: 'TEST' },
      subject: 'Thu hồi hai văn bản',
      responseFor: [{ organId: A.organId, documentId: first }, { organId: A.organId, documentId: second }],
      business: { businessDocType: 1, businessDocReason: 'Thử nghiệm' },
      attachments: [{ name: 'van-ban.txt', bytes: Buffer.from('Nội dung'), contentType: 'text/plain' }],
    });
    await rejected(A, await A.signer.sign(both), 422, 'EXCHANGE_REFERENCE_AMBIGUOUS');
    for (const id of ids) expect((await f.get(B, `/v1/packages/${id}`, { raw: true })).status).toBe(200);
  });

  it('recipients answer the revocation with 15; a revoked original cannot be revoked again', async () => {
    const answer = await f.send(B, await f.statusFrom(B, { sender: A.organId, documentId: '000.00.00.A01,2026/12/01,4/A01-VP', code: '15' }));
    expect(answer.status).toBe(202);
    const twice = await f.documentFrom(A, { to: [B.organId], documentId: '000.00.00.A01,2026/12/01,5/A01-VP', business: { type: 1, original: { organId: A.organId, documentId } } });
    await rejected(A, twice, 409, 'EXCHANGE_ORIGINAL_REVOKED');
  });

  it('an update (2) and a replacement (3) of the sender\'s own original are accepted', async () => {
    const id = '000.00.00.A01,2026/12/01,6/A01-VP';
    await f.send(A, await f.documentFrom(A, { to: [B.organId], documentId: id }));
    const update = await f.send(A, await f.documentFrom(A, { to: [B.organId], documentId: '000.00.00.A01,2026/12/01,7/A01-VP', business: { type: 2, original: { organId: A.organId, documentId: id } } }));
    expect(update.status).toBe(202);
    const replace = await f.send(A, await f.documentFrom(A, { to: [B.organId], documentId: '000.00.00.A01,2026/12/01,8/A01-VP', business: { type: 3, original: { organId: A.organId, documentId: id } } }));
    expect(replace.status).toBe(202);
  });
});

describe('bad input: a clear code, nothing stored, the service still up', () => {
  it('oversized body: 413', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024 + 10, 0x20);
    await refused(() => f.send(A, big), 413, 'EDXML_TOO_LARGE');
  });

  it('wrong content type: 415', async () => {
    const doc = await f.documentFrom(A, { to: [B.organId] });
    await refused(() => f.send(A, doc, { contentType: 'application/json' }), 415, 'HTTP_UNSUPPORTED_MEDIA_TYPE', doc);
  });

  it('not edXML: 400', async () => {
    const html = Buffer.from('<html><body>hello</body></html>');
    await rejected(A, html, 400, 'EDXML_NOT_EDXML');
    const junk = Buffer.from('%PDF-1.4 not xml at all');
    const res = await rejected(A, junk, 400, 'EDXML_NOT_WELL_FORMED');
    expect(res.body.detail).toMatch(/./);
  });

  it('unknown recipient and suspended recipient: 422', async () => {
    const unknown = await f.documentFrom(A, { to: ['000.00.00.Z99'] });
    await rejected(A, unknown, 422, 'EXCHANGE_UNKNOWN_RECIPIENT');
    const S = await f.agency('000.00.00.S05');
    await f.agencies.suspend(S.organId);
    const toSuspended = await f.documentFrom(A, { to: [S.organId] });
    await rejected(A, toSuspended, 422, 'EXCHANGE_RECIPIENT_SUSPENDED');
    // The sender in its own To (with another recipient too): refused whole, nothing delivered to B either.
    const toItself = await f.documentFrom(A, { to: [B.organId, A.organId] });
    const refusedItself = await rejected(A, toItself, 422, 'EXCHANGE_RECIPIENT_IS_SENDER');
    expect(refusedItself.body.detail).toContain(A.organId);
  });

  it('From is not the caller: 403', async () => {
    const fromA = await f.documentFrom(A, { to: [C.organId] });
    await rejected(B, fromA, 403, 'EXCHANGE_FROM_NOT_CALLER');
  });

  it('missing signature: 422 SIG_MISSING', async () => {
    const unsigned = await f.documentFrom(A, { to: [B.organId], unsigned: true });
    await rejected(A, unsigned, 422, 'SIG_MISSING');
  });

  it('invalid signature (bytes changed after signing): 422', async () => {
    const doc = await f.documentFrom(A, { to: [B.organId], subject: 'Nội dung gốc' });
    const tampered = Buffer.from(doc.toString('utf8').replace('Nội dung gốc', 'Nội dung sửa'), 'utf8');
    const res = await rejected(A, tampered, 422, 'SIG_DIGEST_MISMATCH');
    expect(res.body.detail).toMatch(/./);
  });

  it('signed by a certificate not tied to the sender: 422 EXCHANGE_SIGNER_NOT_SENDER', async () => {
    const signedByB = await f.documentFrom(A, { to: [C.organId], signAs: B });
    await rejected(A, signedByB, 422, 'EXCHANGE_SIGNER_NOT_SENDER');
  });

  it('signed by a certificate from an untrusted issuer: 422', async () => {
    const rogue = await f.documentFrom(A, { to: [C.organId], untrusted: true });
    const before = await f.snapshot();
    const res = await f.send(A, rogue);
    expect(res.status).toBe(422);
    expect(res.body.code).toMatch(/^SIG_CERT_/);
    expect(await f.store.blobs.has(sha256(rogue))).toBe(false);
    expect(await f.snapshot()).toEqual({ ...before, chainSeq: before.chainSeq + 1 });
    expect(await f.store.getReceipt(res.body.receiptId)).toMatchObject({ type: 'rejected', parties: [A.organId], subjectSha256: sha256(rogue), detail: { code: res.body.code } });
  });

  it('bad credentials, a replayed request, an expired timestamp: 401', async () => {
    const doc = await f.documentFrom(A, { to: [B.organId] });
    await refused(() => f.send(A, doc, { secret: 'wrong-secret' }), 401, 'AUTH_INVALID', doc);
    const headers = signRequest({ method: 'GET', path: '/v1/inbox', keyId: A.creds.keyId, secret: A.creds.secret });
    expect((await request(f.app).get('/v1/inbox').set({ ...headers })).status).toBe(200);
    await refused(() => request(f.app).get('/v1/inbox').set({ ...headers }), 401, 'AUTH_REPLAYED');
    await refused(() => f.send(A, doc, { timestamp: Math.floor(Date.now() / 1000) - 3600 }), 401, 'AUTH_EXPIRED', doc);
  });

  it('a body that is not the signed one: 401 AUTH_BODY_DIGEST_MISMATCH', async () => {
    const doc = await f.documentFrom(A, { to: [B.organId] });
    await refused(() => f.send(A, doc, { bodySha256: sha256(Buffer.from('something else')) }), 401, 'AUTH_BODY_DIGEST_MISMATCH', doc);
  });
});

describe('receipts', () => {
  it('every fact above is one sealed receipt in a single intact hash chain, verifiable offline', async () => {
    const receipts = await f.store.listReceipts({ limit: 100_000 });
    expect(receipts.map((r) => r.seq)).toEqual(receipts.map((_, i) => i + 1));
    const types = new Set(receipts.map((r) => r.type));
    for (const type of ['accepted', 'rejected', 'fetched', 'acknowledged', 'revoked']) expect(types).toContain(type);
    const identity = await loadAxisIdentity({ dataDir: f.dataDir });
    expect(verifyReceiptChain(receipts, { certificates: identity.chainDer, trustAnchors: f.receiptTrust })).toMatchObject({ valid: true, checked: receipts.length });
    const statusReceipt = receipts.find((r) => (r.detail as { statusCode?: string } | undefined)?.statusCode === '03');
    expect(statusReceipt).toMatchObject({ type: 'accepted', parties: [B.organId, A.organId], detail: { kind: 'status', statusCode: '03', routedTo: [A.organId] } });
  });

  it('refusals before authentication or before the whole body arrived leave no receipt; every other one leaves one', async () => {
    const receipts = await f.store.listReceipts({ limit: 100_000 });
    const codes = receipts.filter((r) => r.type === 'rejected').map((r) => (r.detail as { code: string }).code);
    for (const code of ['AUTH_INVALID', 'AUTH_REPLAYED', 'AUTH_EXPIRED', 'AUTH_BODY_DIGEST_MISMATCH', 'HTTP_UNSUPPORTED_MEDIA_TYPE', 'EDXML_TOO_LARGE']) expect(codes).not.toContain(code);
    for (const code of ['EXCHANGE_FROM_NOT_CALLER', 'EXCHANGE_UNKNOWN_RECIPIENT', 'SIG_MISSING', 'EDXML_NOT_EDXML']) expect(codes).toContain(code);
  });

  it('an agency lists its own receipts, rejected ones included, signed; never another agency\'s', async () => {
    const mine = await f.get(A, '/v1/receipts?type=rejected&limit=500');
    expect(mine.status).toBe(200);
    const stored = (await f.store.listReceipts({ organId: A.organId, limit: 100_000 })).filter((r) => r.type === 'rejected');
    expect(stored.length).toBeGreaterThan(0);
    expect(mine.body.items.map((s: { receipt: { id: string } }) => s.receipt.id)).toEqual(stored.map((r) => r.id));
    for (const signed of mine.body.items) expect(verifyReceipt(signed, { trustAnchors: f.receiptTrust })).toMatchObject({ valid: true });
    const all = await f.get(A, '/v1/receipts?limit=500');
    expect(all.body.items.every((s: { receipt: { parties: string[] } }) => s.receipt.parties.includes(A.organId))).toBe(true);
    expect(all.body.items.map((s: { receipt: { type: string } }) => s.receipt.type)).toContain('accepted');
    const theirs = await f.get(C, '/v1/receipts?type=rejected&limit=500');
    expect(theirs.status).toBe(200);
    const ids = new Set(stored.map((r) => r.id));
    expect(theirs.body.items.some((s: { receipt: { id: string } }) => ids.has(s.receipt.id))).toBe(false);
    const page = await f.get(A, '/v1/receipts?type=rejected&limit=1');
    expect(page.body.items).toHaveLength(1);
    expect(page.body.nextCursor).toBe(String(stored[0]?.seq));
    const next = await f.get(A, `/v1/receipts?type=rejected&limit=1&after=${page.body.nextCursor}`);
    expect(next.body.items[0]?.receipt.id).toBe(stored[1]?.id);
    expect((await f.get(A, '/v1/receipts?type=nonsense')).body.code).toBe('HTTP_QUERY_INVALID');
  });
});
