import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyEvidenceBundle, type EvidenceTrust } from '../../src/ledger/evidence/bundle-verifier.js';
import { buildEvidenceBundle } from '../../src/ledger/evidence/bundle-builder.js';
import { devTrustDir, loadAxisIdentity, loadTrustAnchors } from '../../src/ledger/index.js';
import { toPem } from '../../src/pki/test-pki/index.js';
import { evidenceScenario, relistInManifest, rezip, type EvidenceScenario } from './evidence-fixture.js';

const root = mkdtempSync(path.join(tmpdir(), 'edx-evidence-'));
let s: EvidenceScenario;
let trust: EvidenceTrust;
beforeAll(async () => {
  s = await evidenceScenario(path.join(root, 'data'));
  trust = { trustAnchors: s.axisAnchors, tsaTrustAnchors: [s.pki.root.certificate] };
});
afterAll(async () => {
  await s?.server.close();
  rmSync(root, { recursive: true, force: true });
});

const entries = (zip: Uint8Array) => unzipSync(zip);
const text = (zip: Uint8Array, name: string) => Buffer.from(entries(zip)[name]!).toString('utf8');
const receiptFile = (seq: number) => Object.keys(entries(s.zip)).find((n) => n.startsWith(`receipts/${String(seq).padStart(8, '0')}-`))!;

describe('an evidence bundle of one document', () => {
  it('holds the packages, reports, receipts with proofs, checkpoints with tokens, certificates and a bilingual README', () => {
    const names = Object.keys(entries(s.zip)).sort();
    expect(names).toEqual(expect.arrayContaining([
      'README.txt', 'manifest.json', 'packages/env_doc1.edxml', 'reports/env_doc1.json', 'checkpoints/8.txt', 'checkpoints/8.tst',
      'checkpoints/12.txt', 'checkpoints/12.tst', 'checkpoints/consistency-8-12.json', 'certificates/axis/1.pem', 'certificates/tsa/1.pem',
      'revocation/1.crl', 'keys/checkpoint-note-key.txt',
    ]));
    expect(names.filter((n) => n.startsWith('receipts/'))).toHaveLength(s.documentSeqs.length);
    expect(names.filter((n) => n.startsWith('proofs/'))).toHaveLength(s.documentSeqs.filter((q) => q <= 12).length);
    expect(Buffer.from(entries(s.zip)['packages/env_doc1.edxml']!).equals(s.packageBytes)).toBe(true);
    const readme = text(s.zip, 'README.txt');
    expect(readme.indexOf('BỘ CHỨNG CỨ ĐIỆN TỬ')).toBeLessThan(readme.indexOf('EVIDENCE BUNDLE'));
    expect(readme).toContain('23/11/2026 10:04:05');
    expect(readme).toContain('openssl ts -verify -data body.txt -in checkpoints/N.tst -token_in');
  });

  it('is the same bytes when built again from the same pieces', () => {
    expect(Buffer.from(buildEvidenceBundle(s.input)).equals(Buffer.from(s.zip))).toBe(true);
  });

  it('verifies: every receipt, proof, checkpoint, time-stamp and package holds', async () => {
    const verdict = await verifyEvidenceBundle(s.zip, trust);
    const counted = (kind: string) => verdict.parts.filter((p) => p.kind === kind && p.status === 'valid').length;
    expect({ result: verdict.result, documentId: verdict.documentId }).toEqual({ result: 'could-not-check', documentId: s.input.documentId });
    // The last receipt (#13) came after the last checkpoint: everything else holds.
    expect(verdict.parts.filter((p) => p.status !== 'valid' && p.status !== 'informational')).toEqual([expect.objectContaining({ code: 'EVIDENCE_NO_PROOF', status: 'could-not-check' })]);
    expect(verdict.summary.vi).toMatch(/^CHƯA KIỂM TRA ĐƯỢC: .*chưa có bằng chứng trong sổ/);
    expect([counted('receipt'), counted('inclusion'), counted('checkpoint'), counted('timestamp'), counted('consistency'), counted('package')]).toEqual([5, 4, 2, 2, 1, 1]);
  });

  it('verifies as valid when every receipt is covered by a checkpoint', async () => {
    const covered = buildEvidenceBundle({ ...s.input, receipts: s.input.receipts.filter((r) => r.proof) });
    const verdict = await verifyEvidenceBundle(covered, trust);
    expect(verdict.result).toBe('valid');
    expect(verdict.summary.vi).toMatch(/^HỢP LỆ: cả \d+ phần/);
  });

  it('is checked by the README commands with openssl, jq and xxd alone', () => {
    const dir = path.join(root, 'by-hand');
    mkdirSync(dir, { recursive: true });
    for (const [name, bytes] of Object.entries(entries(s.zip))) {
      mkdirSync(path.join(dir, path.dirname(name)), { recursive: true });
      writeFileSync(path.join(dir, name), bytes);
    }
    writeFileSync(path.join(dir, 'TSA-ROOT.pem'), toPem(s.pki.root.certificate));
    const receipt = receiptFile(s.documentSeqs[0]!);
    const script = `set -e
      jq -cjS '.receipt | del(.hash, .signature) | with_entries(select(.value != null))' ${receipt} | openssl dgst -sha256 -r | cut -d' ' -f1 > computed.txt
      jq -r .receipt.hash ${receipt} > stated.txt
      cmp computed.txt stated.txt
      openssl x509 -in certificates/axis/1.pem -pubkey -noout > axis.pub
      jq -r .receipt.hash ${receipt} | xxd -r -p > hash.bin
      jq -r .receipt.signature ${receipt} | openssl base64 -d -A > sig.bin
      openssl dgst -sha256 -verify axis.pub -signature sig.bin hash.bin
      head -n 3 checkpoints/12.txt > body.txt
      grep '/x509 ' checkpoints/12.txt | cut -d' ' -f3 | openssl base64 -d -A | tail -c +5 > cp.sig
      openssl dgst -sha256 -verify axis.pub -signature cp.sig body.txt
      openssl ts -verify -data body.txt -in checkpoints/12.tst -token_in -CAfile TSA-ROOT.pem -untrusted certificates/tsa/1.pem
      openssl dgst -sha256 -r packages/env_doc1.edxml | cut -d' ' -f1`;
    const out = execFileSync('sh', ['-c', script], { cwd: dir, encoding: 'utf8' });
    expect(out.match(/Verified OK/g)).toHaveLength(2);
    expect(out).toContain('Verification: OK');
    expect(out).toContain(createHash('sha256').update(s.packageBytes).digest('hex'));
  });
});

describe('a bundle that was altered is named as altered', () => {
  const expectAltered = async (zip: Uint8Array, code: string, part?: string) => {
    const verdict = await verifyEvidenceBundle(zip, trust);
    expect(verdict.result).toBe('altered');
    const first = verdict.parts.find((p) => p.status === 'altered')!;
    expect(first).toMatchObject({ code, ...(part ? { part } : {}) });
    expect(verdict.summary.en).toContain(first.part);
    return verdict;
  };

  it('a receipt changed by hand, even with manifest.json updated: RECEIPT_HASH_MISMATCH', async () => {
    const file = receiptFile(s.documentSeqs[1]!);
    const edit = (old: Buffer) => Buffer.from(old.toString('utf8').replace('"delivered"', '"rejected"'));
    await expectAltered(rezip(s.zip, { [file]: edit }), 'RECEIPT_HASH_MISMATCH', file);
    const verdict = await expectAltered(relistInManifest(rezip(s.zip, { [file]: edit }), file), 'RECEIPT_HASH_MISMATCH', file);
    expect(verdict.parts.some((p) => p.code === 'EVIDENCE_FILE_CHANGED')).toBe(false);
  });

  it('a checkpoint whose signature was changed: LEDGER_CHECKPOINT_SIGNATURE_INVALID', async () => {
    const wrongSignature = (old: Buffer) => {
      const lines = old.toString('utf8').split('\n');
      const i = lines.findIndex((l) => l.includes('/x509 '));
      const [dash, name, b64] = lines[i]!.split(' ');
      const sig = Buffer.from(b64!, 'base64');
      sig[sig.length - 5]! ^= 0x10;
      lines[i] = `${dash} ${name} ${sig.toString('base64')}`;
      return Buffer.from(lines.join('\n'));
    };
    await expectAltered(rezip(s.zip, { 'checkpoints/12.txt': wrongSignature }), 'LEDGER_CHECKPOINT_SIGNATURE_INVALID', 'checkpoints/12.txt');
  });

  it('a time-stamp token over another digest: LEDGER_TSA_IMPRINT_MISMATCH', async () => {
    await expectAltered(rezip(s.zip, { 'checkpoints/12.tst': s.checkpoints.get(8)!.token }), 'LEDGER_TSA_IMPRINT_MISMATCH', 'checkpoints/12.tst');
  });

  it('a package changed by one byte: EVIDENCE_PACKAGE_DIGEST_MISMATCH', async () => {
    const edit = (old: Buffer) => Buffer.from(old.toString('utf8').replace('<edXML:Subject>', '<edXML:Subject>X'));
    const verdict = await expectAltered(rezip(s.zip, { 'packages/env_doc1.edxml': edit }), 'EVIDENCE_PACKAGE_DIGEST_MISMATCH', 'packages/env_doc1.edxml');
    expect(verdict.parts.find((p) => p.code === 'EVIDENCE_PACKAGE_DIGEST_MISMATCH')!.vi).toContain('gói tin đã bị sửa');
  });

  it('an inclusion proof with a hash changed: EVIDENCE_INCLUSION_FAILED; one moved to another receipt: EVIDENCE_PROOF_MISPLACED', async () => {
    const proofs = Object.keys(entries(s.zip)).filter((n) => n.startsWith('proofs/')).sort();
    const flipPath = (old: Buffer) => {
      const proof = JSON.parse(old.toString('utf8')) as { auditPath: string[] };
      const h = Buffer.from(proof.auditPath[1]!, 'base64');
      h[0]! ^= 0xff;
      proof.auditPath[1] = h.toString('base64');
      return Buffer.from(JSON.stringify(proof));
    };
    await expectAltered(rezip(s.zip, { [proofs[0]!]: flipPath }), 'EVIDENCE_INCLUSION_FAILED', proofs[0]);
    await expectAltered(rezip(s.zip, { [proofs[0]!]: entries(s.zip)[proofs[1]!]! }), 'EVIDENCE_PROOF_MISPLACED', proofs[0]);
  });

  it('a consistency proof changed: EVIDENCE_CONSISTENCY_FAILED', async () => {
    const edit = (old: Buffer) => {
      const proof = JSON.parse(old.toString('utf8')) as { path: string[] };
      const h = Buffer.from(proof.path[0]!, 'base64');
      h[7]! ^= 0x01;
      proof.path[0] = h.toString('base64');
      return Buffer.from(JSON.stringify(proof));
    };
    await expectAltered(rezip(s.zip, { 'checkpoints/consistency-8-12.json': edit }), 'EVIDENCE_CONSISTENCY_FAILED');
  });

  it('a report changed, a file removed or a file added: named through manifest.json', async () => {
    await expectAltered(rezip(s.zip, { 'reports/env_doc1.json': strToU8('{"signature":{"valid":false}}') }), 'EVIDENCE_FILE_CHANGED', 'reports/env_doc1.json');
    await expectAltered(rezip(s.zip, { 'revocation/1.crl': undefined }), 'EVIDENCE_FILE_MISSING', 'revocation/1.crl');
    await expectAltered(rezip(s.zip, { 'packages/extra.edxml': strToU8('<x/>') }), 'EVIDENCE_FILE_UNLISTED', 'packages/extra.edxml');
  });
});

describe('a bundle that could not be checked says so, and never throws', () => {
  const expectUnchecked = async (zip: Uint8Array, code: string, options: Partial<EvidenceTrust> = {}) => {
    const verdict = await verifyEvidenceBundle(zip, { ...trust, ...options });
    expect(verdict.result).toBe('could-not-check');
    expect(verdict.parts.find((p) => p.status === 'could-not-check')).toMatchObject({ code });
    return verdict;
  };

  it('against trust anchors that do not hold the axis or the TSA roots', async () => {
    const strangerDir = path.join(root, 'stranger');
    await loadAxisIdentity({ dataDir: strangerDir });
    const stranger = await loadTrustAnchors(devTrustDir(strangerDir));
    const verdict = await expectUnchecked(s.zip, 'LEDGER_TSA_UNTRUSTED', { trustAnchors: stranger, tsaTrustAnchors: stranger });
    expect(verdict.parts.filter((p) => p.kind === 'receipt').every((p) => p.code === 'RECEIPT_CHAIN_UNTRUSTED')).toBe(true);
    expect(verdict.parts.filter((p) => p.kind === 'checkpoint').every((p) => p.code === 'LEDGER_CHECKPOINT_UNTRUSTED')).toBe(true);
  });

  it('a corrupt zip: cut short, random bytes, or an entry whose bytes were flipped', async () => {
    await expectUnchecked(s.zip.subarray(0, s.zip.length - 100), 'EVIDENCE_ZIP_CORRUPT');
    await expectUnchecked(Buffer.from('PK\u0003\u0004 definitely not a zip'), 'EVIDENCE_ZIP_CORRUPT');
    const stored = zipSync({ 'manifest.json': strToU8('{"format":"edx-evidence/1"}') }, { level: 0 });
    for (const at of [45, 40]) { // a content byte (CRC-32), a byte of the local header's name
      const flipped = Buffer.from(stored);
      flipped[at]! ^= 0x01;
      const verdict = await expectUnchecked(flipped, 'EVIDENCE_ZIP_CORRUPT');
      expect(verdict.summary.vi).toMatch(/zip hỏng/);
    }
  });

  it('a zip bomb: a huge entry, too many entries, or an entry that lies about its size', async () => {
    await expectUnchecked(zipSync({ 'packages/bomb.edxml': new Uint8Array(50 * 1024 * 1024) }, { level: 9 }), 'EVIDENCE_ZIP_TOO_LARGE');
    const many: Record<string, Uint8Array> = {};
    for (let i = 0; i < 10_001; i += 1) many[`receipts/${i}.json`] = new Uint8Array(1);
    await expectUnchecked(zipSync(many, { level: 0 }), 'EVIDENCE_ZIP_TOO_LARGE');
    // An entry that declares 1 KiB in the central directory but inflates to 2 MiB.
    const liar = Buffer.from(zipSync({ 'manifest.json': new Uint8Array(2 * 1024 * 1024) }, { level: 9 }));
    const cd = liar.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    liar.writeUInt32LE(1024, cd + 24);
    await expectUnchecked(liar, 'EVIDENCE_ZIP_TOO_LARGE');
    await expectUnchecked(s.zip, 'EVIDENCE_ZIP_TOO_LARGE', { limits: { maxTotalBytes: 10_000 } });
  });

  it('entry names that leave the bundle: "../", absolute, backslashes, drive letters', async () => {
    for (const name of ['../evil.sh', 'receipts/../../evil.sh', '/etc/passwd', 'receipts\\..\\evil', 'C:/evil', 'a/./b']) {
      const verdict = await expectUnchecked(zipSync({ [name]: strToU8('x'), 'manifest.json': strToU8('{}') }), 'EVIDENCE_ZIP_UNSAFE_NAME');
      expect(verdict.summary.vi).toContain('trỏ ra ngoài');
    }
  });

  it('a zip without a manifest, or with a manifest of another format', async () => {
    await expectUnchecked(zipSync({ 'hello.txt': strToU8('hi') }), 'EVIDENCE_MANIFEST_INVALID');
    await expectUnchecked(rezip(s.zip, { 'manifest.json': strToU8('{"format":"other/1"}') }), 'EVIDENCE_MANIFEST_INVALID');
  });
});
