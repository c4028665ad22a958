/**
 * The streaming canonicalizer is byte-equal to libxml2 (`xmllint --c14n`, `--exc-c14n`, Debian libxml2-utils) on
 * every well-formed edXML sample, the C14N specification examples, and generated documents. xmllint's C14N keeps
 * comments, so the with-comments output is compared directly and the without-comments output against xmllint run
 * on the same document with its comments left out. The enveloped case (an element and its subtree omitted) is
 * compared with xmllint on the document with that element cut out of the bytes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { canonicalBytes, type C14nMode } from '../../src/signature/index.js';
import { scanXml } from '../../src/signature/xmldsig/xml-scanner.js';
import { generateDocument } from './c14n-corpus.js';

const work = mkdtempSync(join(tmpdir(), 'c14n-diff-'));
let counter = 0;

function xmllint(xml: Buffer, mode: C14nMode): Buffer {
  const file = join(work, `doc-${counter++}.xml`);
  writeFileSync(file, xml);
  return execFileSync('xmllint', [mode === 'inclusive' ? '--c14n' : '--exc-c14n', file], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
}

function wellFormed(file: string): boolean {
  return spawnSync('xmllint', ['--noout', file]).status === 0;
}

function expectSame(ours: Buffer, reference: Buffer, label: string): void {
  if (!ours.equals(reference)) {
    let i = 0;
    while (ours[i] === reference[i]) i++;
    expect.fail(`${label}: first difference at byte ${i}\nours: ${JSON.stringify(ours.subarray(Math.max(0, i - 40), i + 40).toString())}\nxmllint: ${JSON.stringify(reference.subarray(Math.max(0, i - 40), i + 40).toString())}`);
  }
}

const MODES: C14nMode[] = ['inclusive', 'exclusive'];
const samplesDir = fileURLToPath(new URL('../fixtures/edxml/', import.meta.url));
const specDir = fileURLToPath(new URL('../fixtures/xmldsig/c14n/', import.meta.url));

describe('streaming C14N is byte-equal to xmllint', () => {
  const samples = readdirSync(samplesDir).filter((f) => f.endsWith('.edxml')).map((f) => join(samplesDir, f));
  const wellFormedSamples = samples.filter(wellFormed);

  it('on every well-formed edXML sample (and the malformed one is rejected)', () => {
    expect(wellFormedSamples.length).toBeGreaterThanOrEqual(samples.length - 1);
    for (const file of wellFormedSamples) {
      const xml = readFileSync(file);
      for (const mode of MODES) expectSame(canonicalBytes(xml, { mode, withComments: true, tolerateUndeclaredPrefixes: true }), xmllint(xml, mode), `${file} ${mode}`);
    }
    for (const file of samples.filter((f) => !wellFormedSamples.includes(f))) {
      expect(() => canonicalBytes(readFileSync(file), { mode: 'inclusive' })).toThrow(/Text outside the root element|not well-formed|malformed/i);
    }
  });

  it('on the C14N specification examples and the namespace/CRLF cases', () => {
    const files = readdirSync(specDir).filter((f) => f.endsWith('.xml'));
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const f of files) {
      const xml = readFileSync(join(specDir, f));
      for (const mode of MODES) expectSame(canonicalBytes(xml, { mode, withComments: true }), xmllint(xml, mode), `${f} ${mode}`);
    }
  });

  it('on 150 generated documents, with and without comments', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const doc = generateDocument(seed);
      const withComments = Buffer.from(doc.withComments, 'utf8');
      const withoutComments = Buffer.from(doc.withoutComments, 'utf8');
      for (const mode of MODES) {
        expectSame(canonicalBytes(withComments, { mode, withComments: true }), xmllint(withComments, mode), `seed ${seed} ${mode} with comments`);
        expectSame(canonicalBytes(withComments, { mode }), xmllint(withoutComments, mode), `seed ${seed} ${mode} without comments`);
      }
    }
  });

  it('with an element omitted (the enveloped-signature transform) on the samples and generated documents', () => {
    const docs = [...wellFormedSamples.map((f) => readFileSync(f)), ...Array.from({ length: 40 }, (_, k) => Buffer.from(generateDocument(1000 + k).withoutComments, 'utf8'))];
    let checked = 0;
    for (const xml of docs) {
      // Omit the second element below the root (any depth), or the first when there is one only.
      const ranges = elementRanges(xml);
      const element = ranges[2] ?? ranges[1];
      if (!element) continue;
      const { start, end } = element;
      const cut = Buffer.concat([xml.subarray(0, start), xml.subarray(end)]);
      for (const mode of MODES) expectSame(canonicalBytes(xml, { mode, omitElementAt: start, tolerateUndeclaredPrefixes: true }), canonicalBytes(cut, { mode, tolerateUndeclaredPrefixes: true }), `omit ${mode}`);
      expectSame(canonicalBytes(cut, { mode: 'exclusive', withComments: true, tolerateUndeclaredPrefixes: true }), xmllint(cut, 'exclusive'), 'cut document');
      checked++;
    }
    expect(checked).toBeGreaterThan(30);
  });
});

/** Start and end offsets of every element, as the scanner sees them (so tag look-alikes in CDATA do not count). */
function elementRanges(xml: Buffer): { start: number; end: number }[] {
  const ranges: { start: number; end: number }[] = [];
  const open: { start: number; end: number }[] = [];
  const ignore = () => {};
  scanXml(xml, {
    startElement: (_q, _a, start) => { const r = { start, end: -1 }; ranges.push(r); open.push(r); },
    endElement: (_q, end) => { open.pop()!.end = end; },
    text: ignore, chars: ignore, processingInstruction: ignore, comment: ignore,
  });
  return ranges;
}
