/**
 * The web UI in a real browser (Debian's chromium driven by playwright-core) against a whole running axis: an
 * archivist logs in, finds a document sent in this test, opens its timeline, exports its receipts as CSV, downloads
 * its evidence bundle and has it checked by upload, sees a late
 * delivery on the deadlines page and logs out; an operator replays a dead letter and opens Bull Board with the same
 * session. Screenshots of every page, at 1280 and 360 px wide, are kept under test-artifacts/ui/.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentAt } from '../archive/archive-records.js';
import { waitFor } from '../support/wait-for.js';
import { expectAccessible } from './accessibility-audit.js';
import { A, B, C, openBrowser, startBrowserAxis, type Browser, type BrowserAxis } from './browser-axis.js';
import { unzipSync } from 'fflate';

let axis: BrowserAxis;
let browser: Browser;
const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
const doc1 = `${A.organId},${stamp},101/UBND-VP`;
const doc2 = `${A.organId},${stamp},102/UBND-VP`;
let lateDocumentId: string;
let deadDeliveryId: string;

beforeAll(async () => {
  axis = await startBrowserAxis();
  // The document the archivist will look for: fetched, acknowledged, registered (01) and accepted (03) by B.
  const packageId = await axis.sendFromA([B.organId], doc1, 'Công văn về việc triển khai trục liên thông văn bản điện tử', 1);
  await axis.clients.b.fetchPackage(packageId);
  await axis.clients.b.call('POST', `/v1/packages/${packageId}/ack`);
  await axis.statusFromB(doc1, '01');
  await axis.statusFromB(doc1, '03');
  // A document for C, whose endpoint refuses every push (400): a dead letter.
  const toC = await axis.sendFromA([C.organId], doc2, 'Báo cáo tình hình tiếp nhận văn bản', 0);
  const { store } = axis.running.services;
  deadDeliveryId = await waitFor(async () => {
    const [delivery] = await store.listDeliveriesForEnvelope(toC);
    expect(delivery?.state).toBe('dead');
    return delivery!.id;
  });
  // Ten days ago A sent B a document B never registered: late.
  const late = await documentAt(store, { at: new Date(Date.now() - 10 * 86_400_000).toISOString(), from: A.organId, to: [B.organId], priority: 0 });
  lateDocumentId = late.documentId;
  browser = await openBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await axis?.close();
});

describe('the web UI in a browser', () => {
  it('an archivist logs in, finds a document, reads its timeline, exports CSV, sees what is late, and logs out', async () => {
    const { page } = browser;
    await page.goto(`${axis.baseUrl}/ui/documents`);
    // Not logged in: the login form, in Vietnamese.
    await page.waitForURL(/\/ui\/login\?next=/);
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    await browser.snap('01-login');
    await page.getByLabel('Mã truy cập').fill(axis.archivistToken);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/ui\/documents$/);
    const cookies = await browser.context.cookies();
    expect(cookies.find((c) => c.name === 'edx_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });

    // Search by words without diacritics.
    await page.getByLabel('Từ khóa (mã, số ký hiệu, trích yếu)').fill('trien khai truc lien thong');
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    await page.waitForURL(/q=trien/);
    const link = page.getByRole('link', { name: doc1 });
    await expect.poll(() => link.count()).toBe(1);
    await expect.poll(() => page.getByRole('link', { name: doc2 }).count()).toBe(0);
    expect(await page.locator('tbody tr').first().textContent()).toContain('Khẩn');
    await browser.snap('02-documents-search');

    // The document's page: its timeline, drawn as a timeline.
    await link.click();
    await page.waitForURL(/\/ui\/documents\/000\.00\.00\.H40/);
    const events = await page.locator('ol.timeline li .what').allTextContents();
    expect(events).toEqual(['Gửi văn bản', 'Nơi nhận đã tải về', 'Nơi nhận đã xác nhận', 'Trạng thái 01: Đã đến', 'Trạng thái 03: Đã tiếp nhận']);
    expect(await page.locator('ol.timeline time').first().textContent()).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/);
    expect(await page.getByText('SIG_OK').count()).toBe(1);
    await browser.snap('03-document-timeline');

    // CSV export of its receipts.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Xuất biên nhận của văn bản (CSV)' }).click()]);
    expect(download.suggestedFilename()).toBe('bien-nhan.csv');
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.startsWith('\uFEFFseq,receipt_id,type,')).toBe(true);
    const types = csv.trimEnd().split('\r\n').slice(1).map((line) => line.split(',')[2]);
    expect(types).toEqual(['accepted', 'fetched', 'acknowledged', 'accepted', 'accepted']);

    // Its evidence bundle: a zip (edx-evidence/1) with the bilingual README an outsider checks it by.
    const [bundle] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Tải hồ sơ chứng cứ (.zip)' }).click()]);
    const zip = unzipSync(await readFile((await bundle.path())!));
    expect(Object.keys(zip)).toContain('README.txt');
    expect(Object.keys(zip).some((name) => name.startsWith('packages/'))).toBe(true);

    // Brought back to the axis, the bundle is checked part by part (the document's page links the form).
    await page.getByRole('link', { name: 'Kiểm tra hồ sơ chứng cứ' }).last().click();
    await page.waitForURL(/\/ui\/evidence$/);
    await page.getByLabel(/^Tệp hồ sơ chứng cứ/).setInputFiles((await bundle.path())!);
    await page.getByRole('button', { name: 'Kiểm tra', exact: true }).click();
    const verdict = page.locator('strong.verdict');
    await verdict.waitFor();
    // Valid once the log's next checkpoint covers its receipts; until then "could not check": never "altered".
    expect(await verdict.getAttribute('class')).toMatch(/^verdict (valid|could-not-check)$/);
    expect(await page.locator('tr.part.altered').count()).toBe(0);
    expect(await page.locator('tr.part.valid').count()).toBeGreaterThan(0);
    await browser.snap('03b-evidence-check');

    // The deadlines page shows the late delivery, by agency.
    await page.getByRole('link', { name: 'Hạn xử lý' }).click();
    await page.waitForURL(/\/ui\/deadlines$/);
    const lateRow = page.locator('tr', { has: page.getByText(lateDocumentId) });
    await expect.poll(() => lateRow.count()).toBe(1);
    expect(await lateRow.textContent()).toContain('Quá hạn');
    expect(await page.getByRole('heading', { name: new RegExp(`${B.organId.replace(/\./g, '\\.')}`) }).count()).toBe(1);
    await browser.snap('04-deadlines');

    await page.getByRole('link', { name: 'Thống kê' }).click();
    await page.waitForURL(/\/ui\/statistics$/);
    expect(await page.locator('svg.chart').count()).toBe(2);
    await browser.snap('05-statistics');

    await page.getByRole('link', { name: 'Biên nhận' }).click();
    await page.waitForURL(/\/ui\/receipts$/);
    await browser.snap('06-receipts');

    // English by the switch, then back.
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/\/ui\/receipts$/);
    expect(await page.locator('h1').textContent()).toBe('Receipts');
    await page.getByRole('link', { name: 'Tiếng Việt' }).click();
    await page.waitForURL(/\/ui\/receipts$/);

    // An archivist has no operator pages.
    const forbidden = await page.goto(`${axis.baseUrl}/ui/deliveries`);
    expect(forbidden?.status()).toBe(403);

    await page.goto(`${axis.baseUrl}/ui/documents`);
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.waitForURL(/\/ui\/login$/);
    await page.goto(`${axis.baseUrl}/ui/documents`);
    await page.waitForURL(/\/ui\/login\?next=/);
  });

  it('an operator replays a dead letter, adds an agency (credentials shown once), opens Bull Board, and logs out', async () => {
    const { page } = browser;
    await page.goto(`${axis.baseUrl}/ui/login`);
    await page.getByLabel('Mã truy cập').fill(axis.operatorToken);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/ui\/statistics$/);

    await page.getByRole('link', { name: 'Chuyển phát', exact: true }).click();
    await page.waitForURL(/\/ui\/deliveries$/);
    const row = page.locator('tr', { has: page.getByText(doc2) });
    await expect.poll(() => row.count()).toBe(1);
    await browser.snap('07-dead-letters');
    await row.getByRole('button', { name: 'Chuyển lại' }).click();
    await page.waitForURL(/replayed=/);
    expect(await page.getByRole('status').textContent()).toContain(deadDeliveryId);
    const { store } = axis.running.services;
    await waitFor(async () => {
      const receipts = await store.listReceipts({ envelopeId: (await store.getDelivery(deadDeliveryId))!.envelopeId, limit: 50 });
      expect(receipts.filter((r) => r.type === 'replayed' && r.deliveryId === deadDeliveryId)).toHaveLength(1);
    });

    await page.getByRole('link', { name: 'Cơ quan, đơn vị' }).click();
    await page.waitForURL(/\/ui\/agencies$/);
    await page.getByLabel('Mã định danh').fill('000.00.00.K05');
    await page.getByLabel('Tên cơ quan').fill('Bộ Nội vụ');
    await page.getByRole('button', { name: 'Thêm cơ quan' }).click();
    const secret = await page.locator('#key-secret').textContent();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await browser.snap('08-agency-credentials');
    // Shown once: the list does not show it again.
    await page.goto(`${axis.baseUrl}/ui/agencies`);
    expect(await page.content()).not.toContain(secret!);

    await page.getByRole('link', { name: 'Tình trạng hệ thống' }).click();
    await page.waitForURL(/\/ui\/health$/);
    expect(await page.getByText('Còn hiệu lực').count()).toBeGreaterThan(0);
    // The revocation data the checks of this test's packages left behind: the signers' OCSP answers, good.
    await expect.poll(() => page.getByRole('heading', { name: 'Dữ liệu thu hồi đang dùng để kiểm tra chữ ký' }).count()).toBe(1);
    const answers = page.locator('dt', { hasText: 'Số trả lời' }).locator('xpath=following-sibling::dd[1]');
    expect(await answers.textContent()).toMatch(/^[1-9]\d* \(còn hiệu lực: [1-9]\d*, đã thu hồi: 0\)$/);
    await browser.snap('09-health');

    // Bull Board opens with the session (no Authorization header).
    const board = await page.goto(`${axis.baseUrl}/admin/queues`);
    expect(board?.status()).toBe(200);
    await expect.poll(() => page.title()).toMatch(/Bull/i);

    await page.goto(`${axis.baseUrl}/ui/statistics`);
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.waitForURL(/\/ui\/login$/);
    const after = await page.goto(`${axis.baseUrl}/admin/queues`);
    expect(after?.url()).toMatch(/\/ui\/login\?next=%2Fadmin%2Fqueues/);
  });

  it('every page can be used with a keyboard and a screen reader, its text in contrast (WCAG 2.1 AA, what a program can check)', async () => {
    const { page } = browser;
    const visit = async (path: string, name: string) => {
      await page.goto(`${axis.baseUrl}${path}`);
      await expectAccessible(page, name);
    };
    await visit('/ui/login', 'login');
    await page.getByLabel('Mã truy cập').fill(axis.archivistToken);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/ui\/documents$/);
    for (const [path, name] of [['/ui/documents?q=trien+khai', 'documents'], [`/ui/documents/${encodeURIComponent(doc1)}?from=${A.organId}`, 'document'], ['/ui/receipts', 'receipts'], ['/ui/statistics', 'statistics'], ['/ui/deadlines', 'deadlines'], ['/ui/evidence', 'evidence']] as const) await visit(path, name);
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.waitForURL(/\/ui\/login$/);
    await page.getByLabel('Mã truy cập').fill(axis.operatorToken);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/ui\/statistics$/);
    for (const [path, name] of [['/ui/agencies', 'agencies'], ['/ui/systems', 'systems'], ['/ui/deliveries', 'dead letters'], ['/ui/health', 'health']] as const) await visit(path, name);
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.waitForURL(/\/ui\/login$/);
  });
});
