/**
 * XMLDSig verification speed on 50 KiB, 1 MiB and 30 MiB signed packages (one large base64 attachment): our fast
 * path, the xmldsigjs reference path and `xmlsec1 --verify` on the same file, against the SHA-256 time of its bytes
 * measured in the same process (a machine-independent ratio), with peak RSS; then sign and verify operations per
 * second on the 50 KiB package. Each engine runs in a fresh child process so its peak RSS is its own.
 * Targets (issue 3): 30 MiB verified in <= 3x its SHA-256 time with peak RSS growth <= 3x its size; 50 KiB in <= 5 ms
 * with the chain result cached.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDocumentPackage } from '../src/edxml/index.js';
import { createCertificateValidator } from '../src/pki/index.js';
import { generateTestPki, toPem } from '../src/pki/test-pki/index.js';
import { openPkcs12Signer } from '../src/signature/pkcs12-signer.js';
import { cachingValidator, signPackage, verifyPackage, type VerifyOptions } from '../src/signature/index.js';
import { median, timeMs } from './timing.js';

const MiB = 1024 * 1024;
type Engine = 'fast' | 'reference' | 'sha256';

interface ChildResult {
  ms: number;
  shaMs: number;
  baselineRssMiB: number;
  peakRssMiB: number;
  code: string;
}


/** Child side: one engine on one package, from a cold process (chain validation cached after the first call). */
async function child(engine: Engine, file: string, dir: string): Promise<ChildResult> {
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage().rss;
  const bytes = readFileSync(file);
  const validator = cachingValidator(createCertificateValidator({ trustAnchors: [readFileSync(join(dir, 'root.der'))], crls: [readFileSync(join(dir, 'root.crl')), readFileSync(join(dir, 'sub.crl'))], ocsp: false }));
  const options: VerifyOptions = { validator, policy: { offline: true }, engine: engine === 'reference' ? 'reference' : 'fast' };
  const iterations = engine === 'reference' ? Math.max(1, Math.min(20, Math.round((4 * MiB) / bytes.length))) : Math.max(5, Math.min(300, Math.round((256 * MiB) / bytes.length)));
  let code = '';
  if (engine !== 'sha256') code = (await verifyPackage(bytes, options)).code; // warm-up, fills the chain cache
  const ms = engine === 'sha256' ? 0 : await timeMs(iterations, async () => { code = (await verifyPackage(bytes, options)).code; });
  const shaMs = await timeMs(Math.max(5, Math.min(300, Math.round((256 * MiB) / bytes.length))), () => createHash('sha256').update(bytes).digest());
  return { ms, shaMs, code, baselineRssMiB: baseline / MiB, peakRssMiB: (process.resourceUsage().maxRSS * 1024) / MiB };
}

function packageOf(total: number): Buffer {
  const overhead = 3 * 1024;
  return buildDocumentPackage({
    from: { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' },
    to: [{ organId: '000.00.00.H41', organName: 'UBND Tỉnh Nghệ An' }],
    code: { codeNumber: '7816', codeNotation: 'VPCP-TTĐT' },
    subject: 'V/v kết nối, liên thông phần mềm quản lý văn bản',
    attachments: [{ name: 'van-ban.pdf', bytes: randomBytes(Math.max(1024, Math.floor(((total - overhead) * 3) / 4))), zip: false, contentType: 'application/pdf' }],
  });
}

function runChild(engine: Engine, file: string, dir: string): ChildResult {
  const run = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', engine, file, dir], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`bench child ${engine} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as ChildResult;
}

function xmlsecMs(file: string, dir: string): number | undefined {
  if (spawnSync('xmlsec1', ['--version']).status !== 0) return undefined;
  const samples: number[] = [];
  for (let k = 0; k < 3; k++) {
    const start = process.hrtime.bigint();
    const run = spawnSync('xmlsec1', ['--verify', '--trusted-pem', join(dir, 'root.pem'), file]);
    if (run.status !== 0) throw new Error(`xmlsec1 refused ${file}: ${run.stderr.toString()}`);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(2)).padStart(8);
const sizeText = (bytes: number) => (bytes >= MiB ? `${(bytes / MiB).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'signature-bench-'));
  try {
    const pki = await generateTestPki();
    writeFileSync(join(dir, 'root.der'), pki.root.certificate);
    writeFileSync(join(dir, 'root.pem'), toPem(pki.root.certificate));
    writeFileSync(join(dir, 'root.crl'), pki.crls.root);
    writeFileSync(join(dir, 'sub.crl'), pki.crls.subordinate);
    const signer = await openPkcs12Signer(await pki.pkcs12(pki.identities['official-rsa']), pki.password);
    const cases = [['50 KiB', 50 * 1024], ['1 MiB', MiB], ['30 MiB', 30 * MiB]] as const;
    console.log(`XMLDSig verify (RSA-SHA256, exc-c14n, chain cached) vs SHA-256 of the same bytes, node ${process.version}`);
    console.log('package   size       ours ms  SHA-256 ms  ours/SHA  xmldsigjs ms  xmldsigjs/ours  xmlsec1 ms  peak RSS ours (growth, x size)  peak RSS xmldsigjs');
    let small: Buffer | undefined;
    for (const [name, size] of cases) {
      const signed = await signPackage(packageOf(size), signer, { includeChain: true });
      if (name === '50 KiB') small = signed;
      const file = join(dir, `${name.replace(' ', '')}.edxml`);
      writeFileSync(file, signed);
      const ours = runChild('fast', file, dir);
      const reference = runChild('reference', file, dir);
      if (ours.code !== 'SIG_OK' || reference.code !== 'SIG_OK') throw new Error(`${name}: ours ${ours.code}, xmldsigjs ${reference.code}`);
      const xmlsec = xmlsecMs(file, dir);
      const growth = ours.peakRssMiB - ours.baselineRssMiB;
      console.log(
        `${name.padEnd(10)}${sizeText(signed.length).padEnd(10)}${fmt(ours.ms)}  ${fmt(ours.shaMs)}   ${(ours.ms / ours.shaMs).toFixed(2).padStart(6)}x  ${fmt(reference.ms)}      ${(reference.ms / ours.ms).toFixed(1).padStart(7)}x  ${xmlsec === undefined ? '     n/a' : fmt(xmlsec)}   ` +
          `${ours.peakRssMiB.toFixed(0).padStart(5)} MiB (${growth.toFixed(0)} MiB, ${(growth / (signed.length / MiB)).toFixed(2)}x)          ${reference.peakRssMiB.toFixed(0).padStart(5)} MiB`,
      );
    }
    // Operations per second on the 50 KiB package, in this process.
    const validator = cachingValidator(createCertificateValidator({ trustAnchors: [pki.root.certificate], crls: [pki.crls.root, pki.crls.subordinate], ocsp: false }));
    const unsigned = packageOf(50 * 1024);
    /** Mean operations per second over 2 s, and the median single operation (robust on a busy machine). */
    const opsPerSecond = async (run: () => Promise<unknown>) => {
      await run();
      const samples: number[] = [];
      const start = performance.now();
      while (performance.now() - start < 2000) {
        const t = performance.now();
        await run();
        samples.push(performance.now() - t);
      }
      return { ops: (samples.length * 1000) / (performance.now() - start), medianMs: median(samples) };
    };
    const signing = await opsPerSecond(() => signPackage(unsigned, signer, { includeChain: true }));
    const verifying = await opsPerSecond(() => verifyPackage(small!, { validator, policy: { offline: true } }));
    console.log(`50 KiB package: sign ${signing.ops.toFixed(0)} ops/s (median ${signing.medianMs.toFixed(2)} ms, RSA-2048 private-key operation included); verify ${verifying.ops.toFixed(0)} ops/s (median ${verifying.medianMs.toFixed(2)} ms, chain cached)`);
    console.log('Targets: 30 MiB ours/SHA <= 3x and growth <= 3x size; 50 KiB verify <= 5 ms. Baseline = RSS of the child after');
    console.log('Node and the libraries are loaded, before the package is read; growth = peak - baseline (the file buffer included).');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt > 0) {
  const [engine, file, dir] = process.argv.slice(childAt + 1) as [Engine, string, string];
  process.stdout.write(JSON.stringify(await child(engine, file, dir)));
} else {
  await main();
}
