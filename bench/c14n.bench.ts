/**
 * Our streaming canonicalizer against libxml2-wasm's own C14N (`XmlDocument.canonicalize`, xmlC14NExecute) on a
 * 30 MiB signed package: the digest step of verification, from the package bytes to the Reference digest, with the
 * enveloped Signature left out. Ours: readPackageStructure + canonicalize(omitElementAt) into SHA-256. libxml2:
 * parse (XML_PARSE_HUGE, the base64 attachment is one text node), remove the ds:Signature element from the tree
 * (XMLDSig enveloped-signature transform), canonicalize into SHA-256.
 * Before timing, both outputs are compared byte for byte in exclusive and inclusive C14N and against the DigestValue
 * the signer wrote. Each engine then runs in its own child process (several runs, alternating) so that its peak RSS
 * (process.resourceUsage().maxRSS) is its own. Both children load both libraries, so the baseline is the same.
 * Decision rule (architecture issue §4): adopt libxml2's C14N if it is within 1.5x of ours on time and peak RSS.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParseOption, XmlC14NMode, XmlDocument, type XmlOutputBufferHandler } from 'libxml2-wasm';
import { buildDocumentPackage } from '../src/edxml/index.js';
import { generateTestPki, testSigner } from '../src/pki/test-pki/index.js';
import { canonicalize, signPackage, type C14nMode } from '../src/signature/index.js';
import { BufferedSink } from '../src/signature/xmldsig/canonicalizer.js';
import { readPackageStructure } from '../src/signature/xmldsig/package-structure.js';

const MiB = 1024 * 1024;
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const RUNS = Number(process.env.C14N_BENCH_RUNS ?? 5);
const PARSE = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE | ParseOption.XML_PARSE_HUGE;
type Engine = 'ours' | 'libxml2';

interface Sink {
  update(data: string | Uint8Array, encoding?: 'utf8'): unknown;
}

/** The verifier's digest step, on our canonicalizer. */
function ours(bytes: Buffer, mode: C14nMode, target: Sink): void {
  const structure = readPackageStructure(bytes);
  const sig = structure.signatures[0];
  if (!sig || structure.signatures.length !== 1) throw new Error('expected exactly one ds:Signature');
  const sink = new BufferedSink(target);
  canonicalize(bytes, sink, { mode, omitElementAt: sig.start, tolerateUndeclaredPrefixes: true, utf8Checked: true });
  sink.flush();
}

/** The same step on libxml2-wasm: parse, drop the Signature from the tree, xmlC14NExecute into the sink. */
function libxml2(bytes: Buffer, mode: C14nMode, target: Sink): void {
  const doc = XmlDocument.fromBuffer(bytes, { option: PARSE });
  try {
    const sigs = doc.find('//ds:Signature', { ds: DSIG });
    if (sigs.length !== 1) throw new Error('expected exactly one ds:Signature');
    sigs[0]!.remove();
    const handler: XmlOutputBufferHandler = { write: (buf) => { target.update(buf); return buf.byteLength; }, close: () => true };
    doc.canonicalize(handler, { mode: mode === 'exclusive' ? XmlC14NMode.XML_C14N_EXCLUSIVE_1_0 : XmlC14NMode.XML_C14N_1_0 });
  } finally {
    doc.dispose();
  }
}

const ENGINES: Record<Engine, typeof ours> = { ours, libxml2 };

function collect(engine: Engine, bytes: Buffer, mode: C14nMode): Buffer {
  const parts: Buffer[] = [];
  ENGINES[engine](bytes, mode, { update: (d: string | Uint8Array) => parts.push(typeof d === 'string' ? Buffer.from(d, 'utf8') : Buffer.from(d)) });
  return Buffer.concat(parts);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface ChildResult {
  ms: number;
  digest: string;
  baselineRssMiB: number;
  peakRssMiB: number;
}

/** Child side: one engine, one mode, one package, from a cold process; the median of a few digests. */
function child(engine: Engine, mode: C14nMode, file: string): ChildResult {
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage().rss;
  const bytes = readFileSync(file);
  const samples: number[] = [];
  let digest = '';
  for (let k = 0; k < 4; k++) {
    const start = process.hrtime.bigint();
    const hash = createHash('sha256');
    ENGINES[engine](bytes, mode, hash);
    digest = hash.digest('base64');
    if (k > 0) samples.push(Number(process.hrtime.bigint() - start) / 1e6); // the first run warms up
  }
  return { ms: median(samples), digest, baselineRssMiB: baseline / MiB, peakRssMiB: (process.resourceUsage().maxRSS * 1024) / MiB };
}

function runChild(engine: Engine, mode: C14nMode, file: string): ChildResult {
  const run = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', engine, mode, file], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`bench child ${engine} ${mode} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as ChildResult;
}

function packageOf(total: number): Buffer {
  return buildDocumentPackage({
    from: { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' },
    to: [{ organId: '000.00.00.H41', organName: 'UBND Tỉnh Nghệ An' }],
    code: { codeNumber: '7816', codeNotation: 'VPCP-TTĐT' },
    subject: 'V/v kết nối, liên thông phần mềm quản lý văn bản',
    attachments: [{ name: 'van-ban.pdf', bytes: randomBytes(Math.floor(((total - 3 * 1024) * 3) / 4)), zip: false, contentType: 'application/pdf' }],
  });
}

function digestValueOf(signed: Buffer): string {
  const text = signed.toString('latin1', signed.indexOf('<DigestValue>'), signed.indexOf('</DigestValue>'));
  return text.slice('<DigestValue>'.length);
}

const filesIn = (dir: string): Record<C14nMode, string> => ({ exclusive: join(dir, 'exc.edxml'), inclusive: join(dir, 'inc.edxml') });

/** Child side: signs the packages and checks that both engines give the same bytes (kept out of the parent, below). */
async function prepare(dir: string): Promise<void> {
  const pki = await generateTestPki();
  const signer = testSigner(pki.identities['official-rsa']);
  const unsigned = packageOf(30 * MiB);
  for (const mode of ['exclusive', 'inclusive'] as const) {
    const signed = await signPackage(unsigned, signer, { c14n: mode === 'exclusive' ? 'exc' : 'inclusive', includeChain: true });
    writeFileSync(filesIn(dir)[mode], signed, { mode: 0o600 });
    const a = collect('ours', signed, mode);
    const b = collect('libxml2', signed, mode);
    const libDigest = createHash('sha256').update(b).digest('base64');
    if (!a.equals(b) || libDigest !== digestValueOf(signed)) throw new Error(`${mode}: outputs differ (ours ${a.length} bytes, libxml2 ${b.length} bytes)`);
    console.log(`${mode}: ${(signed.length / MiB).toFixed(1)} MiB package, both canonical forms identical (${a.length} bytes), SHA-256 = signed DigestValue`);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'c14n-bench-'));
  try {
    // Linux keeps ru_maxrss across fork+exec: a child's maxRSS is at least its parent's RSS when it was spawned. The
    // parent therefore never holds a package; a separate child builds, signs and compares them.
    console.log(`C14N of a signed package (enveloped Signature left out), ours vs libxml2-wasm xmlC14NExecute, node ${process.version}`);
    const prep = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--prepare', dir], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
    if (prep.status !== 0) throw new Error('preparing the packages failed');
    const files = filesIn(dir);
    console.log(`parent RSS when spawning the measured children: ${(process.memoryUsage().rss / MiB).toFixed(0)} MiB (a floor for their maxRSS)`);
    console.log(`\n${RUNS} runs per engine and mode, each in a fresh child (median of 3 digests after a warm-up); medians over runs:`);
    console.log('mode        engine    time ms   peak RSS MiB  (growth)   | libxml2/ours: time   peak RSS   growth');
    for (const mode of ['exclusive', 'inclusive'] as const) {
      const results: Record<Engine, ChildResult[]> = { ours: [], libxml2: [] };
      for (let r = 0; r < RUNS; r++) {
        const order: Engine[] = r % 2 === 0 ? ['ours', 'libxml2'] : ['libxml2', 'ours'];
        for (const engine of order) results[engine].push(runChild(engine, mode, files[mode]));
      }
      const summary = (engine: Engine) => {
        const rs = results[engine];
        if (new Set(rs.map((x) => x.digest)).size !== 1) throw new Error(`${engine} digests differ between runs`);
        return { ms: median(rs.map((x) => x.ms)), peak: median(rs.map((x) => x.peakRssMiB)), growth: median(rs.map((x) => x.peakRssMiB - x.baselineRssMiB)), digest: rs[0]!.digest };
      };
      const o = summary('ours');
      const l = summary('libxml2');
      if (o.digest !== l.digest) throw new Error(`${mode}: digests differ`);
      for (const [name, s] of [['ours', o], ['libxml2', l]] as const) {
        console.log(`${mode.padEnd(12)}${name.padEnd(9)}${s.ms.toFixed(0).padStart(8)}   ${s.peak.toFixed(0).padStart(8)}     (${s.growth.toFixed(0).padStart(4)})`);
      }
      console.log(`${''.padEnd(60)}| ${(l.ms / o.ms).toFixed(2).padStart(18)}x ${(l.peak / o.peak).toFixed(2).padStart(9)}x ${(l.growth / o.growth).toFixed(2).padStart(7)}x`);
      console.log(`  runs, ms      ours: ${results.ours.map((x) => x.ms.toFixed(0)).join(' ')}   libxml2: ${results.libxml2.map((x) => x.ms.toFixed(0)).join(' ')}`);
      console.log(`  runs, peak    ours: ${results.ours.map((x) => x.peakRssMiB.toFixed(0)).join(' ')}   libxml2: ${results.libxml2.map((x) => x.peakRssMiB.toFixed(0)).join(' ')}`);
    }
    console.log('\nRule: libxml2 replaces ours only if within 1.5x on both time and peak RSS. Baseline = RSS after Node and both');
    console.log('libraries are loaded, before the package is read; growth = peak - baseline (the 30 MiB file buffer included).');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const childAt = process.argv.indexOf('--child');
const prepareAt = process.argv.indexOf('--prepare');
if (prepareAt > 0) {
  await prepare(process.argv[prepareAt + 1]!);
} else if (childAt > 0) {
  const [engine, mode, file] = process.argv.slice(childAt + 1) as [Engine, C14nMode, string];
  process.stdout.write(JSON.stringify(child(engine, mode, file)));
} else {
  await main();
}
