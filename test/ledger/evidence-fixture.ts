/**
 * A realistic evidence scenario for the bundle tests: a dev axis identity sealing a chain of receipts about several
 * documents, the log's checkpoints at 8 and 12 receipts time-stamped by the test TSA over HTTP, and the bundle of one
 * document. Tamper helpers rebuild the zip with one entry changed, as someone editing it by hand would.
 */
import { createHash, type X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { createReceiptExporter, createReceiptSealer, devTrustDir, loadAxisIdentity, loadTrustAnchors, type AxisIdentity } from '../../src/ledger/index.js';
import { createCheckpointSigner, type SignedCheckpoint } from '../../src/ledger/checkpoint/checkpoint-signer.js';
import { buildEvidenceBundle, type EvidenceBundleInput } from '../../src/ledger/evidence/bundle-builder.js';
import { createMemoryLeafSource } from '../../src/ledger/log/leaf-source.js';
import { receiptLeafHash } from '../../src/ledger/log/merkle-hash.js';
import { createMerkleProver } from '../../src/ledger/log/merkle-prover.js';
import { createTsaClient } from '../../src/ledger/timestamp/tsa-client.js';
import { generateTestPki, issueTestTsa, startTestTsaServer, type TestIdentity, type TestPki, type TestTsaServer } from '../../src/pki/test-pki/index.js';
import type { ReceiptRecord } from '../../src/exchange/model/index.js';
import { draft, sealChain } from './helpers.js';

export const ORIGIN = 'truc.gov.vn/edx-axis/receipts';
export const DOCUMENT_ID = '000.00.00.G22,2026/11/22,1/VPCP-TTĐT';

export interface EvidenceScenario {
  identity: AxisIdentity;
  axisAnchors: X509Certificate[];
  pki: TestPki;
  tsa: TestIdentity;
  server: TestTsaServer;
  chain: ReceiptRecord[];
  packageBytes: Buffer;
  checkpoints: Map<number, SignedCheckpoint & { token: Buffer }>;
  input: EvidenceBundleInput;
  zip: Uint8Array;
  /** The receipts about the document, by seq. */
  documentSeqs: number[];
}

export async function evidenceScenario(dataDir: string): Promise<EvidenceScenario> {
  const [identity, pki, server] = await Promise.all([loadAxisIdentity({ dataDir }), generateTestPki(), startTestTsaServer()]);
  const axisAnchors = await loadTrustAnchors(devTrustDir(dataDir));
  const tsa = await issueTestTsa(pki);
  server.serve({ certificate: tsa.certificate, privateKey: tsa.privateKey, intermediates: tsa.chain.slice(1, -1) });
  const packageBytes = readFileSync(path.join('test', 'fixtures', 'edxml', 'edoc.edxml'));
  const sha = createHash('sha256').update(packageBytes).digest('hex');
  const mine = (type: ReceiptRecord['type']) => draft({ type, envelopeId: 'env_doc1', documentId: DOCUMENT_ID, subjectSha256: sha });
  const other = (i: number) => draft({ envelopeId: `env_other${i}`, documentId: `000.00.00.H41,2026/11/2${i},${i}/UBND`, subjectSha256: createHash('sha256').update(`other ${i}`).digest('hex') });
  const drafts = [other(1), mine('accepted'), other(2), other(3), mine('delivered'), other(4), mine('fetched'), other(5), other(6), other(7), mine('acknowledged'), other(8), mine('revoked')];
  const chain = sealChain(createReceiptSealer(identity), drafts);
  const documentSeqs = chain.filter((r) => r.envelopeId === 'env_doc1').map((r) => r.seq);

  const leaves = createMemoryLeafSource(chain.map((r) => receiptLeafHash(r.hash)));
  const prover = createMerkleProver({ leaves });
  const signer = createCheckpointSigner({ origin: ORIGIN, identity });
  const timestamps = createTsaClient({ url: server.url, trustAnchors: [pki.root.certificate] });
  const checkpoints = new Map<number, SignedCheckpoint & { token: Buffer }>();
  for (const size of [8, 12]) {
    const checkpoint = signer.sign(size, await prover.rootAt(size));
    checkpoints.set(size, { ...checkpoint, token: (await timestamps.timestamp(Buffer.from(checkpoint.body))).token });
  }
  const exporter = createReceiptExporter(identity);
  const receipts = await Promise.all(chain.filter((r) => r.envelopeId === 'env_doc1').map(async (r) => ({
    receipt: exporter(r),
    ...(r.seq <= 12 ? { proof: await prover.inclusionProof(r.seq - 1, r.seq <= 8 ? 8 : 12) } : {}),
  })));
  const input: EvidenceBundleInput = {
    documentId: DOCUMENT_ID,
    origin: ORIGIN,
    createdAt: new Date('2026-11-23T03:04:05Z'),
    packages: [{ envelopeId: 'env_doc1', bytes: packageBytes, report: { signature: { valid: true, code: 'SIG_OK' }, warnings: [] } }],
    receipts,
    checkpoints: [...checkpoints.values()].map((c) => ({ note: c.note, timestampToken: c.token })),
    consistencyProofs: [await prover.consistencyProof(8, 12)],
    certificates: { tsa: tsa.chain.slice(0, -1) },
    revocation: { crls: [pki.crls.subordinate] },
    noteVerifierKey: signer.noteKey.verifierKey,
  };
  return { identity, axisAnchors, pki, tsa, server, chain, packageBytes, checkpoints, input, zip: buildEvidenceBundle(input), documentSeqs };
}

/** The zip with entries replaced (a function of the old bytes), removed (undefined) or added. */
export function rezip(zip: Uint8Array, changes: Record<string, ((old: Buffer) => Uint8Array | undefined) | Uint8Array | undefined>): Uint8Array {
  const entries: Record<string, Uint8Array> = unzipSync(zip);
  for (const [name, change] of Object.entries(changes)) {
    const next = typeof change === 'function' ? change(Buffer.from(entries[name] ?? new Uint8Array(0))) : change;
    if (next === undefined) delete entries[name];
    else entries[name] = next;
  }
  return zipSync(entries);
}

/** Rewrites manifest.json's digest of a file, as a careful forger would. */
export function relistInManifest(zip: Uint8Array, file: string): Uint8Array {
  const entries = unzipSync(zip);
  const manifest = JSON.parse(Buffer.from(entries['manifest.json']!).toString('utf8')) as { files: Record<string, { sha256: string; size: number }> };
  const bytes = entries[file]!;
  manifest.files[file] = { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
  return rezip(zip, { 'manifest.json': Buffer.from(JSON.stringify(manifest)) });
}
