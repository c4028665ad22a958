/**
 * The submit use-case records refusals itself, with no HTTP in sight: a verdict on a package becomes one sealed
 * `rejected` receipt naming only the caller; an oversized package, a "could not check" (5xx) and a failing receipt
 * write do not. Real embedded store, real axis identity, real test PKI (its revocation server really stopped).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocumentPackage } from '../../src/edxml/index.js';
import { AxisError, isAxisError } from '../../src/errors/axis-error.js';
import { createAgencyRegistry } from '../../src/exchange/agencies/agency-registry.js';
import { createExchangeUseCases, type Exchange } from '../../src/exchange/create-exchange.js';
import { createEdxmlInspector } from '../../src/exchange/inspection/edxml-package-inspector.js';
import { restStatusForCode as statusForCode } from '../../src/http/rest/error-status.js';
import { isPackageRefused, PackageRefusedError } from '../../src/exchange/package-refusal.js';
import { createReceiptExporter, createReceiptSealer, devTrustDir, loadAxisIdentity, loadTrustAnchors, verifyReceipt, verifyReceiptChain } from '../../src/ledger/index.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/exchange/ports/index.js';
import { createTestSigning, type AgencySigner, type TestSigning } from '../http/test-signing.js';

const A = '000.00.00.H41';
const B = '000.00.12.H41';
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let dataDir: string;
let store: Store;
let signing: TestSigning;
let exchange: Exchange;
let identity: Awaited<ReturnType<typeof loadAxisIdentity>>;
let agencies: ReturnType<typeof createAgencyRegistry>;
let signerOfA: Promise<AgencySigner> | undefined;
/** A's signer, its certificate tied to A: one for every test here (the test PKI hands out a new one per call). */
const signerA = (): Promise<AgencySigner> => (signerOfA ??= (async () => {
  const signer = await signing.agencySigner(A);
  if (!signer.carriesOrganId) await agencies.registerCertificate(A, signer.fingerprint);
  return signer;
})());
const maxPackageBytes = 64 * 1024;

/** The real store with some methods replaced (a write that fails as a full disk would). */
function withOverrides(real: Store, over: Partial<Store>): Store {
  return new Proxy(real, {
    get(target, name, receiver) {
      if (name in over) return over[name as keyof Store];
      const value: unknown = Reflect.get(target, name, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function build(over: Partial<Store> = {}): Exchange {
  return createExchangeUseCases({
    store: withOverrides(store, over),
    inspector: createEdxmlInspector({ verifySignature: signing.verifySignature, limits: { maxBytes: maxPackageBytes } }),
    receiptExporter: createReceiptExporter(identity),
    limits: { maxPackageBytes },
  });
}

function documentTo(to: string[]): Buffer {
  return buildDocumentPackage({
    from: { organId: A, organName: 'Cơ quan A' },
    to: to.map((organId) => ({ organId, organName: `Cơ quan ${organId}` })),
    documentId: `${A},2026/12/01,${randomBytes(3).toString('hex')}/TEST`,
    code: { codeNumber: '1', codeNotation: 'TEST' },
    subject: 'V/v thử nghiệm',
    attachments: [{ name: 'a.txt', bytes: Buffer.from('Nội dung'), contentType: 'text/plain' }],
  });
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => { throw new Error('expected a refusal'); }, (error: unknown) => error);
}

const chainSeq = async () => (await store.chainHead())?.seq ?? 0;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'edx-refusal-'));
  identity = await loadAxisIdentity({ dataDir });
  store = await openStore({ dataDir, sealer: createReceiptSealer(identity) });
  signing = await createTestSigning(path.join(dataDir, 'pki'));
  agencies = createAgencyRegistry({ store, secretKey: randomBytes(32), graceSeconds: 60 });
  await agencies.addAgency({ organId: A, name: 'Cơ quan A' });
  await agencies.addAgency({ organId: B, name: 'Cơ quan B' });
  exchange = build();
});
afterAll(async () => {
  await store?.close();
  await signing?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('a refused package is one rejected receipt, and nothing else', () => {
  it('bytes that are not edXML: the refusal carries a signed rejected receipt naming the caller only', async () => {
    const bytes = Buffer.from('<html><body>not a package</body></html>');
    const before = await chainSeq();
    const error = await refusal(exchange.submitPackage({ callerOrganId: A, source: { bytes } }));
    expect(isPackageRefused(error)).toBe(true);
    const refused = error as PackageRefusedError;
    expect(refused.code).toBe('EDXML_NOT_EDXML');
    expect(refused.details).toMatchObject({ receiptId: refused.receiptId });
    expect(await chainSeq()).toBe(before + 1);
    const stored = await store.getReceipt(refused.receiptId);
    expect(stored).toEqual(refused.receipt.receipt);
    expect(stored).toMatchObject({ type: 'rejected', parties: [A], subjectSha256: sha256(bytes), detail: { code: 'EDXML_NOT_EDXML', size: bytes.byteLength } });
    expect(verifyReceipt(refused.receipt, { trustAnchors: await loadTrustAnchors(devTrustDir(dataDir)) })).toMatchObject({ valid: true });
    expect(await store.blobs.has(sha256(bytes))).toBe(false);
  });

  it('recipients named by a refused package are never written: the receipt is the sender\'s alone', async () => {
    const bytes = documentTo([B]); // unsigned: a document must be signed
    const error = await refusal(exchange.submitPackage({ callerOrganId: A, source: { bytes } }));
    expect(isAxisError(error) && error.code).toBe('SIG_MISSING');
    const stored = await store.getReceipt((error as PackageRefusedError).receiptId);
    expect(stored?.parties).toEqual([A]);
    expect(stored?.envelopeId).toBeUndefined();
    expect(stored?.documentId).toBeUndefined();
    expect((await store.listReceipts({ organId: B, limit: 1000 })).map((r) => r.id)).not.toContain(stored?.id);
    expect(await store.listDeliveries({ limit: 1000 })).toEqual([]);
    expect(await store.blobs.has(sha256(bytes))).toBe(false);
  });

  it('the caller lists its rejected receipts; another agency does not see them', async () => {
    const mine = await exchange.listReceipts({ organId: A, type: 'rejected', limit: 1 });
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0]?.receipt.type).toBe('rejected');
    const rest = await exchange.listReceipts({ organId: A, type: 'rejected', after: Number(mine.nextCursor), limit: 10 });
    expect(rest.items).toHaveLength(1);
    expect(rest.nextCursor).toBeUndefined();
    expect((await exchange.listReceipts({ organId: B, limit: 10 })).items).toEqual([]);
  });

  it('an oversized package leaves no receipt (its bytes are not taken in)', async () => {
    const before = await chainSeq();
    const error = await refusal(exchange.submitPackage({ callerOrganId: A, source: { bytes: Buffer.alloc(maxPackageBytes + 1, 0x20) } }));
    expect(isAxisError(error) && error.code).toBe('EXCHANGE_TOO_LARGE');
    expect(isPackageRefused(error)).toBe(false);
    expect(await chainSeq()).toBe(before);
  });

  it('a receipt that cannot be written does not hide the refusal: the caller still gets its code', async () => {
    const before = await chainSeq();
    const failing = build({ appendReceipt: () => Promise.reject(new Error('disk full')) });
    const error = await refusal(failing.submitPackage({ callerOrganId: A, source: { bytes: Buffer.from('<html/>') } }));
    expect(isAxisError(error) && error.code).toBe('EDXML_NOT_EDXML');
    expect(isPackageRefused(error)).toBe(false);
    expect(await chainSeq()).toBe(before);
  });

  it('a failure of the axis\'s own store is no verdict: no receipt, no refusal, nothing stored, and the code kept', async () => {
    const signed = await (await signerA()).sign(documentTo([B]));
    const before = await chainSeq();
    const busy = build({ accept: () => Promise.reject(new AxisError('STORE_BUSY', 'The store is busy: another process holds its write lock.')) });
    const error = await refusal(busy.submitPackage({ callerOrganId: A, source: { bytes: signed } }));
    expect(isAxisError(error) && error.code).toBe('STORE_BUSY');
    expect(isPackageRefused(error)).toBe(false);
    expect(await chainSeq()).toBe(before);
    expect(await store.blobs.has(sha256(signed))).toBe(false);
    // and the same package, sent again once the store answers, is accepted
    expect(await exchange.submitPackage({ callerOrganId: A, source: { bytes: signed } })).toMatchObject({ outcome: 'created' });
  });

  it('a package moved in as a file and then not accepted leaves no bytes in the blob store (failure or conflict)', async () => {
    const signer = await signerA();
    const asFile = async (bytes: Buffer) => {
      const tempPath = path.join(dataDir, `upload-${randomBytes(4).toString('hex')}.tmp`);
      writeFileSync(tempPath, bytes);
      return { callerOrganId: A, source: { tempPath, sha256: sha256(bytes), size: bytes.byteLength } };
    };
    const failing = await signer.sign(documentTo([B]));
    const busy = build({ accept: () => Promise.reject(new AxisError('STORE_BUSY', 'The store is busy.')) });
    await expect(busy.submitPackage(await asFile(failing))).rejects.toMatchObject({ code: 'STORE_BUSY' });
    expect(await store.blobs.has(sha256(failing))).toBe(false);

    const conflicting = await signer.sign(documentTo([B]));
    const raced = build({
      accept: async (bundle) => ({ outcome: 'document-conflict', reason: 'document-id-used', envelope: { ...bundle.envelope, id: 'pkg_other', sha256: '0'.repeat(64) } }),
    });
    await expect(raced.submitPackage(await asFile(conflicting))).rejects.toMatchObject({ code: 'EXCHANGE_DOCUMENT_ID_CONFLICT' });
    expect(await store.blobs.has(sha256(conflicting))).toBe(false);
    // and one that is accepted keeps its bytes
    const accepted = await signer.sign(documentTo([B]));
    expect(await exchange.submitPackage(await asFile(accepted))).toMatchObject({ outcome: 'created' });
    expect(await store.blobs.has(sha256(accepted))).toBe(true);
  });

  it('"could not check" is no verdict: revocation unknown (the PKI\'s revocation server is down) leaves no receipt', async () => {
    const signer = await signing.agencySigner(A);
    const signed = await signer.sign(documentTo([B]));
    await signing.close(); // the test PKI's CRL/OCSP server: revocation can no longer be established
    const before = await chainSeq();
    const error = await refusal(exchange.submitPackage({ callerOrganId: A, source: { bytes: signed } }));
    expect(isAxisError(error)).toBe(true);
    const code = (error as { code: string }).code;
    expect(statusForCode(code)).toBe(503);
    expect(isPackageRefused(error)).toBe(false);
    expect(await chainSeq()).toBe(before);
  });

  it('the chain with the rejected receipts still verifies', async () => {
    const receipts = await store.listReceipts({ limit: 1000 });
    // not edXML, unsigned, and the DocumentId conflict the store reported
    expect(receipts.filter((r) => r.type === 'rejected').map((r) => r.detail?.['code'])).toEqual(['EDXML_NOT_EDXML', 'SIG_MISSING', 'EXCHANGE_DOCUMENT_ID_CONFLICT']);
    expect(verifyReceiptChain(receipts, { certificates: identity.chainDer, trustAnchors: await loadTrustAnchors(devTrustDir(dataDir)) })).toMatchObject({ valid: true, checked: receipts.length });
    expect(readdirSync(store.blobs.tempDir)).toEqual([]);
  });
});
