/**
 * The streaming canonicalizer is byte-equal to libxml2's C14N, run in process through libxml2-wasm
 * (test/signature/libxml2-c14n.ts), in both modes, with and without comments: on every edXML sample libxml2 parses,
 * the XMLDSig fixtures, the C14N specification examples and generated documents; for the enveloped case (our signed
 * packages with the Signature taken out of libxml2's tree) and for SignedInfo in its document context. The sample
 * with undeclared prefixes, which libxml2-wasm refuses, is compared with `xmllint --c14n` / `--exc-c14n`.
 */
import { execFileSync } from 'node:child_process';
import { createHash, verify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalBytes, signPackage, type C14nMode } from '../../src/signature/index.js';
import { readPackageStructure } from '../../src/signature/xmldsig/package-structure.js';
import { scanXml } from '../../src/signature/xmldsig/xml-scanner.js';
import { openXmldsigTestPki, type XmldsigTestPki } from '../fixtures/xmldsig/xmldsig-test-pki.js';
import { generateDocument } from './c14n-corpus.js';
import { libxml2Canonical, libxml2Parses } from './libxml2-c14n.js';

const MODES: C14nMode[] = ['inclusive', 'exclusive'];
const dirOf = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const filesIn = (dir: string, ext: string) => readdirSync(dir).filter((f) => f.endsWith(ext)).map((f) => join(dir, f));
const samples = [...filesIn(dirOf('../fixtures/edxml/'), '.edxml'), ...filesIn(dirOf('../fixtures/xmldsig/'), '.edxml')];
const specExamples = filesIn(dirOf('../fixtures/xmldsig/c14n/'), '.xml');

function expectSame(ours: Buffer, reference: Buffer, label: string): void {
  if (!ours.equals(reference)) {
    let i = 0;
    while (ours[i] === reference[i]) i++;
    expect.fail(`${label}: first difference at byte ${i}\nours: ${JSON.stringify(ours.subarray(Math.max(0, i - 40), i + 40).toString())}\nlibxml2: ${JSON.stringify(reference.subarray(Math.max(0, i - 40), i + 40).toString())}`);
  }
}

/** Ours against libxml2 on one document, both modes, with and without comments. */
function compareWhole(xml: Buffer, label: string): void {
  for (const mode of MODES) {
    for (const withComments of [true, false]) {
      expectSame(canonicalBytes(xml, { mode, withComments, tolerateUndeclaredPrefixes: true }), libxml2Canonical(xml, mode, { withComments }), `${label} ${mode}${withComments ? ' with comments' : ''}`);
    }
  }
}

describe('streaming C14N is byte-equal to libxml2 (in process)', () => {
  const parsed = samples.filter((f) => libxml2Parses(readFileSync(f)));

  it('on every edXML sample libxml2 parses, and the XMLDSig fixtures', () => {
    // All but edoc.edxml and its copy edoc-rsa-sha1.edxml (undeclared prefixes) and the malformed edoc_new.edxml.
    expect(parsed.length).toBe(samples.length - 3);
    for (const file of parsed) compareWhole(readFileSync(file), file);
  });

  it('on the C14N specification examples and the namespace/CRLF cases', () => {
    expect(specExamples.length).toBeGreaterThanOrEqual(7);
    for (const file of specExamples) compareWhole(readFileSync(file), file);
  });

  it('on 150 generated documents', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const doc = generateDocument(seed);
      compareWhole(Buffer.from(doc.withComments, 'utf8'), `seed ${seed}`);
      // The generator's own comment-free twin canonicalizes like the original without comments.
      const twin = Buffer.from(doc.withoutComments, 'utf8');
      for (const mode of MODES) expectSame(canonicalBytes(twin, { mode, withComments: true }), libxml2Canonical(Buffer.from(doc.withComments, 'utf8'), mode), `seed ${seed} ${mode} twin`);
    }
  });

  it('with an InclusiveNamespaces PrefixList (exclusive C14N) on generated documents', () => {
    for (let seed = 200; seed < 260; seed++) {
      const xml = Buffer.from(generateDocument(seed).withComments, 'utf8');
      for (const prefixes of [['a'], ['b', 'edXML'], ['z9', 'ds', 'a']]) {
        expectSame(canonicalBytes(xml, { mode: 'exclusive', inclusivePrefixes: prefixes }), libxml2Canonical(xml, 'exclusive', { inclusivePrefixes: prefixes }), `seed ${seed} ${prefixes.join(',')}`);
      }
    }
  });

  it('with an element omitted (the enveloped-signature transform) on generated documents', () => {
    let checked = 0;
    for (let seed = 1000; checked < 40 && seed < 1200; seed++) {
      const xml = Buffer.from(generateDocument(seed).withoutComments, 'utf8');
      // The third element in document order (the second when there are two): libxml2 takes it out of its tree.
      const ranges = elementRanges(xml);
      const index = ranges.length > 2 ? 2 : 1;
      const element = ranges[index];
      if (!element) continue;
      for (const mode of MODES) {
        expectSame(canonicalBytes(xml, { mode, omitElementAt: element.start }), libxml2Canonical(xml, mode, { remove: `(//*)[${index + 1}]` }), `seed ${seed} omit ${mode}`);
      }
      checked++;
    }
    expect(checked).toBe(40);
  });
});

describe('signed packages: our digest and SignedInfo bytes are libxml2\'s', () => {
  let pki: XmldsigTestPki;
  beforeAll(async () => {
    pki = await openXmldsigTestPki();
  });

  it('on every sample we can sign, in both modes', async () => {
    const key = new X509Certificate(pki.officialRsa.der).publicKey;
    const signable = samples.filter((f) => libxml2Parses(readFileSync(f)));
    let signedCount = 0;
    for (const file of signable) {
      for (const mode of MODES) {
        const signed = await signPackage(readFileSync(file), pki.officialRsa.signer, { c14n: mode === 'exclusive' ? 'exc' : 'inclusive' });
        const sig = readPackageStructure(signed).signatures[0]!;
        // Reference: the package minus its Signature, as the verifier digests it.
        const ours = canonicalBytes(signed, { mode, omitElementAt: sig.start });
        const reference = libxml2Canonical(signed, mode, { remove: '//ds:Signature' });
        expectSame(ours, reference, `${file} ${mode} enveloped`);
        const digestValue = /<DigestValue>([^<]+)<\/DigestValue>/.exec(signed.toString('utf8'))![1]!;
        expect(createDigest(reference)).toBe(digestValue);
        // SignedInfo in its document context (inclusive C14N renders the namespaces it inherits from the package).
        const signedInfoStart = signed.indexOf('<SignedInfo>', sig.start);
        const signedInfo = canonicalBytes(signed, { mode, apexAt: signedInfoStart, fragment: { start: sig.start, end: sig.end, inScope: sig.parentInScope, xmlAttributes: sig.parentXmlAttributes } });
        const libSignedInfo = libxml2Canonical(signed, mode, { apex: '//ds:SignedInfo' });
        expectSame(signedInfo, libSignedInfo, `${file} ${mode} SignedInfo`);
        const value = Buffer.from(/<SignatureValue>([^<]+)<\/SignatureValue>/.exec(signed.toString('utf8'))![1]!, 'base64');
        expect(verify('sha256', libSignedInfo, key, value), `${file} ${mode} signature over libxml2's SignedInfo`).toBe(true);
        signedCount++;
      }
    }
    expect(signable.length).toBe(samples.length - 3);
    expect(signedCount).toBe(signable.length * 2);
  });
});

describe('the sample libxml2-wasm refuses (undeclared prefixes) is byte-equal to xmllint', () => {
  it('edoc.edxml in both modes', () => {
    const work = mkdtempSync(join(tmpdir(), 'c14n-diff-'));
    const file = samples.find((f) => f.endsWith('/edxml/edoc.edxml'))!;
    const xml = readFileSync(file);
    expect(libxml2Parses(xml)).toBe(false);
    writeFileSync(join(work, 'doc.xml'), xml);
    for (const mode of MODES) {
      // xmllint's C14N keeps comments.
      const reference = execFileSync('xmllint', [mode === 'inclusive' ? '--c14n' : '--exc-c14n', join(work, 'doc.xml')], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
      expectSame(canonicalBytes(xml, { mode, withComments: true, tolerateUndeclaredPrefixes: true }), reference, `edoc.edxml ${mode}`);
    }
  });
});

function createDigest(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('base64');
}

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
