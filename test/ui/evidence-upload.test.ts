/**
 * An archivist uploads an evidence bundle to the web UI and reads its verdict, part by part (docs/ui.md): the bundle
 * the document's page hands out, the same bundle with one byte of the package changed (altered, naming the file), a
 * file that is not a bundle. The upload is an archivist's, with the session's form token before the file, within the
 * size limit; anything else is refused before the file is kept. (The valid verdict over time-stamped checkpoints is in
 * test/main/evidence-gateway.test.ts, on a whole axis.)
 */
import { unzipSync, zipSync } from 'fflate';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExchangeFixture, type ExchangeFixture, type TestAgency } from '../http/exchange-fixture.js';
import { buildUiApp, loggedIn, type UiApp } from './ui-app.js';

let f: ExchangeFixture;
let A: TestAgency;
let B: TestAgency;
let ui: UiApp;
let bundle: Buffer;
const documentId = '000.00.00.H40,2026/03/17,8/UBND-VP';

type Agent = ReturnType<typeof request.agent>;

/** The page's form as a browser sends it: the form token first, then the file. */
function upload(agent: Agent, csrf: string | undefined, bytes: Buffer, name = 'ho-so.zip') {
  const req = agent.post('/ui/evidence');
  if (csrf !== undefined) req.field('_csrf', csrf);
  return req.attach('bundle', bytes, { filename: name, contentType: 'application/zip' });
}

/** The rows of the verdict's table: status, part, code. */
function partsOf(text: string): { status: string; part: string; code: string }[] {
  return [...text.matchAll(/<tr class="part ([a-z-]+)"><td>.*?<\/td><td class="mono">([^<]*)<\/td><td class="mono code">([^<]*)<\/td>/g)]
    .map((m) => ({ status: m[1]!, part: m[2]!, code: m[3]! }));
}

beforeAll(async () => {
  f = await buildExchangeFixture();
  A = await f.agency('000.00.00.H40');
  B = await f.agency('000.00.12.H40');
  expect((await f.send(A, await f.documentFrom(A, { to: [B.organId], documentId, subject: 'Báo cáo kiểm tra chứng cứ' }))).status).toBe(202);
  ui = buildUiApp(f, { evidenceUploadMaxBytes: 1024 ** 2 });
  const { agent } = await loggedIn(ui, f.archivistToken);
  const zip = await agent.get(`/ui/documents/${encodeURIComponent(documentId)}/evidence.zip`).buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => done(null, Buffer.concat(chunks)));
  });
  expect(zip.status).toBe(200);
  bundle = zip.body as Buffer;
});
afterAll(async () => f?.close());

describe('verifying an evidence bundle by upload', () => {
  it('offers an archivist the form, its token before the file input, and links it from the navigation and the document', async () => {
    const { agent } = await loggedIn(ui, f.archivistToken);
    const form = await agent.get('/ui/evidence');
    expect(form.status).toBe(200);
    expect(form.text).toContain('enctype="multipart/form-data"');
    expect(form.text.indexOf('name="_csrf"')).toBeLessThan(form.text.indexOf('type="file"'));
    expect(form.text).toContain('Tối đa 1 MiB');
    expect(form.text).toMatch(/<a href="\/ui\/evidence" aria-current="page">Kiểm tra hồ sơ chứng cứ<\/a>/);
    const doc = await agent.get(`/ui/documents/${encodeURIComponent(documentId)}`);
    expect(doc.text).toContain('<a href="/ui/evidence">Kiểm tra hồ sơ chứng cứ</a>');
  });

  it('checks the bundle the document\'s page handed out: every receipt and file holds; not yet in a checkpoint, so it cannot say valid', async () => {
    const { agent, csrf } = await loggedIn(ui, f.archivistToken);
    const res = await upload(agent, csrf, bundle);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<strong class="verdict could-not-check">CHƯA KIỂM TRA ĐƯỢC');
    const parts = partsOf(res.text);
    expect(parts.filter((p) => p.status === 'altered')).toEqual([]);
    expect(parts.some((p) => p.status === 'valid' && p.part.startsWith('receipts/'))).toBe(true);
    expect(parts.some((p) => p.status === 'could-not-check' && p.part.startsWith('receipts/'))).toBe(true);
    expect(res.text).toContain(documentId);
    expect(res.text).toContain('ho-so.zip');
  });

  it('names the part of a bundle someone changed: one byte of the package', async () => {
    const entries = unzipSync(bundle);
    const packageFile = Object.keys(entries).find((name) => name.startsWith('packages/') && name.endsWith('.edxml'))!;
    const bytes = Buffer.from(entries[packageFile]!);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 1;
    const tampered = Buffer.from(zipSync({ ...entries, [packageFile]: bytes }));
    const { agent, csrf } = await loggedIn(ui, f.archivistToken);
    const vi = await upload(agent, csrf, tampered);
    expect(vi.status).toBe(200);
    expect(vi.text).toContain(`<strong class="verdict altered">ĐÃ BỊ SỬA: ${packageFile}.`);
    expect(partsOf(vi.text)).toContainEqual({ status: 'altered', part: packageFile, code: 'EVIDENCE_PACKAGE_DIGEST_MISMATCH' });
    // In English for a person who chose it.
    const en = await upload(agent.set('Cookie', 'edx_lang=en'), csrf, tampered);
    expect(en.text).toContain(`<strong class="verdict altered">ALTERED: ${packageFile}.`);
  });

  it('says a file that is not a bundle could not be checked, and asks for a file when none was chosen', async () => {
    const { agent, csrf } = await loggedIn(ui, f.archivistToken);
    const notZip = await upload(agent, csrf, Buffer.from('%PDF-1.7 not a bundle'), 'quyet-dinh.pdf');
    expect(notZip.status).toBe(200);
    expect(notZip.text).toContain('<strong class="verdict could-not-check">');
    expect(partsOf(notZip.text)[0]).toMatchObject({ status: 'could-not-check', part: 'bundle' });
    const none = await upload(agent, csrf, Buffer.alloc(0), '');
    expect(none.status).toBe(400);
    expect(none.text).toContain('Chưa chọn tệp');
  });

  it('refuses an upload without the session\'s form token, or with the file before it, keeping nothing', async () => {
    const { agent, csrf } = await loggedIn(ui, f.archivistToken);
    const without = await upload(agent, undefined, bundle);
    expect(without.status).toBe(403);
    expect(without.text).toContain('AUTH_CSRF');
    const wrong = await upload(agent, 'x'.repeat(csrf.length), bundle);
    expect(wrong.status).toBe(403);
    const fileFirst = await agent.post('/ui/evidence').attach('bundle', bundle, 'ho-so.zip').field('_csrf', csrf);
    expect(fileFirst.status).toBe(403);
    expect(fileFirst.text).not.toContain('verdict');
  });

  it('refuses a file over the limit, by its declared length or as it arrives', async () => {
    const { agent, csrf } = await loggedIn(ui, f.archivistToken);
    const declared = await upload(agent, csrf, Buffer.alloc(2 * 1024 ** 2, 1));
    expect(declared.status).toBe(413);
    expect(declared.text).toContain('HTTP_BODY_TOO_LARGE');
    // Within the form's allowance for framing, so only the file's own count catches it.
    const counted = await upload(agent, csrf, Buffer.alloc(1024 ** 2 + 10_000, 1));
    expect(counted.status).toBe(413);
    // The one check at a time is free again: the next upload is checked.
    expect((await upload(agent, csrf, bundle)).text).toContain('<strong class="verdict could-not-check">');
  });

  it('is an archivist\'s: an operator is refused, and without a session nothing is read', async () => {
    const { agent, csrf } = await loggedIn(ui, f.operatorToken);
    expect((await agent.get('/ui/evidence')).status).toBe(403);
    expect((await upload(agent, csrf, bundle)).status).toBe(403);
    const anonymous = await request(ui.app).post('/ui/evidence').field('_csrf', csrf).attach('bundle', bundle, 'ho-so.zip');
    expect(anonymous.status).toBe(401);
    const browser = await request(ui.app).get('/ui/evidence');
    expect([browser.status, browser.headers['location']]).toEqual([303, '/ui/login?next=%2Fui%2Fevidence']);
  });
});
