/**
 * The web UI over HTTP, where a browser cannot be told what to do: the login form's token and the failed-login
 * brake, the session cookie's attributes, its lifetime and logout, the anti-forgery token on every change, the role
 * of every page, Bull Board opened by the same session, escaping of what agencies wrote, and the security headers.
 */
import { unzipSync } from 'fflate';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExchangeFixture, type ExchangeFixture, type TestAgency } from '../http/exchange-fixture.js';
import { waitFor } from '../support/wait-for.js';
import { buildUiApp, loggedIn, type UiApp } from './ui-app.js';

let f: ExchangeFixture;
let A: TestAgency;
let B: TestAgency;
let ui: UiApp;
const documentId = '000.00.00.H40,2026/03/16,7/UBND-VP';

beforeAll(async () => {
  f = await buildExchangeFixture();
  A = await f.agency('000.00.00.H40');
  B = await f.agency('000.00.12.H40');
  expect((await f.send(A, await f.documentFrom(A, { to: [B.organId], documentId, subject: 'V/v <script>alert("x")</script> & "ký số"' }))).status).toBe(202);
  ui = buildUiApp(f);
});
afterAll(async () => f?.close());

describe('logging in', () => {
  it('exchanges a token for a session cookie: HttpOnly, SameSite=Strict, the whole site, a lifetime', async () => {
    const { cookie } = await loggedIn(ui, f.archivistToken);
    expect(cookie).toMatch(/^edx_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=3600$/);
    // UI_SECURE_COOKIE=always (behind a TLS proxy): Secure whatever the request; a client keeps such cookies for https.
    const behindTls = buildUiApp(f, { secureCookie: 'always' });
    const form = await request(behindTls.app).get('/ui/login');
    const loginCookie = String([form.headers['set-cookie']].flat()[0]);
    expect(loginCookie).toMatch(/^edx_login=[A-Za-z0-9_-]+; Path=\/ui; HttpOnly; SameSite=Strict; Max-Age=1800; Secure$/);
    const res = await request(behindTls.app).post('/ui/login').set('Cookie', loginCookie.split(';')[0]!).type('form')
      .send({ _login: /name="_login" value="([^"]+)"/.exec(form.text)![1], token: f.operatorToken });
    expect(res.status).toBe(303);
    expect([res.headers['set-cookie']].flat().find((c) => String(c).startsWith('edx_session='))).toMatch(/; Secure$/);
  });

  it('refuses a login without the form\'s own token (another site\'s form), setting no session', async () => {
    const res = await request(ui.app).post('/ui/login').type('form').send({ token: f.archivistToken });
    expect(res.status).toBe(400);
    expect(String(res.headers['set-cookie'] ?? '')).not.toContain('edx_session=');
  });

  it('refuses a wrong token, and after ten failures from one address refuses even the right one for a while', async () => {
    const app = buildUiApp(f);
    const agent = request.agent(app.app);
    const attempt = async (token: string) => {
      const form = await agent.get('/ui/login');
      return agent.post('/ui/login').type('form').send({ _login: /name="_login" value="([^"]+)"/.exec(form.text)![1], token });
    };
    const wrong = await attempt('not-the-token');
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('Mã truy cập không hợp lệ.');
    for (let i = 0; i < 9; i += 1) expect((await attempt(`wrong-${i}`)).status).toBe(401);
    const braked = await attempt(f.operatorToken);
    expect(braked.status).toBe(429);
    expect(String(braked.headers['set-cookie'] ?? '')).not.toContain('edx_session=');
  });

  it('sends a login back where it came from, but only within the axis', async () => {
    const to = async (next: string) => {
      const agent = request.agent(ui.app);
      const form = await agent.get(`/ui/login?next=${encodeURIComponent(next)}`);
      const res = await agent.post('/ui/login').type('form').send({ _login: /name="_login" value="([^"]+)"/.exec(form.text)![1], token: f.archivistToken, next: /name="next" value="([^"]*)"/.exec(form.text)?.[1] ?? '' });
      return res.headers['location'];
    };
    expect(await to('/ui/receipts?type=accepted')).toBe('/ui/receipts?type=accepted');
    expect(await to('https://evil.example/ui')).toBe('/ui/documents');
    expect(await to('//evil.example/ui')).toBe('/ui/documents');
  });
});

describe('a session', () => {
  it('opens only its role\'s pages', async () => {
    const archivist = await loggedIn(ui, f.archivistToken);
    for (const path of ['/ui/documents', '/ui/receipts', '/ui/statistics', '/ui/deadlines']) expect((await archivist.agent.get(path)).status, path).toBe(200);
    for (const path of ['/ui/agencies', '/ui/systems', '/ui/deliveries', '/ui/health']) expect((await archivist.agent.get(path)).status, path).toBe(403);
    const operator = await loggedIn(ui, f.operatorToken);
    for (const path of ['/ui/statistics', '/ui/deadlines', '/ui/agencies', '/ui/systems', '/ui/deliveries', '/ui/health']) expect((await operator.agent.get(path)).status, path).toBe(200);
    for (const path of ['/ui/documents', '/ui/receipts', `/ui/documents/${encodeURIComponent(documentId)}`]) expect((await operator.agent.get(path)).status, path).toBe(403);
  });

  it('needs the session\'s form token for every change: without it nothing changes', async () => {
    const operator = await loggedIn(ui, f.operatorToken);
    const forged = await operator.agent.post(`/ui/agencies/${B.organId}/suspend`).type('form').send({});
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('AUTH_CSRF');
    expect((await f.agencies.getAgency(B.organId)).state).toBe('active');
    const wrong = await operator.agent.post(`/ui/agencies/${B.organId}/suspend`).type('form').send({ _csrf: 'x'.repeat(43) });
    expect(wrong.status).toBe(403);
    const done = await operator.agent.post(`/ui/agencies/${B.organId}/suspend`).type('form').send({ _csrf: operator.csrf });
    expect(done.status).toBe(303);
    expect((await f.agencies.getAgency(B.organId)).state).toBe('suspended');
    expect((await operator.agent.post(`/ui/agencies/${B.organId}/resume`).type('form').send({ _csrf: operator.csrf })).status).toBe(303);
    expect((await f.agencies.getAgency(B.organId)).state).toBe('active');
  });

  it('shows new credentials once, on the page that made them; a mistake is shown with the form as typed', async () => {
    const operator = await loggedIn(ui, f.operatorToken);
    const added = await operator.agent.post('/ui/agencies').type('form').send({ _csrf: operator.csrf, organId: '000.00.00.K07', name: 'Bộ Tư pháp' });
    expect(added.status).toBe(201);
    expect(added.headers['cache-control']).toBe('no-store');
    const secret = /id="key-secret">([^<]+)</.exec(added.text)![1]!;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await operator.agent.get('/ui/agencies')).text).not.toContain(secret);
    const again = await operator.agent.post('/ui/agencies').type('form').send({ _csrf: operator.csrf, organId: '000.00.00.K07', name: 'Bộ Tư pháp (2)' });
    expect(again.status).toBe(400);
    expect(again.text).toContain('AGENCY_EXISTS');
    expect(again.text).toContain('value="Bộ Tư pháp (2)"');
  });

  it('manages connected systems: added with a secret shown once, suspended, resumed, rotated', async () => {
    const operator = await loggedIn(ui, f.operatorToken);
    const added = await operator.agent.post('/ui/systems').type('form').send({ _csrf: operator.csrf, systemId: 'vxp.hub.07', agencies: `${A.organId}, ${B.organId}` });
    expect(added.status).toBe(201);
    const secret = /id="system-secret">([^<]+)</.exec(added.text)![1]!;
    expect(secret).toHaveLength(44);
    expect(await f.systems.getSystem('vxp.hub.07')).toMatchObject({ agencies: [A.organId, B.organId], state: 'active' });
    expect((await operator.agent.get('/ui/systems')).text).not.toContain(secret);
    expect((await operator.agent.post('/ui/systems/vxp.hub.07/suspend').type('form').send({ _csrf: operator.csrf })).status).toBe(303);
    expect((await f.systems.getSystem('vxp.hub.07')).state).toBe('suspended');
    expect((await operator.agent.post('/ui/systems/vxp.hub.07/resume').type('form').send({ _csrf: operator.csrf })).status).toBe(303);
    const rotated = await operator.agent.post('/ui/systems/vxp.hub.07/rotate-secret').type('form').send({ _csrf: operator.csrf });
    const newSecret = /id="system-secret">([^<]+)</.exec(rotated.text)![1]!;
    expect(newSecret).not.toBe(secret);
    expect((await f.systems.resolveSystem('vxp.hub.07'))?.secret.toString('utf8')).toBe(newSecret);
    const unknown = await operator.agent.post('/ui/systems').type('form').send({ _csrf: operator.csrf, systemId: 'vxp.hub.08', agencies: '000.00.00.Z99' });
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('AGENCY_NOT_FOUND');
  });

  it('ends at logout (with the form token), and the old cookie opens nothing', async () => {
    const archivist = await loggedIn(ui, f.archivistToken);
    // A logout without the form token (another site's) does not end the session.
    await archivist.agent.post('/ui/logout').type('form').send({});
    expect((await archivist.agent.get('/ui/documents')).status).toBe(200);
    const out = await archivist.agent.post('/ui/logout').type('form').send({ _csrf: archivist.csrf });
    expect(out.headers['location']).toBe('/ui/login');
    const replayed = await request(ui.app).get('/ui/documents').set('Cookie', archivist.cookie.split(';')[0]!);
    expect(replayed.status).toBe(303);
    expect(replayed.headers['location']).toBe('/ui/login?next=%2Fui%2Fdocuments');
  });

  it('ends by itself when its lifetime is over', async () => {
    const shortLived = buildUiApp(f, { lifetimeMs: 1500 });
    const { cookie } = await loggedIn(shortLived, f.archivistToken);
    const open = () => request(shortLived.app).get('/ui/documents').set('Cookie', cookie.split(';')[0]!);
    await waitFor(async () => expect((await open()).status).toBe(303));
  });
});

describe('Bull Board with the UI session', () => {
  it('opens for an operator\'s session, not an archivist\'s; without a session a browser is sent to log in', async () => {
    const operator = await loggedIn(ui, f.operatorToken);
    expect((await operator.agent.get('/admin/queues')).status).toBe(200);
    const archivist = await loggedIn(ui, f.archivistToken);
    expect((await archivist.agent.get('/admin/queues')).status).toBe(403);
    const browser = await request(ui.app).get('/admin/queues').set('Accept', 'text/html');
    expect(browser.status).toBe(303);
    expect(browser.headers['location']).toBe('/ui/login?next=%2Fadmin%2Fqueues');
    expect((await request(ui.app).get('/admin/queues').set('Accept', 'application/json')).status).toBe(401);
    // The bearer token still works for scripts.
    expect((await request(ui.app).get('/admin/queues').set('Authorization', `Bearer ${f.operatorToken}`)).status).toBe(200);
  });

  it('refuses a change made with the cookie from another site', async () => {
    const operator = await loggedIn(ui, f.operatorToken);
    const cross = await operator.agent.post('/admin/queues/api/clean').set('Origin', 'http://evil.example');
    expect(cross.status).toBe(403);
    expect(cross.body.code).toBe('AUTH_CROSS_SITE');
    expect((await operator.agent.post('/admin/queues/api/clean').set('Origin', 'http://127.0.0.1')).status).toBe(403);
    const same = await operator.agent.post('/admin/queues/api/clean').set('Origin', `http://${'host.test'}`).set('Host', 'host.test');
    expect(same.status).toBe(200);
  });
});

describe('pages', () => {
  it('show what agencies wrote as text, never as markup, with a strict Content-Security-Policy', async () => {
    const archivist = await loggedIn(ui, f.archivistToken);
    for (const path of ['/ui/documents?q=ky+so', `/ui/documents/${encodeURIComponent(documentId)}`]) {
      const res = await archivist.agent.get(path);
      expect(res.status).toBe(200);
      expect(res.text).toContain('V/v &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;ký số&quot;');
      expect(res.text).not.toContain('<script>alert');
      expect(res.headers['content-security-policy']).toBe("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'");
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('write dates as dd/MM/yyyy HH:mm in Vietnam\'s time, and take them as dd/mm/yyyy', async () => {
    const archivist = await loggedIn(ui, f.archivistToken);
    const envelope = (await f.store.listEnvelopesForDocument(documentId))[0]!;
    const local = new Date(Date.parse(envelope.acceptedAt) + 7 * 3600_000).toISOString();
    const shown = `${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)} ${local.slice(11, 16)}`;
    expect((await archivist.agent.get('/ui/documents')).text).toContain(`<time datetime="${envelope.acceptedAt}">${shown}</time>`);
    const day = `${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)}`;
    expect((await archivist.agent.get(`/ui/documents?from=${encodeURIComponent(day)}&to=${encodeURIComponent(day)}`)).text).toContain(documentId);
    const bad = await archivist.agent.get('/ui/documents?from=31%2F02%2F2026');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('HTTP_QUERY_INVALID');
  });

  it('keep two senders\' documents of one DocumentId apart: the page asks which sender, and each page shows its own', async () => {
    const shared = '000.00.00.H40,2026/03/18,9/UBND-VP';
    const C = await f.agency('000.00.13.H40');
    expect((await f.send(A, await f.documentFrom(A, { to: [B.organId], documentId: shared, subject: 'Văn bản của H40' }))).status).toBe(202);
    expect((await f.send(C, await f.documentFrom(C, { to: [B.organId], documentId: shared, subject: 'Văn bản của H40.13' }))).status).toBe(202);
    const archivist = await loggedIn(ui, f.archivistToken);
    const ask = await archivist.agent.get(`/ui/documents/${encodeURIComponent(shared)}`);
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('Nhiều cơ quan đã gửi văn bản có cùng mã này');
    for (const sender of [A.organId, C.organId]) expect(ask.text).toContain(`href="/ui/documents/${encodeURIComponent(shared)}?from=${sender}"`);
    const fromC = await archivist.agent.get(`/ui/documents/${encodeURIComponent(shared)}?from=${C.organId}`);
    expect(fromC.status).toBe(200);
    expect(fromC.text).toContain('Văn bản của H40.13');
    expect(fromC.text).not.toContain('Văn bản của H40<');
    // Only C's package in the signatures table: one row for the one package.
    const signatures = fromC.text.slice(fromC.text.indexOf('Chữ ký số trên gói tin (XMLDSig) <span'), fromC.text.indexOf('Chữ ký số trong tệp PDF</h3>'));
    expect(signatures.match(/<td class="mono">000\.00\.(00|13)\.H40<\/td>/g)).toEqual([`<td class="mono">${C.organId}</td>`]);
    // Its evidence bundle is C's document alone; without a sender the axis will not guess.
    expect(fromC.text).toContain(`href="/ui/documents/${encodeURIComponent(shared)}/evidence.zip?from=${C.organId}"`);
    const zip = await archivist.agent.get(`/ui/documents/${encodeURIComponent(shared)}/evidence.zip?from=${C.organId}`).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c)).on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(zip.status).toBe(200);
    const manifest = JSON.parse(Buffer.from(unzipSync(zip.body as Buffer)['manifest.json']!).toString('utf8')) as { packages: { envelopeId: string }[] };
    const cEnvelopes = (await f.store.listEnvelopesForDocument(shared)).filter((e) => e.fromOrganId === C.organId).map((e) => e.id);
    expect(manifest.packages.map((p) => p.envelopeId)).toEqual(cEnvelopes);
    const unnamed = await archivist.agent.get(`/ui/documents/${encodeURIComponent(shared)}/evidence.zip`);
    expect(unnamed.text).toContain('EXCHANGE_REFERENCE_AMBIGUOUS');

    // The search links each hit to its own sender's page.
    const hits = await archivist.agent.get('/ui/documents?q=H40');
    expect(hits.text).toContain(`href="/ui/documents/${encodeURIComponent(shared)}?from=${A.organId}"`);
  });

  it('list deliveries by state and recipient for operators (the dead letters by default), a replay button only on dead ones', async () => {
    const operator = await loggedIn(ui, f.operatorToken);
    const [delivery] = await f.store.listDeliveriesForEnvelope((await f.store.listEnvelopesForDocument(documentId))[0]!.id);
    const byDefault = await operator.agent.get('/ui/deliveries');
    expect(byDefault.status).toBe(200);
    expect(byDefault.text).toContain('<option value="dead" selected>');
    const inState = await operator.agent.get(`/ui/deliveries?state=${delivery!.state}&agency=${B.organId}`);
    expect(inState.text).toContain(documentId);
    expect(inState.text).toContain(`<span class="mono">${B.organId}</span>`);
    expect(inState.text).not.toContain('/replay"');
    const otherRecipient = await operator.agent.get(`/ui/deliveries?state=${delivery!.state}&agency=${A.organId}`);
    expect(otherRecipient.text).not.toContain(documentId);
    const bad = await operator.agent.get('/ui/deliveries?state=lost');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('HTTP_QUERY_INVALID');
  });

  it('switch to English and back, returning to the same page', async () => {
    const archivist = await loggedIn(ui, f.archivistToken);
    const to = await archivist.agent.get('/ui/lang?to=en&back=%2Fui%2Fstatistics');
    expect(to.headers['location']).toBe('/ui/statistics');
    const english = await archivist.agent.get('/ui/statistics');
    expect(english.text).toContain('<html lang="en">');
    expect(english.text).toContain('<h1>Exchange statistics</h1>');
    expect((await archivist.agent.get('/ui/lang?to=vi&back=https%3A%2F%2Fevil.example')).headers['location']).toBe('/ui/');
    expect((await archivist.agent.get('/ui/statistics')).text).toContain('<h1>Thống kê trao đổi văn bản</h1>');
  });
});
