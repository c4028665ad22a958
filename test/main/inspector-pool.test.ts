/**
 * The inspector pool (INSPECT_THREADS): packages checked and verified on worker threads give exactly the verdicts of
 * the inspector on the event loop (same inspection, same error codes), the certificate verdict comes from the event
 * loop's validator, and a thread that dies fails only what it held and is replaced.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAxisError } from '../../src/errors/axis-error.js';
import { buildDocumentPackage } from '../../src/edxml/index.js';
import { restStatusForCode as statusForCode } from '../../src/http/rest/error-status.js';
import { createEdxmlInspector } from '../../src/exchange/inspection/edxml-package-inspector.js';
import type { PackageInspector } from '../../src/exchange/ports/package-inspector.js';
import { createDemoPki, type DemoPki } from '../../src/main/demo-pki.js';
import { createInspectorPool, type InspectorPool } from '../../src/main/inspector-pool.js';
import { createSignatureChecking, type PackageSignatureChecking } from '../../src/main/package-signature-check.js';
import type { CertificateValidator } from '../../src/pki/types.js';
import { verifyDocumentSignatures } from '../../src/signature/documents/index.js';
import { signPackage } from '../../src/signature/xmldsig/index.js';
import { waitFor } from '../support/wait-for.js';

const A = { organId: '000.00.00.H40', name: 'UBND tỉnh Hà Nam' };
const B = { organId: '000.00.12.H40', name: 'Sở Tài chính tỉnh Hà Nam' };
const limits = { maxBytes: 50 * 1024 * 1024 };

const root = mkdtempSync(path.join(tmpdir(), 'edx-inspector-pool-'));
let demo: DemoPki;
let checking: PackageSignatureChecking;
let onLoop: PackageInspector;
let validations = 0;
const pools: InspectorPool[] = [];

function pool(options: { threads?: number; threadEntry?: URL } = {}): InspectorPool {
  // Counts what the threads ask of the event loop's validator.
  const counting: CertificateValidator = { validate: (...args) => { validations += 1; return checking.validator.validate(...args); } };
  const created = createInspectorPool({ threads: options.threads ?? 2, limits, checkDocuments: true, policy: checking.policy, validator: counting, ...(options.threadEntry ? { threadEntry: options.threadEntry } : {}) });
  pools.push(created);
  return created;
}

async function signedDocument(size = 2000): Promise<Buffer> {
  return signPackage(buildDocumentPackage({
    from: { organId: A.organId, organName: A.name },
    to: [{ organId: B.organId, organName: B.name }],
    documentId: `${A.organId},2026/12/01,${randomBytes(3).toString('hex')}/UBND-VP`,
    code: { codeNumber: '7', codeNotation: 'UBND-VP' },
    subject: 'V/v kiểm tra luồng kiểm tra gói tin',
    attachments: [{ name: 'a.bin', bytes: randomBytes(size), contentType: 'application/octet-stream', zip: false }],
  }), demo.signerOf(demo.pki.identities['agency-rsa']));
}

/** What the caller branches on: an AxisError's code and message, or the inspection itself. */
async function verdict(inspector: PackageInspector, bytes: Uint8Array): Promise<unknown> {
  try {
    const inspected = await inspector.inspect(bytes);
    // When the documents were checked differs between two runs; what was found must not.
    return { ok: inspected.documents ? { ...inspected, documents: { ...inspected.documents, checkedAt: 'same' } } : inspected };
  } catch (error) {
    if (!isAxisError(error)) throw error;
    return { code: error.code, message: error.message, details: error.details };
  }
}

beforeAll(async () => {
  demo = await createDemoPki(path.join(root, 'trust'));
  checking = await createSignatureChecking({ trustAnchorsDir: demo.trustDir, revocationPolicy: 'require' });
  onLoop = createEdxmlInspector({ verifySignature: checking.verify, verifyDocuments: (files) => verifyDocumentSignatures(files, { validator: checking.validator, policy: checking.policy }), limits });
});

afterAll(async () => {
  for (const p of pools) await p.close();
  await demo?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('inspector pool', () => {
  it('gives the same verdict as the inspector on the event loop, for good, tampered, unsigned and unreadable packages', async () => {
    const threads = pool();
    const good = await signedDocument();
    const tampered = Buffer.from(good.toString('utf8').replace('V/v kiểm tra', 'V/v KIỂM TRA'), 'utf8');
    const unsigned = readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'edxml', 'status.edxml'));
    const cases: [string, Uint8Array][] = [
      ['good', good],
      ['tampered', tampered],
      ['unsigned status', unsigned],
      ['not XML', Buffer.from('this is not a package')],
      ['DTD', Buffer.from('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')],
      ['empty', new Uint8Array(0)],
    ];
    for (const [name, bytes] of cases) {
      const expected = await verdict(onLoop, bytes);
      expect(await verdict(threads, bytes), name).toEqual(expected);
    }
    const good2 = (await verdict(threads, good)) as { ok: { signature: { code: string; revocation?: { status: string } } } };
    expect(good2.ok.signature).toMatchObject({ code: 'SIG_OK', revocation: { status: 'good' } });
    expect((await verdict(threads, tampered) as { ok: { signature: { code: string } } }).ok.signature.code).toBe('SIG_DIGEST_MISMATCH');
    expect(await verdict(threads, Buffer.from('this is not a package'))).toMatchObject({ code: expect.stringMatching(/^EDXML_/) });
  });

  it('asks the event loop for certificate verdicts (reused for a few seconds), and errors keep their class of AxisError across the thread boundary', async () => {
    const threads = pool({ threads: 1 });
    const before = validations;
    await threads.inspect(await signedDocument());
    expect(validations).toBe(before + 1);
    // The same seal again within seconds: the thread reuses the verdict instead of asking for each package.
    expect((await threads.inspect(await signedDocument())).signature.code).toBe('SIG_OK');
    expect(validations).toBe(before + 1);
    const refused = await threads.inspect(Buffer.from('<notEdxml/>')).catch((error: unknown) => error);
    expect(isAxisError(refused)).toBe(true);
  });

  it('checks many packages at once on all threads, each getting its own verdict', async () => {
    const threads = pool({ threads: 2 });
    const packages = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 3 === 2 ? Promise.resolve(Buffer.from(`<broken${i}`)) : signedDocument(500 + i))));
    const results = await Promise.all(packages.map((bytes) => verdict(threads, bytes)));
    results.forEach((result, i) => {
      if (i % 3 === 2) expect(result, `package ${i}`).toMatchObject({ code: expect.stringMatching(/^EDXML_/) });
      else expect((result as { ok: { documentId: string; signature: { code: string } } }).ok).toMatchObject({ documentId: expect.stringContaining(A.organId), signature: { code: 'SIG_OK' } });
    });
    const ids = results.flatMap((r) => ('ok' in (r as object) ? [(r as { ok: { documentId: string } }).ok.documentId] : []));
    expect(new Set(ids).size).toBe(8);
  });

  it('takes over bytes the caller is done with instead of copying them, and leaves other bytes alone', async () => {
    const threads = pool({ threads: 1 });
    const kept = await signedDocument();
    await threads.inspect(kept);
    expect(kept.byteLength).toBeGreaterThan(0);
    const moved = new Uint8Array(await signedDocument());
    const result = await threads.inspect(moved, { disposable: true });
    expect(result.signature.code).toBe('SIG_OK');
    expect(moved.byteLength).toBe(0);
  });

  it('a thread that dies fails only the package it held (INSPECTOR_FAILED) and is replaced; the pool keeps serving', async () => {
    const threads = pool({ threads: 1, threadEntry: new URL('./fixtures/mortal-inspector-thread.ts', import.meta.url) });
    expect((await threads.inspect(await signedDocument())).signature.code).toBe('SIG_OK');
    await expect(threads.inspect(Buffer.from('DIE'))).rejects.toMatchObject({ code: 'INSPECTOR_FAILED', message: expect.stringContaining('send it again') });
    expect((await threads.inspect(await signedDocument())).signature.code).toBe('SIG_OK');
  });

  it('after close it refuses with a clear code instead of hanging', async () => {
    const threads = pool({ threads: 1 });
    await threads.close();
    await expect(threads.inspect(await signedDocument())).rejects.toMatchObject({ code: 'INSPECTOR_FAILED' });
  });
});

describe('inspector pool whose threads cannot start', () => {
  it('refuses with INSPECTOR_FAILED instead of hanging, and retries the start with a growing delay instead of spinning', async () => {
    const errors: Error[] = [];
    const failedAt: number[] = [];
    const broken = createInspectorPool({ threads: 1, limits, checkDocuments: false, policy: {}, validator: { validate: () => Promise.reject(new Error('unused')) }, threadEntry: new URL('./fixtures/broken-inspector-thread.ts', import.meta.url), onThreadError: (error) => { errors.push(error); failedAt.push(performance.now()); } });
    pools.push(broken);
    const first = await broken.inspect(Buffer.from('<edXML/>')).catch((error: unknown) => error);
    expect(first).toMatchObject({ code: 'INSPECTOR_FAILED' });
    // Three failed starts: the restarts waited 0.5 s, then 1 s (each gap is that wait plus a thread's start), where an
    // immediate restart would follow at once. Lower bounds only: a loaded machine only makes the gaps longer.
    await waitFor(() => expect(failedAt.length).toBeGreaterThanOrEqual(3));
    const [start1, start2, start3] = failedAt as [number, number, number];
    expect(start2 - start1).toBeGreaterThanOrEqual(500 - 10);
    expect(start3 - start2).toBeGreaterThanOrEqual(1000 - 10);
    expect(errors.every((error) => error.message.includes('cannot load'))).toBe(true);
    await expect(broken.inspect(Buffer.from('<edXML/>'))).rejects.toMatchObject({ code: 'INSPECTOR_FAILED' });
  });

  it('the exchange answers an inspector failure as 503 "could not check", not as a verdict on the package', () => {
    expect(statusForCode('INSPECTOR_FAILED')).toBe(503);
  });
});
