/**
 * GET /v1/axis/certificates: the certificates that sign receipts and pushes, with their chains, public. Checked as an
 * agency checks them: a receipt's signerFingerprint and a push's keyid name a listed certificate, whose chain openssl
 * verifies up to the axis's root; and across a change of identity (the operator's new AXIS_P12), the earlier
 * certificate stays listed and its receipts stay exportable and verifiable.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLedgerVerify } from '../../src/cli/commands/ledger.js';
import { loadConfig } from '../../src/config/config.js';
import { signPush, verifyPushSignature } from '../../src/exchange/delivery/push-signature.js';
import { axisRoutes } from '../../src/http/rest/axis-routes.js';
import { devTrustDir, identityHistoryDir, loadTrustAnchors, verifyReceipt, type AxisCertificates } from '../../src/ledger/index.js';
import { openAxisServices, type AxisServices } from '../../src/main/axis-services.js';
import { generateTestPki } from '../../src/pki/test-pki/index.js';
import { buildExchangeFixture, type ExchangeFixture } from './exchange-fixture.js';

describe('GET /v1/axis/certificates on the real gateway', () => {
  let f: ExchangeFixture;
  beforeAll(async () => {
    f = await buildExchangeFixture();
  });
  afterAll(async () => f?.close());

  it('is public, names the current certificate, and its chain is what receipts carry', async () => {
    const res = await request(f.app).get('/v1/axis/certificates');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const body = res.body as AxisCertificates;
    expect(body.current).toBe(f.identity.fingerprint);
    expect(body.certificates).toHaveLength(1);
    const [current] = body.certificates;
    expect(current).toMatchObject({ fingerprint: f.identity.fingerprint, current: true });
    expect(current!.chain).toEqual(f.identity.chainDer.map((der) => der.toString('base64')));
    expect(new X509Certificate(Buffer.from(current!.chain[0]!, 'base64')).fingerprint256.replace(/:/g, '').toLowerCase()).toBe(current!.fingerprint);
    expect(Date.parse(current!.notAfter)).toBeGreaterThan(Date.now());

    // A receipt names the listed certificate and carries the listed chain.
    const A = await f.agency('000.00.00.H40');
    const B = await f.agency('000.00.12.H40');
    const sent = await f.send(A, await f.documentFrom(A, { to: [B.organId] }));
    expect(sent.status).toBe(202);
    expect(sent.body.receipt.receipt.signerFingerprint).toBe(body.current);
    expect(sent.body.receipt.certificateChain).toEqual(current!.chain);
  });

  it('openssl verifies the listed chain up to the axis root, and a push names the listed certificate', async () => {
    const body = (await request(f.app).get('/v1/axis/certificates')).body as AxisCertificates;
    const current = body.certificates[0]!;
    const dir = mkdtempSync(path.join(tmpdir(), 'edx-axis-certs-'));
    try {
      const leaf = current.pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g)!;
      writeFileSync(path.join(dir, 'axis.pem'), leaf[0]!);
      writeFileSync(path.join(dir, 'chain.pem'), leaf.slice(1).join(''));
      const root = readdirSync(devTrustDir(f.dataDir)).map((name) => path.join(devTrustDir(f.dataDir), name))[0]!;
      const out = execFileSync('openssl', ['verify', '-CAfile', root, '-untrusted', path.join(dir, 'chain.pem'), path.join(dir, 'axis.pem')], { encoding: 'utf8' });
      expect(out.trim()).toBe(`${path.join(dir, 'axis.pem')}: OK`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const headers = {
      'x-edx-recipient': '000.00.12.H40', 'x-edx-package-id': 'pkg_1', 'idempotency-key': 'dlv_1',
      'x-edx-content-sha256': 'ab'.repeat(32), 'x-edx-timestamp': new Date().toISOString(),
    };
    const signature = signPush({ method: 'POST', target: '/edx/inbox', recipientOrganId: headers['x-edx-recipient'], packageId: headers['x-edx-package-id'], idempotencyKey: headers['idempotency-key'], contentSha256: headers['x-edx-content-sha256'], timestamp: headers['x-edx-timestamp'] }, f.identity);
    const keyid = /keyid=([0-9a-f]{64})/.exec(signature)![1];
    const named = body.certificates.find((c) => c.fingerprint === keyid);
    expect(named).toBeDefined();
    const check = verifyPushSignature({ method: 'POST', target: '/edx/inbox', headers: { ...headers, 'x-edx-axis-signature': signature } }, Buffer.from(named!.chain[0]!, 'base64'));
    expect(check).toEqual({ valid: true });
  });
});

describe('a change of the axis identity', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'edx-axis-rotation-'));
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  let first: AxisServices | undefined;
  let second: AxisServices | undefined;
  afterAll(async () => {
    await first?.store.close();
    await second?.store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the earlier certificate listed and its receipts exportable and verifiable', async () => {
    // The development identity seals a receipt.
    first = await openAxisServices(loadConfig(env));
    const { credentials } = await first.agencies.addAgency({ organId: '000.00.00.H40', name: 'Cơ quan thử nghiệm' });
    expect(credentials.keyId).toBeTruthy();
    const old = await first.store.appendReceipt({ type: 'rejected', subjectSha256: 'cd'.repeat(32), parties: ['000.00.00.H40'], at: new Date().toISOString(), detail: { code: 'EDXML_EMPTY', size: 0 } });
    expect(old.signerFingerprint).toBe(first.identity.fingerprint);
    await first.store.close();
    first = undefined;

    // The operator sets AXIS_P12: a certificate from another CA signs from now on.
    const pki = await generateTestPki();
    const p12 = path.join(dataDir, 'axis.p12');
    writeFileSync(p12, await pki.pkcs12(pki.identities['agency-ec']), { mode: 0o600 });
    second = await openAxisServices(loadConfig({ ...env, AXIS_P12: p12, AXIS_P12_PASSWORD: pki.password }));
    expect(second.identity.fingerprint).not.toBe(old.signerFingerprint);
    expect(readdirSync(identityHistoryDir(dataDir)).sort()).toEqual([`${old.signerFingerprint}.pem`, `${second.identity.fingerprint}.pem`].sort());

    const listed = second.axisCertificates;
    expect(listed.current).toBe(second.identity.fingerprint);
    expect(listed.certificates.map((c) => [c.fingerprint, c.current])).toEqual([[second.identity.fingerprint, true], [old.signerFingerprint, false]]);

    // The earlier receipt is still handed out with the chain that signed it, and verifies against the old root.
    const exported = second.exportReceipt(old);
    expect(exported.certificateChain).toEqual(listed.certificates[1]!.chain);
    expect(verifyReceipt(exported, { trustAnchors: await loadTrustAnchors(devTrustDir(dataDir)) })).toMatchObject({ valid: true });
    // A new receipt is sealed by the new identity and verifies against the new CA's root.
    const fresh = await second.store.appendReceipt({ type: 'rejected', subjectSha256: 'ef'.repeat(32), parties: ['000.00.00.H40'], at: new Date().toISOString(), detail: { code: 'EDXML_EMPTY', size: 0 } });
    expect(fresh.signerFingerprint).toBe(second.identity.fingerprint);
    expect(verifyReceipt(second.exportReceipt(fresh), { trustAnchors: [new X509Certificate(pki.root.certificate)] })).toMatchObject({ valid: true });

    // edx ledger verify walks the whole chain across the change: each receipt with the identity that sealed it.
    const both = mkdtempSync(path.join(tmpdir(), 'edx-axis-roots-'));
    writeFileSync(path.join(both, 'dev-root.pem'), readFileSync(path.join(devTrustDir(dataDir), readdirSync(devTrustDir(dataDir)).find((n) => n.endsWith('.pem'))!)));
    writeFileSync(path.join(both, 'new-root.pem'), new X509Certificate(pki.root.certificate).toString());
    const audit = await runLedgerVerify(second, loadConfig({ ...env, AXIS_P12: p12, AXIS_P12_PASSWORD: pki.password }), { trust: both });
    rmSync(both, { recursive: true, force: true });
    expect(audit).toMatchObject({ ok: true, receipts: 2 });

    // Both are served to agencies by the route.
    const app = express().use(axisRoutes({ certificates: listed }));
    const served = await request(app).get('/v1/axis/certificates');
    expect(served.body.certificates.map((c: { fingerprint: string }) => c.fingerprint)).toEqual([second.identity.fingerprint, old.signerFingerprint]);
  });

  it('a damaged history file stops the axis with a clear code rather than exporting receipts with a wrong chain', async () => {
    await second?.store.close();
    second = undefined;
    const dir = identityHistoryDir(dataDir);
    // A real certificate under a name that is not its fingerprint.
    const bogus = path.join(dir, `${'0'.repeat(64)}.pem`);
    writeFileSync(bogus, readFileSync(path.join(dir, readdirSync(dir)[0]!), 'utf8'));
    await expect(openAxisServices(loadConfig(env))).rejects.toMatchObject({ code: 'LEDGER_IDENTITY_HISTORY_UNREADABLE' });
    rmSync(bogus);
    second = await openAxisServices(loadConfig(env));
    expect(second.axisCertificates.certificates).toHaveLength(2);
  });
});
