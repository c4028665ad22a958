/**
 * `edx ledger verify` against a real axis's data directory (embedded store), spawned as an operator runs it: intact,
 * then a receipt, a package kept in the database, a package kept as a file, a checkpoint's time-stamp and the chain's
 * end edited behind the service's back, each named by id and seq (or size), and put back.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocumentPackage } from '../../src/edxml/index.js';
import { receiptHash, type SignedReceipt } from '../../src/ledger/index.js';
import type { ReceiptRecord } from '../../src/exchange/model/index.js';
import { signPackage } from '../../src/signature/xmldsig/index.js';
import { waitFor } from '../support/wait-for.js';
import { H40, ORIGIN, S12, startEvidenceAxis } from './evidence-fixture.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'edx-ledger-verify-'));
const env = { DATA_DIR: dataDir, LEDGER_ORIGIN: ORIGIN };
const sent: { packageId: string; receipt: SignedReceipt }[] = [];
let largeSha = '';

function verify() {
  const run = spawnSync(process.execPath, ['bin/edx.js', 'ledger', 'verify'], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', ...env } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Runs `edit` on the data directory's database, then puts the rows back as they were. */
function tampered<T>(edit: (db: Database.Database) => void, check: () => T): T {
  const db = new Database(path.join(dataDir, 'axis.sqlite'));
  db.exec('BEGIN');
  const snapshot = {
    receipts: db.prepare('SELECT * FROM receipts').all(),
    inline: db.prepare('SELECT * FROM inline_packages').all(),
    checkpoints: db.prepare('SELECT * FROM checkpoints').all(),
    parties: db.prepare('SELECT * FROM receipt_parties').all(),
  };
  db.exec('COMMIT');
  edit(db);
  try {
    return check();
  } finally {
    db.exec('BEGIN');
    db.exec('DELETE FROM receipt_parties; DELETE FROM receipts; DELETE FROM inline_packages; DELETE FROM checkpoints;');
    // Generated columns (receipts.at, read from the body) are not written back.
    const generated = new Set(['receipts.at']);
    const put = (table: string, rows: unknown[]) => {
      for (const row of rows as Record<string, unknown>[]) {
        const columns = Object.keys(row).filter((c) => !generated.has(`${table}.${c}`));
        db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(...columns.map((c) => row[c]));
      }
    };
    put('receipts', snapshot.receipts);
    put('receipt_parties', snapshot.parties);
    put('inline_packages', snapshot.inline);
    put('checkpoints', snapshot.checkpoints);
    db.exec('COMMIT');
    db.close();
  }
}

beforeAll(async () => {
  const a = await startEvidenceAxis({}, { dataDir });
  const ledger = a.axis.services.store.ledger;
  const stampedAt = (size: number) => waitFor(async () => {
    expect(await ledger.chainLength()).toBe(size);
    expect((await ledger.latestTimestampedCheckpoint())?.treeSize).toBe(size);
  });
  try {
    for (let i = 0; i < 3; i += 1) {
      const reply = await a.clients.h40.sendPackage<{ packageId: string; receipt: SignedReceipt }>(await a.document('h40', S12));
      sent.push(reply.body);
    }
    await stampedAt(3);
    // One package past 1 MiB: the embedded store keeps it as a file of its own.
    const large = await signPackage(buildDocumentPackage({
      from: { organId: H40, organName: 'UBND tỉnh Hà Nam' }, to: [{ organId: S12, organName: 'Sở Tài chính tỉnh Hà Nam' }],
      code: { codeNumber: '99', codeNotation: 'UBND-VP' }, subject: 'V/v hồ sơ lớn',
      attachments: [{ name: 'ho-so.bin', bytes: randomBytes(900 * 1024) }],
    }), a.demo.signerOf(a.demo.pki.identities['agency-rsa']));
    const reply = await a.clients.h40.sendPackage<{ packageId: string; receipt: SignedReceipt }>(large);
    sent.push(reply.body);
    largeSha = reply.body.receipt.receipt.subjectSha256;
    await a.clients.s12.fetchPackage(sent[0]!.packageId);
    // The fetched receipt is sealed as the last bytes go out: wait for it and for the checkpoint over all five.
    await stampedAt(5);
  } finally {
    await a.stop();
  }
});

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('edx ledger verify', () => {
  it('exits 0 on the intact log: every receipt, checkpoint and package', () => {
    const run = verify();
    expect(run.stderr).toMatch(/edx: intact: 5 receipts, [1-9]\d* checkpoints, 4 packages \(0 removed by retention\)/);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, receipts: 5, packages: 4 });
    expect(run.status).toBe(0);
  });

  it('names a receipt edited in the database by id and seq', () => {
    const target = sent[1]!.receipt.receipt;
    const run = tampered((db) => {
      const body = JSON.parse((db.prepare('SELECT body FROM receipts WHERE seq = ?').get(target.seq) as { body: string }).body) as Record<string, unknown>;
      db.prepare('UPDATE receipts SET body = ? WHERE seq = ?').run(JSON.stringify({ ...body, at: '2020-01-01T00:00:00.000Z' }), target.seq);
    }, verify);
    expect(run.stderr).toContain(`NOT INTACT: receipt ${target.id} (#${target.seq}): RECEIPT_HASH_MISMATCH`);
    expect(run.status).toBe(1);
  });

  it('names a receipt changed and re-hashed to fit: its signature no longer holds', () => {
    const target = sent[2]!.receipt.receipt;
    const run = tampered((db) => {
      const body = JSON.parse((db.prepare('SELECT body FROM receipts WHERE seq = ?').get(target.seq) as { body: string }).body) as ReceiptRecord;
      const forged = { ...body, parties: [H40] };
      forged.hash = receiptHash(forged);
      db.prepare('UPDATE receipts SET body = ?, hash = ? WHERE seq = ?').run(JSON.stringify(forged), forged.hash, target.seq);
    }, verify);
    expect(run.stderr).toContain(`NOT INTACT: receipt ${target.id} (#${target.seq}): RECEIPT_SIGNATURE_INVALID`);
    expect(run.status).toBe(1);
  });

  it('names a package edited in the database, and one edited in its blob file, by envelope and receipt', () => {
    const small = sent[0]!;
    const run = tampered((db) => {
      const { bytes } = db.prepare('SELECT bytes FROM inline_packages WHERE key = ?').get(small.receipt.receipt.subjectSha256) as { bytes: Buffer };
      db.prepare('UPDATE inline_packages SET bytes = ? WHERE key = ?').run(Buffer.from(bytes.toString('utf8').replace('V/v', 'V/V')), small.receipt.receipt.subjectSha256);
    }, verify);
    expect(run.stderr).toContain(`NOT INTACT: package of envelope ${small.packageId} (receipt ${small.receipt.receipt.id}, #${small.receipt.receipt.seq}): LEDGER_PACKAGE_DIGEST_MISMATCH`);
    expect(run.status).toBe(1);

    const large = sent[3]!;
    const file = path.join(dataDir, 'blobs', largeSha.slice(0, 2), largeSha.slice(2, 4), largeSha);
    const original = readFileSync(file);
    chmodSync(file, 0o600);
    writeFileSync(file, Buffer.concat([original.subarray(0, 1000), Buffer.from('X'), original.subarray(1001)]));
    try {
      const onFile = verify();
      expect(onFile.stderr).toContain(`NOT INTACT: package of envelope ${large.packageId} (receipt ${large.receipt.receipt.id}, #${large.receipt.receipt.seq}): LEDGER_PACKAGE_DIGEST_MISMATCH`);
      expect(onFile.status).toBe(1);
    } finally {
      writeFileSync(file, original);
    }
    expect(verify().status).toBe(0);
  });

  it('names a checkpoint whose time-stamp token was swapped, and one whose signed root was changed', () => {
    const swapped = tampered((db) => {
      const rows = db.prepare('SELECT tree_size, token FROM checkpoints WHERE token IS NOT NULL ORDER BY tree_size').all() as { tree_size: number; token: string }[];
      const [older, newer] = [rows[0]!, rows.at(-1)!];
      if (older.tree_size === newer.tree_size) throw new Error('the test needs two time-stamped checkpoints');
      db.prepare('UPDATE checkpoints SET token = ? WHERE tree_size = ?').run(older.token, newer.tree_size);
      return newer.tree_size;
    }, () => ({ run: verify() }));
    expect(swapped.run.stderr).toMatch(/NOT INTACT: checkpoint of \d+ receipts: LEDGER_TSA_IMPRINT_MISMATCH/);
    expect(swapped.run.status).toBe(1);

    const forged = tampered((db) => {
      const row = db.prepare('SELECT tree_size, note FROM checkpoints ORDER BY tree_size DESC LIMIT 1').get() as { tree_size: number; note: string };
      const lines = row.note.split('\n');
      lines[2] = Buffer.alloc(32, 7).toString('base64');
      db.prepare('UPDATE checkpoints SET note = ?, root = ? WHERE tree_size = ?').run(lines.join('\n'), lines[2], row.tree_size);
    }, verify);
    expect(forged.stderr).toMatch(/NOT INTACT: checkpoint of 5 receipts: LEDGER_ROOT_MISMATCH/);
    expect(forged.status).toBe(1);
  });

  it('names receipts removed from the chain\'s end after a checkpoint covered them', () => {
    const run = tampered((db) => {
      db.exec('DELETE FROM receipt_parties WHERE seq = 5; DELETE FROM receipts WHERE seq = 5;');
    }, verify);
    expect(run.stderr).toMatch(/NOT INTACT: checkpoint of 5 receipts: LEDGER_CHAIN_TRUNCATED/);
    expect(run.status).toBe(1);
    expect(verify().status).toBe(0);
  });

  it('exits 2 when it cannot run (trust anchors that cannot be read)', () => {
    const run = spawnSync(process.execPath, ['bin/edx.js', 'ledger', 'verify', '--trust', path.join(dataDir, 'nowhere')], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', ...env } });
    expect(run.stderr).toMatch(/^edx: could not verify the ledger: /);
    expect(run.status).toBe(2);
  });
});
