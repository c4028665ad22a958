import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The CLI runs from dist/ (`npm run build`, which the README's test command does first).
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(ROOT, 'test/fixtures/edxml');
let dir: string;

function edx(...args: string[]): { code: number | null; stdout: string; stderr: string; lines: Record<string, unknown>[] } {
  const run = spawnSync(process.execPath, [join(ROOT, 'bin/edx.js'), ...args], { encoding: 'utf8', cwd: dir });
  const lines = run.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, lines };
}

beforeAll(() => {
  expect(existsSync(join(ROOT, 'dist/src/cli/edx.js')), 'run `npx tsc -p tsconfig.json` first').toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'edx-cli-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('edx validate', () => {
  it('prints one JSON line per file, in order, and exits 1 when any is invalid', () => {
    const files = ['edoc_new.edxml', 'edoc_new_clean.edxml', 'status_finish_06.edxml'].map((f) => join(FIXTURES, f));
    const run = edx('validate', ...files);
    expect(run.code).toBe(1);
    expect(run.lines).toEqual([
      { file: files[0], ok: false, code: 'EDXML_NOT_WELL_FORMED', message: expect.stringContaining('1212') },
      { file: files[1], ok: true, kind: 'edoc', warnings: [expect.objectContaining({ code: 'EDXML_WARN_ORGAN_ID_NOT_CLASSIC' })] },
      { file: files[2], ok: true, kind: 'status', warnings: [] },
    ]);
  });

  it('exits 0 when every file is valid', () => {
    const run = edx('validate', join(FIXTURES, 'edoc_update.edxml'), join(FIXTURES, 'status.edxml'));
    expect(run.code).toBe(0);
    expect(run.lines.map((l) => l.ok)).toEqual([true, true]);
  });

  it('takes the SDK\'s own sample in the field profile (the default) with a warning per deviation; --strict refuses it', () => {
    const file = join(FIXTURES, 'edoc.edxml');
    const field = edx('validate', file);
    expect(field.code).toBe(0);
    expect(field.lines).toEqual([{ file, ok: true, kind: 'edoc', warnings: expect.arrayContaining([expect.objectContaining({ code: 'EDXML_WARN_XLINK_PREFIX_UNDECLARED', line: 116 }), expect.objectContaining({ code: 'EDXML_WARN_EDXML_PREFIX_UNDECLARED', line: 125 }), expect.objectContaining({ code: 'EDXML_WARN_ATTACHMENT_NOT_BASE64' })]) }]);
    const strict = edx('validate', '--strict', file, join(FIXTURES, 'edoc_update.edxml'));
    expect(strict.code).toBe(1);
    expect(strict.lines).toEqual([
      { file, ok: false, code: 'EDXML_NAMESPACE_ERROR', message: expect.stringContaining('line 116') },
      { file: join(FIXTURES, 'edoc_update.edxml'), ok: true, kind: 'edoc', warnings: [] },
    ]);
  });

  it('refuses edoc_new.edxml in both profiles', () => {
    for (const args of [[], ['--strict']]) {
      const run = edx('validate', ...args, join(FIXTURES, 'edoc_new.edxml'));
      expect(run.code).toBe(1);
      expect(run.lines).toEqual([expect.objectContaining({ ok: false, code: 'EDXML_NOT_WELL_FORMED' })]);
    }
  });

  it('reports a file that cannot be read without stopping the others', () => {
    const run = edx('validate', join(dir, 'missing.edxml'), join(FIXTURES, 'status.edxml'));
    expect(run.code).toBe(1);
    expect(run.lines[0]).toMatchObject({ ok: false, code: 'EDXML_FILE_UNREADABLE' });
    expect(run.lines[1]).toMatchObject({ ok: true, kind: 'status' });
  });
});

describe('edx inspect', () => {
  it('prints the document as one JSON object with the contract fields', () => {
    const run = edx('inspect', join(FIXTURES, 'edoc_revocation.edxml'));
    expect(run.code).toBe(0);
    expect(run.lines).toHaveLength(1);
    expect(run.lines[0]).toEqual({
      kind: 'edoc',
      from: { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' },
      to: [
        { organId: '000.00.00.H41', organName: 'UBND Tỉnh Nghệ An' },
        { organId: '000.00.00.H14', organName: 'UBND Tỉnh Cao Bằng' },
        { organId: '000.00.00.G17', organName: 'Sở Thông tin truyền thông Hải Phòng' },
      ],
      documentId: '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT',
      code: { number: '7816', notation: 'VPCP-TTĐT' },
      promulgation: { place: 'Hà Nội', date: '2018/09/28' },
      documentType: { type: '1', typeDetail: '0', typeName: 'Công văn' },
      subject: 'V/v kết nối, liên thông phần mềm quản lý văn bản',
      priority: 0,
      businessType: 1,
      responseFor: [{ organId: '000.00.00.H14', code: '267/VPCP-TTĐT', documentId: '000.00.04.G14,2012/08/06,267/VPCP-TTĐT', promulgationDate: '2018/09/28' }],
      statusCode: null,
      description: null,
      timestamp: null,
      attachments: [{ contentId: 'cid:209', name: '1896_QD-TTg_m_294779.doc', contentType: 'application/zip', description: '1896_QD-TTg_m_294779.doc', size: 270823 }],
      signature: { present: true, signatureAlgorithm: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', namespaceUri: 'http://www.mic.gov.vn/TBT/QCVN_102_2016' },
    });
  });

  it('prints a status package with its code, description and time', () => {
    const run = edx('inspect', join(FIXTURES, 'status_inbox_01.edxml'));
    expect(run.lines[0]).toMatchObject({ kind: 'status', statusCode: '01', to: [], attachments: [], signature: { present: false }, timestamp: expect.stringMatching(/^\d{4}\/\d{2}\/\d{2} /) });
  });

  it('fails with exit 1 and a coded JSON error on stderr', () => {
    const run = edx('inspect', join(FIXTURES, 'edoc_new.edxml'));
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stderr.trim())).toMatchObject({ ok: false, code: 'EDXML_NOT_WELL_FORMED' });
  });
});

describe('edx build, build-status and extract', () => {
  it('builds a valid document package from flags, and extract gives back the attached files', () => {
    writeFileSync(join(dir, 'công văn.txt'), 'nội dung văn bản');
    writeFileSync(join(dir, 'phu-luc.bin'), Buffer.from([0, 1, 2, 3, 255]));
    const built = edx('build', '--from', '000.00.00.G22', '--to', '000.00.00.H41', '--to', '000.00.00.H14', '--code', '12/VPCP-TTĐT', '--subject', 'Thử nghiệm', '--date', '2026/01/05', '--attachment', 'công văn.txt', '--attachment', 'phu-luc.bin', '--out', 'doc.edxml');
    expect(built.code).toBe(0);
    expect(built.lines[0]).toMatchObject({ file: 'doc.edxml', ok: true, kind: 'edoc', documentId: '000.00.00.G22,2026/01/05,12/VPCP-TTĐT' });
    expect(edx('validate', 'doc.edxml').lines[0]).toMatchObject({ ok: true, kind: 'edoc', warnings: [] });
    const info = edx('inspect', 'doc.edxml').lines[0]!;
    expect(info).toMatchObject({ to: [{ organId: '000.00.00.H41' }, { organId: '000.00.00.H14' }], businessType: 0, subject: 'Thử nghiệm' });
    const extracted = edx('extract', 'doc.edxml', '--out', 'out');
    expect(extracted.code).toBe(0);
    expect(extracted.lines.map((l) => [l.file, l.unzipped])).toEqual([[join('out', 'công văn.txt'), true], [join('out', 'phu-luc.bin'), true]]);
    expect(readFileSync(join(dir, 'out', 'công văn.txt'), 'utf8')).toBe('nội dung văn bản');
    expect(readFileSync(join(dir, 'out', 'phu-luc.bin'))).toEqual(Buffer.from([0, 1, 2, 3, 255]));
  });

  it('builds a replacement pointing at its original', () => {
    const run = edx('build', '--from', '000.00.00.G22', '--to', '000.00.00.H41', '--code', '13/VPCP', '--subject', 'Thay thế', '--business-type', '3', '--response-for', '000.00.00.G22,2026/01/05,12/VPCP-TTĐT', '--out', 'replace.edxml');
    expect(run.code).toBe(0);
    expect(edx('inspect', 'replace.edxml').lines[0]).toMatchObject({ businessType: 3 });
  });

  it('refuses a revocation without --response-for', () => {
    const run = edx('build', '--from', '000.00.00.G22', '--to', '000.00.00.H41', '--code', '14/VPCP', '--subject', 'Thu hồi', '--business-type', '1', '--out', 'revoke.edxml');
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stderr.trim())).toMatchObject({ ok: false, code: 'EDXML_RULE_MISSING_ORIGINAL' });
    expect(existsSync(join(dir, 'revoke.edxml'))).toBe(false);
  });

  it('builds a status package', () => {
    const run = edx('build-status', '--from', '000.00.00.H41', '--response-for', '000.00.00.G22,2026/01/05,12/VPCP-TTĐT', '--status-code', '03', '--description', 'Đã tiếp nhận', '--out', 'status.edxml');
    expect(run.code).toBe(0);
    expect(edx('validate', 'status.edxml').lines[0]).toMatchObject({ ok: true, kind: 'status' });
    expect(edx('inspect', 'status.edxml').lines[0]).toMatchObject({ statusCode: '03', description: 'Đã tiếp nhận', responseFor: [{ documentId: '000.00.00.G22,2026/01/05,12/VPCP-TTĐT' }] });
  });

  it('extracts the SDK sample attachment, unzipped under its AttachmentName', () => {
    const run = edx('extract', join(FIXTURES, 'edoc_new_clean.edxml'), '--out', 'sample-out');
    expect(run.lines).toEqual([{ contentId: 'cid:209', file: join('sample-out', '1896_QD-TTg_m_294779.doc'), size: expect.any(Number), unzipped: true }]);
    expect(readFileSync(join(dir, 'sample-out', '1896_QD-TTg_m_294779.doc')).length).toBe(run.lines[0]!.size);
  });
});
