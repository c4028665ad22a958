/**
 * What the delivery fault tests share: the real embedded store in a temporary data directory (with the axis's dev
 * identity sealing receipts), agencies, accepted packages written the way the exchange writes them, and a local
 * receiving agency endpoint that checks the axis's signature and deduplicates on the idempotency key as a DMS would.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PUSH_HEADERS, verifyPushSignature } from '../../src/exchange/delivery/push-signature.js';
import { sortableId } from '../../src/exchange/ids.js';
import { createReceiptSealer, loadAxisIdentity, verifyReceiptChain, type AxisIdentity } from '../../src/ledger/index.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/exchange/ports/index.js';
import type { AgencyRecord, DeliveryRecord, DeliveryState, EnvelopeRecord, ReceiptRecord } from '../../src/exchange/model/index.js';
import { waitFor } from '../support/wait-for.js';

export const SENDER = '000.00.00.G22';

export interface TestAxis {
  dataDir: string;
  store: Store;
  identity: AxisIdentity;
  close(): Promise<void>;
}

/** A fresh data directory: the embedded store and the axis's dev identity, as `npm start` would open them. */
export async function openTestAxis(dataDir = mkdtempSync(path.join(tmpdir(), 'edx-delivery-'))): Promise<TestAxis> {
  const identity = await loadAxisIdentity({ dataDir });
  const store = await openStore({ dataDir, sealer: createReceiptSealer(identity) });
  return { dataDir, store, identity, close: () => store.close() };
}

export async function addAgency(store: Store, organId: string, endpointUrl?: string): Promise<AgencyRecord> {
  const at = new Date().toISOString();
  const agency: AgencyRecord = {
    organId,
    name: `Agency ${organId}`,
    state: 'active',
    deliveryMode: endpointUrl ? 'push' : 'pull',
    ...(endpointUrl ? { endpointUrl } : {}),
    credentials: [],
    certificateFingerprints: [],
    createdAt: at,
    updatedAt: at,
  };
  if (await store.getAgency(organId)) await store.updateAgency(agency);
  else await store.createAgency(agency);
  return agency;
}

/**
 * Accepts one package as the exchange's submit does after its checks: the raw bytes as a blob, then envelope,
 * deliveries (pending for push agencies, available for pull) and the `accepted` receipt in one transaction.
 */
export async function acceptPackage(store: Store, input: { from?: string; to: string[]; bytes?: Buffer; kind?: 'edoc' | 'status' }): Promise<{ envelope: EnvelopeRecord; deliveries: DeliveryRecord[] }> {
  const bytes = input.bytes ?? samplePackage(2048);
  const blob = await store.blobs.putBytes(bytes);
  const at = new Date().toISOString();
  const from = input.from ?? SENDER;
  const documentId = `${from},${at.slice(0, 10).replace(/-/g, '/')},${randomBytes(4).toString('hex')}/VP`;
  const kind = input.kind ?? 'edoc';
  const envelope: EnvelopeRecord = {
    id: sortableId('pkg'),
    kind,
    fromOrganId: from,
    toOrganIds: input.to,
    documentId,
    ...(kind === 'edoc' ? { businessType: 0 as const } : { statusCode: '01' as const, refersToDocumentId: documentId }),
    size: bytes.length,
    sha256: blob.key,
    dedupeKey: `${from}|${documentId}|${kind}|${blob.key}`,
    verification: { test: true },
    acceptedAt: at,
  };
  const recipients = await Promise.all(input.to.map(async (organId) => store.getAgency(organId)));
  const outcome = await store.accept({
    envelope,
    deliveries: recipients.map((agency, i) => ({
      id: sortableId('dlv'),
      envelopeId: envelope.id,
      recipientOrganId: input.to[i] ?? '',
      state: agency?.deliveryMode === 'push' && agency.endpointUrl ? 'pending' : 'available',
      attempts: 0,
      createdAt: at,
      updatedAt: at,
    })),
    receipt: { type: 'accepted', envelopeId: envelope.id, documentId, subjectSha256: blob.key, parties: [from, ...input.to], at, detail: { kind } },
  });
  if (outcome.outcome !== 'created') throw new Error(`package not accepted: ${outcome.outcome}`);
  return { envelope: outcome.envelope, deliveries: outcome.deliveries };
}

/** Bytes that look like an edXML package, of about the given size, unique per call. */
export function samplePackage(size: number): Buffer {
  const head = `<?xml version="1.0" encoding="UTF-8"?><edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"><!-- ${randomBytes(8).toString('hex')} -->`;
  const tail = '</edXML:edXMLEnvelope>';
  return Buffer.from(head + 'x'.repeat(Math.max(0, size - head.length - tail.length)) + tail);
}

/**
 * An HTTP answer (after delayMs, the DMS's processing time, or once `after` has settled: held until the test says),
 * or a request that hangs, or a dropped connection.
 */
export type ReceiverAnswer = { status: number; headers?: Record<string, string>; delayMs?: number; after?: Promise<unknown> } | 'hang' | 'drop';

export interface ReceivedPush {
  idempotencyKey: string;
  packageId: string;
  signatureValid: boolean;
  digestMatches: boolean;
  answer: ReceiverAnswer;
}

export interface TestReceiver {
  url: string;
  /** Every request, in arrival order. */
  readonly requests: ReceivedPush[];
  /** Idempotency keys processed (answered 2xx the first time), with how often each was processed. */
  readonly processed: Map<string, number>;
  /** How the next request is answered: decided per request (attempt = 1-based count of requests for this key). */
  behave(decide: (push: { idempotencyKey: string; attempt: number; index: number }) => ReceiverAnswer): void;
  close(): Promise<void>;
}

/**
 * A receiving agency endpoint on 127.0.0.1:0. Like a DMS that deduplicates on Idempotency-Key, it processes each
 * key once and answers a repeat with 200 without processing it again; `processed` counts real processing, so a
 * value above 1 means the axis made a DMS without deduplication process a package twice after a 2xx.
 */
export async function startReceiver(axisCertificate: Buffer, path = '/edx/inbox'): Promise<TestReceiver> {
  const requests: ReceivedPush[] = [];
  const processed = new Map<string, number>();
  const attempts = new Map<string, number>();
  let decide: Parameters<TestReceiver['behave']>[0] = () => ({ status: 202 });
  const hung = new Set<ServerResponse>();
  const handle = (req: IncomingMessage, body: Buffer, res: ServerResponse): void => {
    const header = (name: string): string => String(req.headers[name] ?? '');
    const idempotencyKey = header(PUSH_HEADERS.idempotencyKey);
    const attempt = (attempts.get(idempotencyKey) ?? 0) + 1;
    attempts.set(idempotencyKey, attempt);
    const signatureValid = verifyPushSignature({ method: req.method ?? '', target: req.url ?? '', headers: req.headers }, axisCertificate).valid;
    const digestMatches = createHash('sha256').update(body).digest('hex') === header(PUSH_HEADERS.contentSha256);
    const answer = signatureValid && digestMatches ? decide({ idempotencyKey, attempt, index: requests.length }) : { status: 401 };
    requests.push({ idempotencyKey, packageId: header(PUSH_HEADERS.packageId), signatureValid, digestMatches, answer });
    if (answer === 'hang') return void hung.add(res);
    if (answer === 'drop') return void req.socket.destroy();
    if (answer.status >= 200 && answer.status < 300) {
      if (processed.has(idempotencyKey)) {
        // Already processed: a deduplicating DMS says "fine" without processing again.
        res.writeHead(200).end('duplicate');
        return;
      }
      processed.set(idempotencyKey, 1);
    }
    const reply = (): void => void res.writeHead(answer.status, answer.headers ?? {}).end(answer.status >= 400 ? `refused (${answer.status})` : 'ok');
    const held = answer.after;
    const replyInTime = (): void => void (answer.delayMs ? setTimeout(reply, answer.delayMs) : reply());
    if (held) void held.then(replyInTime, replyInTime);
    else replyInTime();
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, Buffer.concat(chunks), res));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return {
    url,
    requests,
    processed,
    behave(next) { decide = next; },
    async close() {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export const TERMINAL: readonly DeliveryState[] = ['delivered', 'available', 'fetched', 'acknowledged', 'dead', 'withheld'];

/** Waits until every listed delivery is in one of `states` (or the time is up), and returns them. */
export async function waitForDeliveries(store: Store, ids: readonly string[], states: readonly DeliveryState[] = TERMINAL, timeoutMs = 30_000): Promise<DeliveryRecord[]> {
  return waitFor(async () => {
    const all = await Promise.all(ids.map(async (id) => store.getDelivery(id)));
    const records = all.filter((d): d is DeliveryRecord => d !== undefined);
    if (records.length === ids.length && records.every((d) => states.includes(d.state))) return records;
    const stuck = records.filter((d) => !states.includes(d.state)).slice(0, 5).map((d) => `${d.id}:${d.state}/${d.attempts}/${d.lastError ?? ''}`);
    throw new Error(`deliveries not in ${states.join('|')} after ${timeoutMs} ms: ${stuck.join(', ')} (${records.length}/${ids.length} found)`);
  }, { timeout: timeoutMs, interval: 100 });
}

/** Every receipt of the chain, in order. */
export async function allReceipts(store: Store): Promise<ReceiptRecord[]> {
  const out: ReceiptRecord[] = [];
  for (;;) {
    const page = await store.listReceipts({ after: out.at(-1)?.seq ?? 0, limit: 1000 });
    out.push(...page);
    if (page.length < 1000) return out;
  }
}

export { verifyReceiptChain };
