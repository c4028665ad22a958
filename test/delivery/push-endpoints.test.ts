/**
 * Issue 23, finding 5: push endpoints point only where the operator allows. By default https to public addresses;
 * loopback, private, link-local and metadata addresses are refused when the endpoint is registered (registry,
 * operator API, CLI) with a clear code, and again by the push client when it connects, for every address a name
 * resolves to (DNS rebinding). PUSH_ALLOW_HTTP and PUSH_ALLOWED_HOSTS open them explicitly.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { createAgencyRegistry } from '../../src/exchange/agencies/agency-registry.js';
import { createPushEndpointPolicy } from '../../src/exchange/agencies/push-endpoint-policy.js';
import type { PushRequest } from '../../src/exchange/ports/index.js';
import { createHttpPushClient, type ResolveAll } from '../../src/push/http-push-client.js';
import { buildHarness, memoryAgencyStore, OPERATOR_TOKEN } from '../http/harness.js';

const registryWith = (rules?: Parameters<typeof createPushEndpointPolicy>[0]) =>
  createAgencyRegistry({ store: memoryAgencyStore(), secretKey: randomBytes(32), ...(rules ? { endpoints: createPushEndpointPolicy(rules) } : {}) });

let n = 0;
const add = (registry: ReturnType<typeof registryWith>, endpointUrl: string) =>
  registry.addAgency({ organId: `000.00.00.A${String(++n).padStart(2, '0')}`, name: 'Cơ quan thử', endpointUrl });

describe('registering a push endpoint', () => {
  it.each([
    'https://169.254.169.254/latest/meta-data/',
    'https://127.0.0.1/edx',
    'https://127.7.7.7:8443/edx',
    'https://localhost/edx',
    'https://10.1.2.3/edx',
    'https://172.16.0.1/edx',
    'https://192.168.1.10/edx',
    'https://100.100.100.200/edx',
    'https://0.0.0.0/edx',
    'https://[::1]/edx',
    'https://[fe80::1]/edx',
    'https://[fd00:ec2::254]/edx',
    'https://[::ffff:169.254.169.254]/edx',
    'https://0x7f.1/edx',
    'https://2130706433/edx',
  ])('%s is refused by default as AGENCY_ENDPOINT_FORBIDDEN', async (url) => {
    await expect(add(registryWith(), url)).rejects.toMatchObject({ code: 'AGENCY_ENDPOINT_FORBIDDEN' });
  });

  it('plain http is refused as AGENCY_ENDPOINT_INSECURE unless PUSH_ALLOW_HTTP', async () => {
    await expect(add(registryWith(), 'http://dms.a01.example/edx')).rejects.toMatchObject({ code: 'AGENCY_ENDPOINT_INSECURE' });
    await expect(add(registryWith(), 'http://169.254.169.254/latest/')).rejects.toMatchObject({ code: 'AGENCY_ENDPOINT_INSECURE' });
    const open = registryWith({ allowHttp: true, allowedHosts: [] });
    expect((await add(open, 'http://dms.a01.example/edx')).agency.endpointUrl).toBe('http://dms.a01.example/edx');
    await expect(add(open, 'http://169.254.169.254/latest/')).rejects.toMatchObject({ code: 'AGENCY_ENDPOINT_FORBIDDEN' });
  });

  it('https to a public name or address is accepted; PUSH_ALLOWED_HOSTS opens a private network by name, address or range', async () => {
    expect((await add(registryWith(), 'https://dms.a01.example/edx')).agency.deliveryMode).toBe('push');
    expect((await add(registryWith(), 'https://203.0.113.10/edx')).agency.deliveryMode).toBe('push');
    const ministry = registryWith({ allowHttp: false, allowedHosts: ['10.20.0.0/16', 'dms.internal', '192.168.1.10'] });
    for (const url of ['https://10.20.3.4/edx', 'https://dms.internal/edx', 'https://192.168.1.10/edx']) expect((await add(ministry, url)).agency.endpointUrl).toBe(url);
    await expect(add(ministry, 'https://10.21.0.1/edx')).rejects.toMatchObject({ code: 'AGENCY_ENDPOINT_FORBIDDEN' });
    await expect(add(ministry, 'https://169.254.169.254/edx')).rejects.toMatchObject({ code: 'AGENCY_ENDPOINT_FORBIDDEN' });
  });

  it('the operator API answers 400 AGENCY_ENDPOINT_FORBIDDEN and registers nothing', async () => {
    const h = await buildHarness();
    try {
      const auth = { Authorization: `Bearer ${OPERATOR_TOKEN}` };
      const res = await request(h.app).post('/v1/admin/agencies').set(auth).send({ organId: '000.00.00.D04', name: 'Sở D', endpointUrl: 'https://169.254.169.254/latest/meta-data/' });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('AGENCY_ENDPOINT_FORBIDDEN');
      expect((await request(h.app).get('/v1/admin/agencies').set(auth)).body.items).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('edx admin agency add --endpoint refuses it with the code and exit 1; PUSH_ALLOWED_HOSTS opens it', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'edx-push-endpoints-'));
    try {
      const edx = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, ['bin/edx.js', 'admin', ...args], {
        env: { PATH: process.env['PATH'] ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env }, encoding: 'utf8', timeout: 60_000,
      });
      const refused = edx(['agency', 'add', '000.00.00.G22', '--name', 'Bộ', '--endpoint', 'https://10.0.0.7/edx']);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/AGENCY_ENDPOINT_FORBIDDEN/);
      const allowed = edx(['agency', 'add', '000.00.00.G22', '--name', 'Bộ', '--endpoint', 'https://10.0.0.7/edx'], { PUSH_ALLOWED_HOSTS: '10.0.0.0/8' });
      expect(allowed.status).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('PUSH_ALLOW_HTTP and PUSH_ALLOWED_HOSTS are validated with the configuration', () => {
    expect(loadConfig({}).pushEndpoints).toEqual({ allowHttp: false, allowedHosts: [] });
    expect(loadConfig({ PUSH_ALLOW_HTTP: 'true', PUSH_ALLOWED_HOSTS: 'dms.internal, 10.0.0.0/8,::1' }).pushEndpoints).toEqual({ allowHttp: true, allowedHosts: ['dms.internal', '10.0.0.0/8', '::1'] });
    expect(() => loadConfig({ PUSH_ALLOWED_HOSTS: '10.0.0.0/99' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('PUSH_ALLOWED_HOSTS') }));
    expect(() => loadConfig({ PUSH_ALLOW_HTTP: 'yes' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('PUSH_ALLOW_HTTP') }));
  });
});

describe('the push client checks again when it connects', () => {
  let server: Server;
  let port: number;
  let reached = 0;
  beforeAll(async () => {
    server = createServer((req, res) => { reached += 1; req.resume(); req.on('end', () => res.end()); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const push = (url: string): PushRequest => ({ url, headers: {}, body: Buffer.from('<edXML/>'), contentLength: 8, connectTimeoutMs: 5000, responseTimeoutMs: 5000 });

  it('by default a push to a loopback address never leaves the axis: a "forbidden" network failure', async () => {
    const client = createHttpPushClient();
    try {
      expect(await client.push(push(`http://127.0.0.1:${port}/edx`))).toMatchObject({ kind: 'network', failure: 'forbidden' });
      expect(reached).toBe(0);
    } finally {
      client.close();
    }
  });

  it('a host name is judged by what it resolves to at each connection: one that turns to a loopback address (DNS rebinding) is refused', async () => {
    // dms.a01.example resolves to the receiver's address first (allowed as a test opts in), then to another loopback
    // address the operator never allowed: the second push is refused in the look-up, before any connection.
    const answers = ['127.0.0.1', '127.0.0.2'];
    const resolve: ResolveAll = (_hostname, _options, callback) => callback(null, [{ address: answers.shift() ?? '169.254.169.254', family: 4 }]);
    const client = createHttpPushClient({ endpoints: createPushEndpointPolicy({ allowHttp: true, allowedHosts: ['127.0.0.1'] }), resolve });
    try {
      expect(await client.push(push(`http://dms.a01.example:${port}/edx`))).toMatchObject({ kind: 'response', status: 200 });
      expect(reached).toBe(1);
      client.close();
      const again = createHttpPushClient({ endpoints: createPushEndpointPolicy({ allowHttp: true, allowedHosts: ['127.0.0.1'] }), resolve });
      try {
        const result = await again.push(push(`http://dms.a01.example:${port}/edx`));
        expect(result).toMatchObject({ kind: 'network', failure: 'forbidden' });
        expect(result.kind === 'network' && result.message).toMatch(/dms\.a01\.example resolves to 127\.0\.0\.2/);
        expect(reached).toBe(1);
      } finally {
        again.close();
      }
    } finally {
      client.close();
    }
  });
});
