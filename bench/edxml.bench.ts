/**
 * edXML parse + validate throughput against SHA-256 of the same bytes, in the same process (a machine-independent
 * ratio), and peak memory. Each package is measured in a fresh child process so peak RSS belongs to that case.
 * Targets (issue 2): on the 30 MiB package, parse+validate <= 5x the SHA-256 time and peak RSS <= 3x the file size.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDocumentPackage, checkPackage } from '../src/edxml/index.js';

const MiB = 1024 * 1024;
const SAMPLE = fileURLToPath(new URL('../../test/fixtures/edxml/edoc_new_clean.edxml', import.meta.url));

interface CaseResult {
  name: string;
  bytes: number;
  parseMs: number;
  shaMs: number;
  baselineRssMiB: number;
  peakRssMiB: number;
}

function timeMs(iterations: number, run: () => void): number {
  const start = process.hrtime.bigint();
  for (let k = 0; k < iterations; k++) run();
  return Number(process.hrtime.bigint() - start) / 1e6 / iterations;
}

/** Child side: one package, measured from a cold process. */
function measure(name: string, file: string): CaseResult {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const baseline = process.memoryUsage().rss;
  const bytes = readFileSync(file);
  const iterations = Math.max(3, Math.min(200, Math.round((64 * MiB) / bytes.length)));
  checkPackage(bytes); // warm-up: wasm memory grows, the XSDs compile
  const parseMs = timeMs(iterations, () => {
    const { package: pkg } = checkPackage(bytes);
    if (pkg.kind === 'edoc') for (const a of pkg.attachments) a.decodedSize();
  });
  const shaMs = timeMs(iterations, () => createHash('sha256').update(bytes).digest());
  const peak = process.resourceUsage().maxRSS * 1024;
  return { name, bytes: bytes.length, parseMs, shaMs, baselineRssMiB: baseline / MiB, peakRssMiB: peak / MiB };
}

function packageWithAttachment(size: number): Buffer {
  return buildDocumentPackage({
    from: { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' },
    to: [{ organId: '000.00.00.H41', organName: 'UBND Tỉnh Nghệ An' }],
    code: { codeNumber: '7816', codeNotation: 'VPCP-TTĐT' },
    subject: 'V/v kết nối, liên thông phần mềm quản lý văn bản',
    attachments: [{ name: 'van-ban.pdf', bytes: randomBytes(size), zip: false, contentType: 'application/pdf' }],
  });
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'edxml-bench-'));
  try {
    const cases: [string, string][] = [
      ['20 KiB package', join(dir, 'small.edxml')],
      ['360 KiB sample (edoc_new_clean)', SAMPLE],
      ['30 MiB generated package', join(dir, 'large.edxml')],
    ];
    writeFileSync(cases[0]![1], packageWithAttachment(13 * 1024));
    writeFileSync(cases[2]![1], packageWithAttachment(Math.floor((30 * MiB * 3) / 4) - 2048));
    console.log(`edXML parse+validate (checkPackage) vs SHA-256 of the same bytes, node ${process.version}`);
    console.log('case                              size      parse+validate   SHA-256          ratio  peak RSS (baseline)  growth (x size)');
    for (const [name, file] of cases) {
      const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--case', name, file], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`bench case ${name} failed: ${child.stderr}`);
      const r = JSON.parse(child.stdout) as CaseResult;
      const mbps = (ms: number) => `${((r.bytes / MiB / ms) * 1000).toFixed(0).padStart(6)} MiB/s`;
      const size = r.bytes >= MiB ? `${(r.bytes / MiB).toFixed(1)} MiB` : `${(r.bytes / 1024).toFixed(0)} KiB`;
      console.log(
        `${r.name.padEnd(34)}${size.padEnd(10)}${mbps(r.parseMs)} ${r.parseMs.toFixed(2).padStart(7)} ms  ${mbps(r.shaMs)}  ${(r.parseMs / r.shaMs).toFixed(2).padStart(5)}x  ` +
          `${r.peakRssMiB.toFixed(0).padStart(4)} MiB (${r.baselineRssMiB.toFixed(0)} MiB)      ${(r.peakRssMiB - r.baselineRssMiB).toFixed(0)} MiB${r.bytes >= MiB ? ` (${((r.peakRssMiB - r.baselineRssMiB) / (r.bytes / MiB)).toFixed(2)}x)` : ''}`,
      );
    }
    console.log('Targets on the 30 MiB package: ratio <= 5x; peak RSS <= 3x file size. Baseline = RSS of the child after Node,');
    console.log('libxml2-wasm and the library are loaded, before the package is read; growth = peak - baseline (file buffer included).');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const caseAt = process.argv.indexOf('--case');
if (caseAt > 0) process.stdout.write(JSON.stringify(measure(process.argv[caseAt + 1]!, process.argv[caseAt + 2]!)));
else main();
