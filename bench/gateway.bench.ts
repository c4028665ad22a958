/**
 * `npm run bench:gateway`: the gateway as agencies meet it. Real HTTP (autocannon), the compiled gateway in its own
 * process (`node dist/src/main/start.js`, ROLE=gateway, embedded store in a fresh DATA_DIR, real Redis), packages
 * signed with XMLDSig by a test-PKI agency seal and verified for real. Measured:
 *   - accepted packages per second for 20 KiB signed packages (16 connections, as fast as it goes);
 *   - p50/p99 latency at a fixed 200 packages/s;
 *   - time and the gateway's RSS growth for one 30 MiB package.
 * Each number is printed with a ratio to a reference measured in the same run on the same machine: a bare node:http
 * server (own process) that streams the body through SHA-256 and answers 202, i.e. the cost of HTTP alone.
 *   - the government SDK's sendEdoc (/vdxp) against POST /v1/packages for the same kind of packages;
 *   - packages carrying a 1 MiB PDF signed by an official and sealed by the agency, against packages of the same size
 *     carrying a text file: what the document-signature check costs per package and per MiB.
 * Targets (2-core machine): >= 500 accepted/s; p99 <= 50 ms at 200/s; 30 MiB in <= 1.5 s, RSS growth <= 3x;
 * sendEdoc within 10% of /v1.
 * Then accepted packages/s of the whole axis in one process (ROLE=all: gateway and workers), without checkpoints
 * during the run and with a checkpoint of the receipt log every second, time-stamped by the development TSA in the
 * same process: the cost of keeping evidence, as a ratio of the two measured in this run.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import autocannon from 'autocannon';
import { signRequest } from '../src/http/rest/request-signing.js';
import { signPdf } from '../src/signature/pdf/index.js';
import { scanPdf } from './scan-pdf.js';
import { sdkSendEdoc } from './vdxp-request.js';
import { AGENCY_A, AGENCY_B, cpuSecondsOf, freePort, processTree, signedPackages, startBenchGateway, startProcess, stopProcess, type BenchGateway, type Credentials, type SignedPackage } from './gateway-harness.js';
import Database from 'better-sqlite3';
import { until } from './wait-until.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const THROUGHPUT_PACKAGES = Number(process.env['BENCH_PACKAGES'] ?? 4000);
const RATE = 200;
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 16);
/**
 * The product's default: one gateway process, whose inspector threads use the other cores (INSPECT_THREADS).
 * GATEWAY_PROCESSES > 1 runs a cluster; the RSS and CPU figures add up the processes.
 */
const GATEWAY_PROCESSES = Number(process.env['GATEWAY_PROCESSES'] ?? 1);
const RATE_SECONDS = Number(process.env['BENCH_RATE_SECONDS'] ?? 10);
/** Packages in each of the 1 MiB-attachment cases. */
const PDF_PACKAGES = Number(process.env['BENCH_PDF_PACKAGES'] ?? 200);
const CHECKPOINT_PACKAGES = Number(process.env['BENCH_CHECKPOINT_PACKAGES'] ?? 3000);

/** CPU seconds of the event-loop thread alone (its thread id is the process id): the part no other core can take. */
function eventLoopSecondsOf(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) {
    const fields = readFileSync(`/proc/${p}/task/${p}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    total += (Number(fields[11]) + Number(fields[12])) / 100;
  }
  return total;
}

function rssOf(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) {
    const line = readFileSync(`/proc/${p}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    total += Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) * 1024;
  }
  return total;
}

/** The reference: HTTP alone, streaming the body through SHA-256 (what any upload endpoint must at least do). */
const BARE_SERVER = `
const http = require('node:http'); const { createHash } = require('node:crypto');
http.createServer((req, res) => { const h = createHash('sha256'); req.on('data', (c) => h.update(c));
  req.on('end', () => { const body = JSON.stringify({ sha256: h.digest('hex') }); res.writeHead(202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }); res.end(body); });
}).listen(Number(process.env.PORT), '127.0.0.1');`;

interface LoadResult { accepted: number; other: Record<string, number>; seconds: number; p50: number; p99: number; rps: number }

/** How one package goes on the wire: the /v1 API (the default) or another dialect's request. */
type Route = (pkg: SignedPackage) => { path: string; headers: Record<string, string>; body: Buffer };

const restRoute = (creds: Credentials | undefined): Route => (pkg) => {
  const headers: Record<string, string> = { 'content-type': 'application/xml' };
  if (creds) Object.assign(headers, signRequest({ method: 'POST', path: '/v1/packages', keyId: creds.keyId, secret: creds.secret, bodySha256: pkg.sha256 }));
  return { path: '/v1/packages', headers, body: pkg.bytes };
};

async function load(url: string, packages: SignedPackage[], creds: Credentials | undefined, opts: { connections: number; overallRate?: number; route?: Route }): Promise<LoadResult> {
  const route = opts.route ?? restRoute(creds);
  let next = 0;
  let accepted = 0;
  const other: Record<string, number> = {};
  // autocannon's duration is in whole seconds and it stops on its one-second tick: 5000 packages answered in 10.1 s
  // would read "416/s". The clock here runs from the start to the last answer.
  const started = performance.now();
  let lastAnswer = started;
  const result = await autocannon({
    url,
    connections: opts.connections,
    amount: packages.length,
    ...(opts.overallRate ? { overallRate: opts.overallRate } : {}),
    requests: [{
      method: 'POST',
      path: '/v1/packages',
      setupRequest: (request: Record<string, unknown>) => {
        const { path, headers, body } = route(packages[next++ % packages.length]!);
        return { ...request, path, headers, body };
      },
      onResponse: (status: number, body: string) => {
        lastAnswer = performance.now();
        // The SDK's protocol answers 200 with status OK; the /v1 API 202.
        if (status === 202 || (status === 200 && body.includes('"status":"OK"'))) accepted += 1;
        else {
          const code = `${status} ${(/"(?:code|ErrorCode)":"([A-Z0-9_]+)"/.exec(body ?? '') ?? [])[1] ?? ''}`.trim();
          other[code] = (other[code] ?? 0) + 1;
        }
      },
    }],
  } as unknown as autocannon.Options);
  const seconds = (lastAnswer - started) / 1000;
  return { accepted, other, seconds, p50: result.latency.p50, p99: result.latency.p99, rps: packages.length / seconds };
}

async function postOnce(url: string, pkg: SignedPackage, creds: Credentials | undefined, pid: number): Promise<{ ms: number; status: number; baseline: number; peak: number }> {
  const baseline = rssOf(pid);
  let peak = baseline;
  const sampler = setInterval(() => { peak = Math.max(peak, rssOf(pid)); }, 10);
  const headers: Record<string, string> = { 'content-type': 'application/xml' };
  if (creds) Object.assign(headers, signRequest({ method: 'POST', path: '/v1/packages', keyId: creds.keyId, secret: creds.secret, bodySha256: pkg.sha256 }));
  const start = performance.now();
  const response = await fetch(`${url}/v1/packages`, { method: 'POST', headers, body: pkg.bytes });
  await response.arrayBuffer();
  const ms = performance.now() - start;
  clearInterval(sampler);
  peak = Math.max(peak, rssOf(pid));
  return { ms, status: response.status, baseline, peak };
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** A load run with the gateway's CPU per accepted package (its whole process tree: event loop and inspector threads). */
async function measured(pid: number, run: () => Promise<LoadResult>): Promise<{ result: LoadResult; perSecond: number; cpuMs: number }> {
  const before = cpuSecondsOf(pid);
  const result = await run();
  return { result, perSecond: result.accepted / result.seconds, cpuMs: ((cpuSecondsOf(pid) - before) * 1000) / Math.max(result.accepted, 1) };
}
const mark = (ok: boolean) => (ok ? 'PASS' : 'MISS');

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  let bench: BenchGateway | undefined;
  try {
    // The test PKI's CRL/OCSP server runs in this process: the gateway checks the seal's revocation under the default
    // policy (require), as in production; the verdict is cached per certificate, as a real gateway's is.
    bench = await startBenchGateway({
      ROLE: 'gateway', GATEWAY_PROCESSES: String(GATEWAY_PROCESSES),
      ...(process.env['UV_THREADPOOL_SIZE'] ? { UV_THREADPOOL_SIZE: process.env['UV_THREADPOOL_SIZE'] } : {}),
      ...(process.env['INSPECT_THREADS'] ? { INSPECT_THREADS: process.env['INSPECT_THREADS'] } : {}),
    });
    const { url, child: gateway } = bench;
    process.stdout.write(`gateway benchmark: node ${process.version}, ${GATEWAY_PROCESSES} gateway process(es), ${cpus().length} cores, data ${bench.dataDir}\n`);
    // Every gateway process answers before the clock starts.
    await until(() => processTree(gateway.pid!).length >= 1 + (GATEWAY_PROCESSES > 1 ? GATEWAY_PROCESSES : 0), 60_000, 'every gateway process', 100);
    const creds = await bench.addAgency(AGENCY_A);
    await bench.addAgency(AGENCY_B);
    const sign = bench.sign;

    const refPort = await freePort();
    const reference = startProcess(['-e', BARE_SERVER], { PORT: String(refPort) });
    children.push(reference);
    const refUrl = `http://127.0.0.1:${refPort}`;
    await until(() => fetch(refUrl, { method: 'POST', body: 'x' }).then(() => true, () => false), 5000, 'the reference server', 50);

    const signStart = performance.now();
    const packages = await signedPackages(THROUGHPUT_PACKAGES + RATE * RATE_SECONDS + 200, sign, 20 * KiB);
    const size = packages[0]!.bytes.length;
    process.stdout.write(`prepared ${packages.length} signed packages of ${fmt(size / KiB)} KiB in ${fmt((performance.now() - signStart) / 1000)} s\n\n`);
    const warmup = packages.slice(0, 200);
    const burst = packages.slice(200, 200 + THROUGHPUT_PACKAGES);
    const paced = packages.slice(200 + THROUGHPUT_PACKAGES);

    await load(url, warmup, creds, { connections: 8 });
    const ref = await load(refUrl, burst, undefined, { connections: CONNECTIONS });
    const cpuBefore = cpuSecondsOf(gateway.pid!);
    const loopBefore = eventLoopSecondsOf(gateway.pid!);
    const clientBefore = process.cpuUsage();
    const gw = await load(url, burst, creds, { connections: CONNECTIONS });
    const cpuMs = ((cpuSecondsOf(gateway.pid!) - cpuBefore) * 1000) / Math.max(gw.accepted, 1);
    const loopMs = ((eventLoopSecondsOf(gateway.pid!) - loopBefore) * 1000) / Math.max(gw.accepted, 1);
    const client = process.cpuUsage(clientBefore);
    const clientMs = (client.user + client.system) / 1000 / Math.max(burst.length, 1);
    const perSecond = gw.accepted / gw.seconds;

    // The government SDK's sendEdoc (docs/vdxp.md): packages of the same shape, their own DocumentIds, through /vdxp.
    const system = await bench.addSystem('vxp.bench.01', [AGENCY_A.organId]);
    const sdkRoute: Route = (pkg) => ({ path: '/vdxp/sendEdoc', ...sdkSendEdoc(pkg.bytes, pkg.sha256, system, AGENCY_A.organId) });
    const sdkPackages = await signedPackages(THROUGHPUT_PACKAGES, sign, 20 * KiB);
    const sdkCase = await measured(gateway.pid!, () => load(url, sdkPackages, undefined, { connections: CONNECTIONS, route: sdkRoute }));

    // Officials' signatures inside documents (Decree 30): a 1 MiB decision signed by the official and sealed by the
    // agency, against packages of the same size carrying a text file (what the PDF check adds, and nothing else).
    const officialPdf = await signPdf(scanPdf(MiB), bench.demo.signerOf(bench.demo.pki.identities['official-rsa']));
    const sealedPdf = await signPdf(officialPdf, bench.demo.signerOf(bench.demo.pki.identities['agency-rsa']));
    const pdfPackages = await signedPackages(PDF_PACKAGES, sign, 0, { name: 'quyet-dinh.pdf', bytes: sealedPdf, contentType: 'application/pdf' });
    const textPackages = await signedPackages(PDF_PACKAGES, sign, Math.round(sealedPdf.length / 0.75) + 4 * KiB);
    const textCase = await measured(gateway.pid!, () => load(url, textPackages, creds, { connections: CONNECTIONS }));
    const pdfCase = await measured(gateway.pid!, () => load(url, pdfPackages, creds, { connections: CONNECTIONS }));
    const pdfMiB = sealedPdf.length / MiB;
    const refPaced = await load(refUrl, paced, undefined, { connections: 10, overallRate: RATE });
    const gwPaced = await load(url, paced, creds, { connections: 10, overallRate: RATE });

    const big = (await signedPackages(1, sign, 30 * MiB))[0]!;
    (globalThis as { gc?: () => void }).gc?.();
    const refBig = await postOnce(refUrl, big, undefined, reference.pid!);
    const gwBig = await postOnce(url, big, creds, gateway.pid!);
    const growth = (gwBig.peak - gwBig.baseline) / big.bytes.length;

    const lines = [
      `20 KiB signed packages, ${CONNECTIONS} connections, ${burst.length} packages:`,
      `  gateway   ${fmt(perSecond, 0)} accepted/s (${gw.accepted} x 202${Object.keys(gw.other).length ? `, other: ${JSON.stringify(gw.other)}` : ''}), p50 ${gw.p50} ms, p99 ${gw.p99} ms`,
      `  reference ${fmt(ref.rps, 0)} req/s bare HTTP + SHA-256;  gateway/reference = ${fmt(perSecond / ref.rps, 3)}`,
      `  gateway CPU per accepted package ${fmt(cpuMs, 2)} ms, of which event loop ${fmt(loopMs, 2)} ms (its ceiling: ${fmt(1000 / loopMs, 0)}/s); benchmark client ${fmt(clientMs, 2)} ms per request`,
      `  machine load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`,
      `  target >= 500 accepted/s: ${mark(perSecond >= 500)}`,
      `at ${RATE} packages/s for ${RATE_SECONDS} s (${paced.length} packages, 10 connections):`,
      `  gateway   p50 ${gwPaced.p50} ms, p99 ${gwPaced.p99} ms, ${fmt(gwPaced.accepted / gwPaced.seconds, 0)} accepted/s achieved (${gwPaced.accepted} x 202${Object.keys(gwPaced.other).length ? `, other: ${JSON.stringify(gwPaced.other)}` : ''})`,
      `  reference p50 ${refPaced.p50} ms, p99 ${refPaced.p99} ms;  gateway p99 / reference p99 = ${fmt(gwPaced.p99 / Math.max(refPaced.p99, 1), 1)}`,
      `  target p99 <= 50 ms: ${mark(gwPaced.p99 <= 50)}`,
      `the government SDK's sendEdoc (/vdxp), 20 KiB signed packages, ${CONNECTIONS} connections, ${sdkPackages.length} packages:`,
      `  sendEdoc  ${fmt(sdkCase.perSecond, 0)} accepted/s (${sdkCase.result.accepted} OK${Object.keys(sdkCase.result.other).length ? `, other: ${JSON.stringify(sdkCase.result.other)}` : ''}), p50 ${sdkCase.result.p50} ms, p99 ${sdkCase.result.p99} ms; CPU ${fmt(sdkCase.cpuMs, 2)} ms per package`,
      `  sendEdoc / POST /v1/packages = ${fmt(sdkCase.perSecond / perSecond, 3)} (target within 10%: ${mark(sdkCase.perSecond >= 0.9 * perSecond)})`,
      `packages carrying a ${fmt(pdfMiB, 2)} MiB PDF signed by an official and sealed by the agency (${PDF_PACKAGES} each, ${CONNECTIONS} connections):`,
      `  same size, a text file: ${fmt(textCase.perSecond, 1)} accepted/s, CPU ${fmt(textCase.cpuMs, 1)} ms per package${Object.keys(textCase.result.other).length ? `, other: ${JSON.stringify(textCase.result.other)}` : ''}`,
      `  the signed PDF:         ${fmt(pdfCase.perSecond, 1)} accepted/s, CPU ${fmt(pdfCase.cpuMs, 1)} ms per package${Object.keys(pdfCase.result.other).length ? `, other: ${JSON.stringify(pdfCase.result.other)}` : ''}`,
      `  the PDF check costs ${fmt(pdfCase.cpuMs - textCase.cpuMs, 1)} ms of CPU per package, ${fmt((pdfCase.cpuMs - textCase.cpuMs) / pdfMiB, 1)} ms per MiB of PDF; throughput ratio ${fmt(pdfCase.perSecond / textCase.perSecond, 2)}`,
      `one ${fmt(big.bytes.length / MiB)} MiB signed package:`,
      `  gateway   ${gwBig.status} in ${fmt(gwBig.ms, 0)} ms; RSS ${fmt(gwBig.baseline / MiB)} -> peak ${fmt(gwBig.peak / MiB)} MiB, growth ${fmt(growth, 2)}x the package`,
      `  reference ${fmt(refBig.ms, 0)} ms bare HTTP + SHA-256;  gateway/reference = ${fmt(gwBig.ms / refBig.ms, 1)}x`,
      `  targets <= 1500 ms: ${mark(gwBig.status === 202 && gwBig.ms <= 1500)}, RSS growth <= 3x: ${mark(growth <= 3)}`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    for (const child of children) await stopProcess(child);
    await bench?.stop();
  }
  await checkpointCase();
}

/**
 * The same burst through a whole axis (ROLE=all) twice, each on a fresh data directory: once with no checkpoint due
 * during the run (CHECKPOINT_EVERY_MS one hour), once with one every second, time-stamped by the in-process TSA.
 */
async function checkpointCase(): Promise<void> {
  const runs: { label: string; perSecond: number; accepted: number; other: Record<string, number>; p99: number; checkpoints: number; stamped: number; receipts: number }[] = [];
  for (const [label, everyMs] of [['without checkpoints', 3600_000], ['checkpoint every 1 s', 1000]] as const) {
    const axis = await startBenchGateway({ ROLE: 'all', CHECKPOINT_EVERY_MS: String(everyMs), ...(process.env['INSPECT_THREADS'] ? { INSPECT_THREADS: process.env['INSPECT_THREADS'] } : {}) });
    try {
      const creds = await axis.addAgency(AGENCY_A);
      await axis.addAgency(AGENCY_B);
      // Each axis has its own test PKI: its packages are signed by its own agency seal.
      const packages = await signedPackages(CHECKPOINT_PACKAGES + 200, axis.sign, 20 * KiB);
      await load(axis.url, packages.slice(0, 200), creds, { connections: 8 });
      const run = await load(axis.url, packages.slice(200), creds, { connections: CONNECTIONS });
      const db = new Database(`${axis.dataDir}/axis.sqlite`, { readonly: true, fileMustExist: true });
      const counts = db.prepare('SELECT COUNT(*) AS checkpoints, COALESCE(MAX(CASE WHEN token IS NOT NULL THEN tree_size END), 0) AS stamped, (SELECT COALESCE(MAX(seq), 0) FROM receipts) AS receipts FROM checkpoints').get() as { checkpoints: number; stamped: number; receipts: number };
      db.close();
      runs.push({ label, perSecond: run.accepted / run.seconds, accepted: run.accepted, other: run.other, p99: run.p99, ...counts });
    } finally {
      await axis.stop();
    }
  }
  const [without, withCheckpoints] = runs;
  const lines = [
    `the whole axis (ROLE=all), 20 KiB signed packages, ${CONNECTIONS} connections, ${CHECKPOINT_PACKAGES} packages, same run:`,
    ...runs.map((r) => `  ${r.label.padEnd(22)} ${fmt(r.perSecond, 0)} accepted/s (${r.accepted} x 202${Object.keys(r.other).length ? `, other: ${JSON.stringify(r.other)}` : ''}), p99 ${r.p99} ms; ${r.checkpoints} checkpoint(s), latest time-stamped covers ${r.stamped} of ${r.receipts} receipts`),
    `  with / without = ${fmt(withCheckpoints!.perSecond / without!.perSecond, 3)}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

await main();
