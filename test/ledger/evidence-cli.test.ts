/**
 * `edx evidence verify FILE.zip --trust DIR [--json]`, spawned as an archivist runs it (build first: the test runs
 * bin/edx.js): plain words in Vietnamese and English, exit 0 valid, 1 altered naming the part, 2 could not check.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toPem } from '../../src/pki/test-pki/index.js';
import { buildEvidenceBundle, devTrustDir } from '../../src/ledger/index.js';
import { evidenceScenario, rezip, type EvidenceScenario } from './evidence-fixture.js';

const root = mkdtempSync(path.join(tmpdir(), 'edx-evidence-cli-'));
let s: EvidenceScenario;
let trust: string;

beforeAll(async () => {
  s = await evidenceScenario(path.join(root, 'data'));
  // The axis's development root and the test PKI's root (the TSA's), as an archivist would gather them.
  trust = devTrustDir(path.join(root, 'data'));
  writeFileSync(path.join(trust, 'tsa-root.pem'), toPem(s.pki.root.certificate));
});
afterAll(async () => {
  await s?.server.close();
  rmSync(root, { recursive: true, force: true });
});

function verify(zip: Uint8Array | Buffer, ...extra: string[]) {
  const file = path.join(root, `bundle-${Math.random().toString(36).slice(2)}.zip`);
  writeFileSync(file, zip);
  const run = spawnSync(process.execPath, ['bin/edx.js', 'evidence', 'verify', file, '--trust', trust, ...extra], { encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('edx evidence verify', () => {
  it('exits 0 for a bundle whose every receipt a time-stamped checkpoint covers, and explains each part', () => {
    const covered = buildEvidenceBundle({ ...s.input, receipts: s.input.receipts.filter((r) => r.proof) });
    const run = verify(covered);
    expect(run.stdout).toMatch(/^HỢP LỆ: cả \d+ phần/);
    expect(run.stdout).toMatch(/^VALID: all \d+ parts/m);
    expect(run.stdout).toMatch(/^OK {6}receipts\/\d{8}-r-\d+\.json \(RECEIPT_OK\)$/m);
    expect(run.status).toBe(0);
    const json = verify(covered, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ result: 'valid' });
    expect(json.status).toBe(0);
  });

  it('exits 2 while a receipt waits for its checkpoint, and names it', () => {
    const run = verify(s.zip);
    expect(run.stdout).toMatch(/^CHƯA KIỂM TRA ĐƯỢC: /);
    expect(run.stdout).toContain('EVIDENCE_NO_PROOF');
    expect(run.status).toBe(2);
  });

  it('exits 1 for an altered package, naming it, and 2 for what is not a bundle or trust that cannot be read', () => {
    const edit = (old: Buffer) => Buffer.from(old.toString('utf8').replace('<', '< '));
    const altered = verify(rezip(s.zip, { 'packages/env_doc1.edxml': edit }), '--json');
    expect(JSON.parse(altered.stdout)).toMatchObject({ result: 'altered', summary: { en: expect.stringMatching(/^ALTERED: packages\/env_doc1\.edxml/) } });
    expect(altered.status).toBe(1);

    const garbage = verify(Buffer.from('PK\u0003\u0004 not really a zip'));
    expect(garbage.stdout).toContain('EVIDENCE_ZIP_CORRUPT');
    expect(garbage.status).toBe(2);
    const run = spawnSync(process.execPath, ['bin/edx.js', 'evidence', 'verify', path.join(root, 'missing.zip'), '--trust', trust], { encoding: 'utf8' });
    expect(run.stdout).toContain('EVIDENCE_FILE_UNREADABLE');
    expect(run.status).toBe(2);
    const noTrust = spawnSync(process.execPath, ['bin/edx.js', 'evidence', 'verify', path.join(root, 'missing.zip'), '--trust', path.join(root, 'nowhere')], { encoding: 'utf8' });
    expect(noTrust.status).toBe(2);
  });
});
