/**
 * Visible signatures (Decree 30/2020 Appendix I): the official's handwritten signature with name and time, then the
 * agency's seal over it, each an incremental update. pdfsig verifies every signature after each step, pdftoppm
 * renders the page, and the pixels inside each rectangle show the picture (blue signature, red seal).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateValidator } from '../../src/pki/index.js';
import { generateTestPki, testSigner, type TestPki } from '../../src/pki/test-pki/index.js';
import { signPdf, verifyPdf } from '../../src/signature/pdf/index.js';
import { minimalPdf } from '../fixtures/pdf/minimal-pdf.js';
import { runPdfsig } from '../fixtures/pdf/pdfsig.js';
import { openPdfsigSigner, type PdfsigSigner } from '../fixtures/pdf/pdfsig-signer.js';
import { readPng, sealPng, signaturePng } from '../fixtures/pdf/png-images.js';

const FONT = readFileSync('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf');
const OFFICIAL_RECT: [number, number, number, number] = [330, 80, 200, 110];
const SEAL_RECT: [number, number, number, number] = [270, 85, 110, 110];
const work = mkdtempSync(join(tmpdir(), 'edx-appearance-'));
let pki: TestPki;
let pdfsig: PdfsigSigner;
let n = 0;

beforeAll(async () => {
  pki = await generateTestPki({ baseUrl: 'http://127.0.0.1:9' });
  pdfsig = openPdfsigSigner(pki);
});

afterAll(() => pdfsig?.close());

function save(bytes: Buffer): string {
  const file = join(work, `doc-${++n}.pdf`);
  writeFileSync(file, bytes);
  return file;
}

/** Renders one page at 72 dpi (1 pixel = 1 point) and returns its pixels. */
function render(bytes: Buffer, page = 1): ReturnType<typeof readPng> {
  const file = save(bytes);
  const prefix = join(work, `render-${n}`);
  const run = spawnSync('pdftoppm', ['-r', '72', '-f', String(page), '-l', String(page), '-singlefile', '-png', file, prefix], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return readPng(readFileSync(`${prefix}.png`));
}

/** Pixels inside a PDF rectangle (y from the bottom of an A4 page) whose colour passes `test`. */
function count(page: ReturnType<typeof readPng>, [x, y, w, h]: readonly [number, number, number, number], test: (rgb: [number, number, number]) => boolean): number {
  let hits = 0;
  for (let py = Math.round(842 - y - h); py < 842 - y; py++) for (let px = Math.round(x); px < x + w; px++) if (test(page.pixel(px, py))) hits++;
  return hits;
}
const blue = ([r, g, b]: [number, number, number]) => b > 150 && r < 100 && g < 120;
const red = ([r, g, b]: [number, number, number]) => r > 170 && g < 80 && b < 80;
const dark = ([r, g, b]: [number, number, number]) => r + g + b < 200;

const validator = () => createCertificateValidator({ trustAnchors: [pki.root.certificate], crls: [pki.crls.root, pki.crls.subordinate] });

describe('a visible official signature and a visible seal, Decree 30/2020 style', () => {
  it('both verify with pdfsig and with ours, and the page shows the signature, the name and time, and the seal', async () => {
    const blank = minimalPdf();
    const official = await signPdf(blank, testSigner(pki.identities['official-rsa']), { appearance: { rect: OFFICIAL_RECT, image: signaturePng(), font: FONT } });
    const sealed = await signPdf(official, testSigner(pki.identities['agency-rsa']), { appearance: { rect: SEAL_RECT, image: sealPng() } });
    expect(sealed.subarray(0, official.length).equals(official)).toBe(true); // incremental: the signed bytes are kept
    const reference = runPdfsig(save(sealed));
    expect(reference.signatures.map((s) => [s.integrityValid, s.totalDocumentSigned]), reference.output).toEqual([[true, false], [true, true]]);
    const report = await verifyPdf(sealed, { validator: validator(), policy: { offline: true } });
    expect(report.valid, report.message).toBe(true);
    expect(report.signatures.map((s) => [s.role, s.modifiedAfterSigning])).toEqual([['official', false], ['agency-seal', false]]);

    const before = render(blank);
    const after = render(sealed);
    const officialPicture = [OFFICIAL_RECT[0] + 60, OFFICIAL_RECT[1] + 45, 140, 65] as const;
    expect(count(before, officialPicture, blue)).toBe(0);
    expect(count(after, officialPicture, blue)).toBeGreaterThan(300);
    expect(count(before, SEAL_RECT, red)).toBe(0);
    expect(count(after, SEAL_RECT, red)).toBeGreaterThan(1000);
    // The name and time are drawn in the bottom band of the official's rectangle, right of the seal.
    expect(count(after, [OFFICIAL_RECT[0] + 115, OFFICIAL_RECT[1], 85, 40], dark)).toBeGreaterThan(50);
  });

  it('the name is drawn with its Vietnamese letters and can be copied out of the page', async () => {
    const official = await signPdf(minimalPdf(), testSigner(pki.identities['official-rsa']), { appearance: { rect: OFFICIAL_RECT, image: signaturePng(), font: FONT }, signingTime: new Date('2026-03-04T05:06:07Z') });
    const text = spawnSync('pdftotext', ['-layout', save(official), '-'], { encoding: 'utf8' }).stdout;
    expect(text).toContain('Nguyễn Văn An');
    expect(text).toContain('04/03/2026 12:06:07 +07:00');
  });

  it('a visible seal added to a PDF that poppler\'s pdfsig signed keeps pdfsig\'s signature valid', async () => {
    const byPdfsig = await pdfsig.sign(minimalPdf(), pki.identities['official-rsa']);
    const sealed = await signPdf(byPdfsig, testSigner(pki.identities['agency-rsa']), { appearance: { rect: SEAL_RECT, image: sealPng() } });
    const reference = runPdfsig(save(sealed));
    expect(reference.signatures.map((s) => s.integrityValid), reference.output).toEqual([true, true]);
    const report = await verifyPdf(sealed, { validator: validator(), policy: { offline: true } });
    expect(report.valid, report.message).toBe(true);
    expect(count(render(sealed), SEAL_RECT, red)).toBeGreaterThan(1000);
  });

  it('placed on the page asked for', async () => {
    const sealed = await signPdf(minimalPdf('Hai trang', 2), testSigner(pki.identities['agency-rsa']), { appearance: { page: 2, rect: SEAL_RECT, image: sealPng() } });
    expect(count(render(sealed, 1), SEAL_RECT, red)).toBe(0);
    expect(count(render(sealed, 2), SEAL_RECT, red)).toBeGreaterThan(1000);
    expect((await verifyPdf(sealed, { validator: validator(), policy: { offline: true } })).valid).toBe(true);
  });

  it('without a font, the name and time are still written (Helvetica, without diacritics)', async () => {
    const official = await signPdf(minimalPdf(), testSigner(pki.identities['official-rsa']), { appearance: { rect: OFFICIAL_RECT, image: signaturePng() } });
    expect(spawnSync('pdftotext', [save(official), '-'], { encoding: 'utf8' }).stdout).toContain('Nguyen Van An');
  });

  it.each([
    ['an image that is not PNG or JPEG', { rect: SEAL_RECT, image: Buffer.from('GIF89a') }, 'PDF_APPEARANCE_INVALID'],
    ['a rectangle without area', { rect: [10, 10, 0, 50] as [number, number, number, number] }, 'PDF_APPEARANCE_INVALID'],
    ['a font that is not TrueType', { rect: SEAL_RECT, role: 'official' as const, font: Buffer.from('not a font') }, 'PDF_APPEARANCE_INVALID'],
    ['a page the document does not have', { page: 5, rect: SEAL_RECT }, 'PDF_STRUCTURE_UNSUPPORTED'],
  ])('%s: %s', async (_, appearance, code) => {
    await expect(signPdf(minimalPdf(), testSigner(pki.identities['official-rsa']), { appearance })).rejects.toMatchObject({ code });
  });
});
