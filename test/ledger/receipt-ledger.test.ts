import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createReceiptExporter, createReceiptSealer, devTrustDir, loadAxisIdentity, loadTrustAnchors, verifyReceipt,
  verifyReceiptChain, type AxisIdentity,
} from '../../src/ledger/index.js';
import { draft, sealChain } from './helpers.js';

const root = mkdtempSync(path.join(tmpdir(), 'edx-ledger-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let identity: AxisIdentity;
const dataDir = path.join(root, 'data');
beforeAll(async () => {
  identity = await loadAxisIdentity({ dataDir });
});

describe('the development axis identity', () => {
  it('is made once under dataDir/axis and the same identity comes back after a restart', async () => {
    const again = await loadAxisIdentity({ dataDir });
    expect(again.fingerprint).toBe(identity.fingerprint);
    expect(identity.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(identity.chainDer).toHaveLength(2);
    expect(statSync(path.join(dataDir, 'axis', 'axis-key.pem')).mode & 0o077).toBe(0);
  });

  it('never shows its private key when logged or serialised', () => {
    const json = JSON.stringify({ identity });
    expect(json).toContain(identity.fingerprint);
    expect(json).not.toMatch(/PRIVATE KEY|"privateKey"/);
  });
});

describe('sealing receipts into the chain', () => {
  it('links every receipt to the one before and the whole run verifies', () => {
    const chain = sealChain(createReceiptSealer(identity), [draft(), draft({ type: 'delivered' }), draft({ type: 'fetched', parties: ['000.00.00.H41'] })]);
    expect(chain[0]!.prevHash).toBe('0'.repeat(64));
    expect(chain[1]!.prevHash).toBe(chain[0]!.hash);
    expect(verifyReceiptChain(chain, { certificates: [identity.certificateDer] })).toMatchObject({ valid: true, checked: 3 });
  });

  it('a changed receipt, a missing receipt or a re-linked receipt each break the chain', () => {
    const chain = sealChain(createReceiptSealer(identity), [draft(), draft({ type: 'delivered' }), draft({ type: 'fetched' })]);
    const certificates = [identity.certificateDer];
    const edited = chain.map((r) => ({ ...r }));
    edited[1] = { ...edited[1]!, parties: ['000.00.00.X99'] };
    expect(verifyReceiptChain(edited, { certificates })).toMatchObject({ valid: false, code: 'RECEIPT_HASH_MISMATCH', seq: 2, checked: 1 });
    expect(verifyReceiptChain([chain[0]!, chain[2]!], { certificates })).toMatchObject({ valid: false, code: 'RECEIPT_SEQ_GAP', seq: 3 });
    const relinked = [chain[0]!, { ...chain[1]!, prevHash: 'f'.repeat(64) }];
    expect(verifyReceiptChain(relinked, { certificates })).toMatchObject({ valid: false, code: 'RECEIPT_CHAIN_BROKEN', seq: 2 });
  });

  it('a receipt rehashed by someone without the axis key fails on its signature', async () => {
    const [receipt] = sealChain(createReceiptSealer(identity), [draft()]);
    const { receiptHash } = await import('../../src/ledger/receipt-hash.js');
    const forged = { ...receipt!, subjectSha256: 'cd'.repeat(32) };
    forged.hash = receiptHash(forged);
    expect(verifyReceiptChain([forged], { certificates: [identity.certificateDer] })).toMatchObject({ valid: false, code: 'RECEIPT_SIGNATURE_INVALID' });
  });

  it('a store that gives optional fields back as null keeps the hash valid', () => {
    const [receipt] = sealChain(createReceiptSealer(identity), [draft({ deliveryId: undefined })]);
    const roundTripped = { ...JSON.parse(JSON.stringify(receipt)), deliveryId: null };
    expect(verifyReceiptChain([roundTripped], { certificates: [identity.certificateDer] }).valid).toBe(true);
  });
});

describe('a signed receipt handed to a caller', () => {
  it('verifies offline against the dev trust directory, and fails against another root', async () => {
    const [receipt] = sealChain(createReceiptSealer(identity), [draft()]);
    const signed = createReceiptExporter(identity)(receipt!);
    const anchors = await loadTrustAnchors(devTrustDir(dataDir));
    expect(verifyReceipt(JSON.parse(JSON.stringify(signed)), { trustAnchors: anchors })).toMatchObject({ valid: true, code: 'RECEIPT_OK', seq: 1 });

    const otherDir = path.join(root, 'other');
    await loadAxisIdentity({ dataDir: otherDir });
    const strangers = await loadTrustAnchors(devTrustDir(otherDir));
    expect(verifyReceipt(signed, { trustAnchors: strangers })).toMatchObject({ valid: false, code: 'RECEIPT_CHAIN_UNTRUSTED' });
  });

  it('a tampered receipt fails, and so does one carrying a certificate other than its signer', async () => {
    const [receipt] = sealChain(createReceiptSealer(identity), [draft()]);
    const signed = createReceiptExporter(identity)(receipt!);
    const anchors = await loadTrustAnchors(devTrustDir(dataDir));
    const tampered = { ...signed, receipt: { ...signed.receipt, type: 'rejected' as const } };
    expect(verifyReceipt(tampered, { trustAnchors: anchors })).toMatchObject({ valid: false, code: 'RECEIPT_HASH_MISMATCH' });
    const swapped = { ...signed, certificateChain: [signed.certificateChain[1]!] };
    expect(verifyReceipt(swapped, { trustAnchors: anchors })).toMatchObject({ valid: false, code: 'RECEIPT_SIGNER_MISMATCH' });
    expect(verifyReceipt({ hello: 'world' }, { trustAnchors: anchors })).toMatchObject({ valid: false, code: 'RECEIPT_MALFORMED' });
  });

  it('a receipt made outside the axis certificate validity is refused', async () => {
    const [receipt] = sealChain(createReceiptSealer(identity), [draft({ at: '1999-01-01T00:00:00.000Z' })]);
    const anchors = await loadTrustAnchors(devTrustDir(dataDir));
    expect(verifyReceipt(createReceiptExporter(identity)(receipt!), { trustAnchors: anchors })).toMatchObject({ valid: false, code: 'RECEIPT_CERT_EXPIRED' });
  });
});

describe('the production identity from a PKCS#12 file', () => {
  function makeP12(password: string): string {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    cert.serialNumber = '0a';
    cert.validity.notBefore = new Date(Date.now() - 3600_000);
    cert.validity.notAfter = new Date(Date.now() + 86_400_000 * 365);
    cert.setSubject([{ shortName: 'CN', value: 'Axis production test' }]);
    cert.setIssuer([{ shortName: 'CN', value: 'Axis production test' }]);
    const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
    cert.sign(forgeKey, forge.md.sha256.create());
    const p12 = forge.pkcs12.toPkcs12Asn1(forgeKey, [cert], password, { algorithm: '3des' });
    const file = path.join(root, 'axis.p12');
    writeFileSync(file, Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary'));
    return file;
  }

  it('loads the key and certificate and seals receipts that verify with it', async () => {
    const p12Path = makeP12('s3cret');
    const prod = await loadAxisIdentity({ p12Path, p12Password: 's3cret', dataDir: path.join(root, 'prod') });
    expect(prod.chainDer).toHaveLength(1);
    const chain = sealChain(createReceiptSealer(prod), [draft(), draft({ type: 'delivered' })]);
    expect(verifyReceiptChain(chain, { certificates: [prod.certificateDer], trustAnchors: [prod.certificateDer] }).valid).toBe(true);
  });

  it('a wrong password is a clear error, not a crash', async () => {
    const p12Path = makeP12('right');
    await expect(loadAxisIdentity({ p12Path, p12Password: 'wrong', dataDir: root })).rejects.toMatchObject({ code: 'LEDGER_P12_INVALID' });
  });
});
