/**
 * One axis process as `npm start` wires it (ROLE=all): the gateway accepts a signed document for an agency that
 * receives by push, and the delivery worker in the same process pushes the raw bytes to that agency's endpoint (a
 * local HTTP server), with the delivered receipt in the chain; and its SIGTERM order.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { buildDocumentPackage } from '../../src/edxml/index.js';
import { createAgencyClient } from '../../src/http/rest/agency-client.js';
import { signRequest } from '../../src/http/rest/request-signing.js';
import { createDemoPki, type DemoPki } from '../../src/main/demo-pki.js';
import { runAxis, type RunningAxis } from '../../src/main/run-axis.js';
import { createBullmqDeliveryQueue } from '../../src/queue/bullmq/delivery-queue.js';
import { signPackage } from '../../src/signature/xmldsig/index.js';
import { acceptPackage, addAgency, SENDER, startReceiver } from '../delivery/harness.js';
import { waitFor } from '../support/wait-for.js';
import { LOOPBACK_PUSH_ENV } from '../support/loopback-push.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'edx-run-axis-'));
let running: RunningAxis | undefined;
let endpoint: Server | undefined;
let demo: DemoPki | undefined;
afterAll(async () => {
  await running?.stop();
  await demo?.close();
  await new Promise((resolve) => endpoint ? endpoint.close(resolve) : resolve(undefined));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('gateway and workers in one process', () => {
  it('a document for a push agency is accepted (202) and pushed byte-exact to its endpoint, with a delivered receipt', async () => {
    const received: Buffer[] = [];
    endpoint = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => { received.push(Buffer.concat(chunks)); res.writeHead(200).end('{}'); });
    });
    await new Promise<void>((resolve) => endpoint!.listen(0, '127.0.0.1', resolve));
    const endpointUrl = `http://127.0.0.1:${(endpoint.address() as { port: number }).port}/edx/inbox`;

    // The test PKI's CRL/OCSP server runs: the default revocation policy (require) checks the seal for real.
    demo = await createDemoPki(path.join(dataDir, 'trust'));
    const config = loadConfig({ ...LOOPBACK_PUSH_ENV, PATH: process.env['PATH'], DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', ROLE: 'all' });
    running = await runAxis(config, { logger: pino({ level: 'silent' }), prefix: `test-run-axis-${randomBytes(4).toString('hex')}` });
    const a = await running.services.agencies.addAgency({ organId: '000.00.00.H40', name: 'UBND tỉnh Hà Nam' });
    await running.services.agencies.addAgency({ organId: '000.00.12.H40', name: 'Sở Tài chính tỉnh Hà Nam', endpointUrl });

    const signed = await signPackage(buildDocumentPackage({
      from: { organId: '000.00.00.H40', organName: 'UBND tỉnh Hà Nam' },
      to: [{ organId: '000.00.12.H40', organName: 'Sở Tài chính tỉnh Hà Nam' }],
      code: { codeNumber: '7', codeNotation: 'UBND-VP' },
      subject: 'V/v đẩy văn bản đến hệ thống của đơn vị nhận',
      attachments: [{ name: 'a.txt', bytes: Buffer.from('nội dung') }],
    }), demo.signerOf(demo.pki.identities['agency-rsa']));
    const client = createAgencyClient({ baseUrl: `http://127.0.0.1:${running.port}`, keyId: a.credentials.keyId, secret: a.credentials.secret });
    const sent = await client.sendPackage<{ packageId: string }>(signed);
    expect(sent.status).toBe(202);

    await waitFor(() => expect(received).toHaveLength(1));
    expect(createHash('sha256').update(received[0]!).digest('hex')).toBe(createHash('sha256').update(signed).digest('hex'));
    await waitFor(async () => {
      const report = await client.call<{ deliveries: { state: string }[] }>('GET', `/v1/packages/${sent.body.packageId}/report`);
      expect(report.body.deliveries.map((d) => d.state)).toEqual(['delivered']);
    });
    const receipts = await running.services.store.listReceipts({ envelopeId: sent.body.packageId, limit: 10 });
    expect(receipts.map((r) => r.type)).toEqual(['accepted', 'delivered']);
  });

  it('the workers and the gateway use QUEUE_PREFIX from the configuration (AxisConfig.workers.prefix)', async () => {
    const prefix = `test-run-axis-env-${randomBytes(4).toString('hex')}`;
    const config = loadConfig({ ...LOOPBACK_PUSH_ENV, DATA_DIR: path.join(dataDir, 'env-prefix'), PORT: '0', HOST: '127.0.0.1', ROLE: 'all', QUEUE_PREFIX: prefix, SWEEP_EVERY_MS: '60000' });
    const axis = await runAxis(config, { logger: pino({ level: 'silent' }) });
    const redis = new Redis('redis://127.0.0.1:6379');
    try {
      // A signed request leaves its nonce in the gateway's replay cache; the maintenance worker keeps its schedules.
      const { credentials } = await axis.services.agencies.addAgency({ organId: '000.00.00.H40', name: 'UBND tỉnh Hà Nam' });
      const inbox = await createAgencyClient({ baseUrl: `http://127.0.0.1:${axis.port}`, ...credentials }).call('GET', '/v1/inbox');
      expect(inbox.status).toBe(200);
      const keys = await redis.keys(`${prefix}:*`);
      expect(keys.some((k) => k.startsWith(`${prefix}:auth:`))).toBe(true);
      expect(keys.some((k) => k.startsWith(`${prefix}:edx-maintenance:`))).toBe(true);
    } finally {
      await axis.stop();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
  });

  it('SIGTERM stops the workers taking jobs at once, while the gateway still waits for an upload in flight; nothing is lost', async () => {
    const prefix = `test-run-axis-stop-${randomBytes(4).toString('hex')}`;
    const config = loadConfig({ ...LOOPBACK_PUSH_ENV, DATA_DIR: path.join(dataDir, 'stop'), PORT: '0', HOST: '127.0.0.1', ROLE: 'all', QUEUE_PREFIX: prefix, SWEEP_EVERY_MS: '60000', SHUTDOWN_TIMEOUT_MS: '20000' });
    const axis = await runAxis(config, { logger: pino({ level: 'silent' }) });
    const receiver = await startReceiver(axis.services.identity.certificateDer);
    const queue = createBullmqDeliveryQueue({ redisUrl: 'redis://127.0.0.1:6379', prefix });
    const redis = new Redis('redis://127.0.0.1:6379');
    const slowUpload = connect(axis.port!, '127.0.0.1');
    try {
      await addAgency(axis.services.store, SENDER);
      await addAgency(axis.services.store, '000.00.00.H41', receiver.url);
      // The workers are running: a delivery goes out.
      const before = await acceptPackage(axis.services.store, { to: ['000.00.00.H41'] });
      await queue.enqueueDeliveries(before.deliveries.map((d) => d.id));
      await waitFor(() => expect(receiver.requests).toHaveLength(1));
      expect(await queue.queue.getWorkers()).not.toEqual([]);

      // An agency's upload, signed, that has sent its headers and part of its body: the gateway answers it only once
      // it has the whole body.
      const { credentials } = await axis.services.agencies.addAgency({ organId: '000.00.00.H40', name: 'UBND tỉnh Hà Nam' });
      const body = Buffer.concat([Buffer.from('<edXML'), Buffer.alloc(100_000 - 6, 0x20)]);
      const signed = signRequest({ method: 'POST', path: '/v1/packages', keyId: credentials.keyId, secret: credentials.secret, body });
      if (slowUpload.connecting) await new Promise<void>((resolve) => slowUpload.once('connect', resolve));
      const order: string[] = [];
      const answer = new Promise<string>((resolve) => {
        let text = '';
        slowUpload.on('error', () => undefined);
        slowUpload.on('data', (chunk: Buffer) => { text += chunk.toString('latin1'); if (text.includes('\r\n\r\n')) resolve(text); });
      });
      // Answered: the client is done with the connection (a keep-alive one would otherwise hold the stop a while).
      void answer.then(() => { order.push('upload answered'); slowUpload.end(); });
      const head = Object.entries({ ...signed, Host: '127.0.0.1', 'Content-Type': 'application/xml', 'Content-Length': String(body.length) }).map(([k, v]) => `${k}: ${v}`).join('\r\n');
      slowUpload.write(`POST /v1/packages HTTP/1.1\r\n${head}\r\n\r\n`);
      slowUpload.write(body.subarray(0, 6));
      const stopping = axis.stop().then(() => { order.push('stopped'); });
      // The workers stop taking jobs at once: their connections leave Redis while that upload is still in flight.
      await waitFor(async () => expect(await queue.queue.getWorkers()).toEqual([]));
      order.push('workers gone');
      // A job enqueued now waits in Redis: no worker is left to take it.
      const after = await acceptPackage(axis.services.store, { to: ['000.00.00.H41'] });
      await queue.enqueueDeliveries(after.deliveries.map((d) => d.id));
      // The gateway still serves the upload to its end (an answer, not a cut connection), and only then stops.
      slowUpload.write(body.subarray(6));
      await stopping;
      expect(order).toEqual(['workers gone', 'upload answered', 'stopped']);
      // Judged on its whole body (not edXML): the gateway read it to the end.
      expect(await answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(receiver.requests).toHaveLength(1);
      // The delivery waits for the next start, its job in Redis.
      expect(await queue.hasJob(after.deliveries[0]!.id)).toBe(true);
    } finally {
      slowUpload.destroy();
      await receiver.close();
      await queue.close();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
  });
});
