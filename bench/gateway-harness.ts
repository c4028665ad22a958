/**
 * What the benchmarks that go through the real gateway share: the compiled gateway (`node dist/src/main/start.js`)
 * in its own process on a fresh data directory with the test PKI as trust anchors (its CRL/OCSP server in the
 * benchmark's process, so revocation is checked for real), agencies registered through the operator API, and
 * 20 KiB-class document packages signed one by one with XMLDSig by an agency seal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDocumentPackage } from '../src/edxml/index.js';
import { createDemoPki, type DemoPki } from '../src/main/demo-pki.js';
import { signPackage } from '../src/signature/xmldsig/index.js';
import { until } from './wait-until.js';

const KiB = 1024;
/** The repository root, whether this runs compiled (dist/bench) or from sources (bench/). */
export const ROOT = ((): string => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '..', '..') : path.resolve(here, '..');
})();

export const AGENCY_A = { organId: '000.00.00.H40', name: 'UBND tỉnh Hà Nam' };
export const AGENCY_B = { organId: '000.00.12.H40', name: 'Sở Tài chính tỉnh Hà Nam' };

export interface Credentials { keyId: string; secret: string }
export interface SignedPackage { bytes: Buffer; sha256: string }

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  await until(async () => {
    if (child.exitCode !== null) throw new Error(`the process exited (${child.exitCode}) before it was ready`);
    return fetch(url).then((r) => r.ok, () => false);
  }, 30_000, `${url} to answer`, 100);
}

/** BENCH_GATEWAY_NODE_FLAGS: extra node flags (e.g. --cpu-prof); BENCH_STDOUT: a file that collects the processes' stdout. */
export function startProcess(args: string[], env: Record<string, string>): ChildProcess {
  const flags = process.env['BENCH_GATEWAY_NODE_FLAGS']?.split(' ').filter(Boolean) ?? [];
  const out = process.env['BENCH_STDOUT'] ? openSync(process.env['BENCH_STDOUT'], 'a') : 'ignore';
  const child = spawn(process.execPath, [...flags, ...args], { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', out, 'inherit'] });
  if (typeof out === 'number') closeSync(out); // the child has its own copy
  return child;
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** The gateway's processes: the one started and its cluster children (GATEWAY_PROCESSES). */
export function processTree(pid: number): number[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  return [pid, ...children];
}

/** CPU seconds (user + system) the processes have used: a per-package cost that does not depend on machine load. */
export function cpuSecondsOf(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) {
    const fields = readFileSync(`/proc/${p}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    total += (Number(fields[11]) + Number(fields[12])) / 100;
  }
  return total;
}

/**
 * How often a process's main thread (its event loop) was switched out: of its own accord (it waited) and not (the
 * kernel gave its core to another thread or process). Linux only, from /proc/PID/status.
 */
export function contextSwitchesOf(pid: number): { voluntary: number; involuntary: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { voluntary: field('voluntary_ctxt_switches'), involuntary: field('nonvoluntary_ctxt_switches') };
}

export interface BenchGateway {
  url: string;
  child: ChildProcess;
  dataDir: string;
  demo: DemoPki;
  /** Registers an agency (push when endpointUrl is given) and returns its request-signing credentials. */
  addAgency(agency: { organId: string; name: string }, endpointUrl?: string): Promise<Credentials>;
  /** Signs with the test PKI's agency seal (RSA), as agency A's document system would. */
  sign(bytes: Buffer): Promise<Buffer>;
  /** Registers a connected system (the government SDK's client) for these agencies, beside the gateway (edx admin). */
  addSystem(systemId: string, agencies: string[]): Promise<{ systemId: string; secret: string }>;
  stop(): Promise<void>;
}

/** env: extra settings for the gateway process (ROLE, GATEWAY_PROCESSES, INSPECT_THREADS, DELIVERY_*, ...). */
export async function startBenchGateway(env: Record<string, string>): Promise<BenchGateway> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'edx-bench-gateway-'));
  const demo = await createDemoPki(path.join(dataDir, 'trust'));
  const seal = demo.signerOf(demo.pki.identities['agency-rsa']);
  const operatorToken = randomBytes(16).toString('hex');
  const url = `http://127.0.0.1:${await freePort()}`;
  const child = startProcess(['dist/src/main/start.js'], {
    DATA_DIR: dataDir, PORT: new URL(url).port, HOST: '127.0.0.1', LOG_LEVEL: 'error',
    REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    OPERATOR_TOKENS: createHash('sha256').update(operatorToken).digest('hex'),
    // The benchmark is one agency sending as fast as it can: the per-agency limits would measure themselves.
    AGENCY_REQUESTS_PER_MINUTE: '0', AGENCY_DAILY_BYTES: '0',
    ...env,
  });
  const stop = async (): Promise<void> => {
    await stopProcess(child);
    await demo.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitReady(`${url}/readyz`, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    child,
    dataDir,
    demo,
    async addAgency(agency, endpointUrl) {
      const r = await fetch(`${url}/v1/admin/agencies`, { method: 'POST', headers: { Authorization: `Bearer ${operatorToken}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ ...agency, ...(endpointUrl ? { endpointUrl } : {}) }) });
      if (!r.ok) throw new Error(`registering ${agency.organId}: HTTP ${r.status} ${await r.text()}`);
      return ((await r.json()) as { credentials: Credentials }).credentials;
    },
    sign: (bytes) => signPackage(bytes, seal),
    async addSystem(systemId, agencies) {
      // `edx admin` acts on the gateway's data directory beside it, as an operator does.
      const cli = spawn(process.execPath, ['bin/edx.js', 'admin', 'system', 'add', systemId, '--agencies', agencies.join(',')], { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'error' } });
      let out = '';
      cli.stdout.on('data', (c: Buffer) => { out += c.toString(); });
      const code = await new Promise<number | null>((resolve) => cli.once('exit', resolve));
      if (code !== 0) throw new Error(`edx admin system add exited ${code}: ${out}`);
      return JSON.parse(out) as { systemId: string; secret: string };
    },
    stop,
  };
}

/**
 * Document packages from A to B of about `size` bytes that differ only in their DocumentId, each signed on its own;
 * `attachment`: the file they carry instead of random text of that size (a signed PDF, for the document checks).
 */
export async function signedPackages(count: number, sign: (b: Buffer) => Promise<Buffer>, size: number, attachment?: { name: string; bytes: Buffer; contentType: string }): Promise<SignedPackage[]> {
  const marker = 'BENCHDOC0000000000';
  const template = buildDocumentPackage({
    from: { organId: AGENCY_A.organId, organName: AGENCY_A.name },
    to: [{ organId: AGENCY_B.organId, organName: AGENCY_B.name }],
    documentId: `${AGENCY_A.organId},2026/12/01,${marker}/UBND-VP`,
    code: { codeNumber: '1', codeNotation: 'UBND-VP' },
    subject: 'V/v đo hiệu năng trục liên thông',
    // base64 makes the attachment 4/3 larger; about 4 KiB of header and signature come on top.
    attachments: [attachment ? { ...attachment, zip: false } : { name: 'van-ban.txt', bytes: randomBytes(Math.max(1, Math.round((size - 4 * KiB) * 0.75))), contentType: 'text/plain', zip: false }],
  }).toString('utf8');
  const out: SignedPackage[] = [];
  const run = randomBytes(3).toString('hex');
  for (let i = 0; i < count; i++) {
    const bytes = await sign(Buffer.from(template.replace(marker, `B${run}${String(i).padStart(8, '0')}`), 'utf8'));
    out.push({ bytes, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  return out;
}
