import { randomBytes } from 'node:crypto';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { AttachmentError, attachmentFiles, buildDocumentPackage, openAttachments, parsePackage, type AttachmentLimits, type DocumentPackageInput, type EdocPackage } from '../../src/edxml/index.js';
import { handZip, type ZipEntrySpec } from './zip-fixtures.js';

const PDF = Buffer.from('%PDF-1.4\n% văn bản\n%%EOF\n');

function packageWith(attachments: DocumentPackageInput['attachments']): EdocPackage {
  return parsePackage(buildDocumentPackage({
    from: { organId: '000.00.00.H40', organName: 'UBND tỉnh Hà Nam' },
    to: [{ organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' }],
    code: { codeNumber: '12', codeNotation: 'UBND-VP' },
    subject: 'Công văn có tệp đính kèm',
    attachments,
  })) as EdocPackage;
}

/** The refusal the attachments of a package get, with the attachment and the file it names. */
function refusal(attachments: DocumentPackageInput['attachments'], limits?: Partial<AttachmentLimits>): { code: string; contentId?: string; entry?: string; message: string } {
  try {
    openAttachments(packageWith(attachments).attachments, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(AttachmentError);
    const e = error as AttachmentError;
    return { code: e.code, message: e.message, ...(e.details?.['contentId'] ? { contentId: e.details['contentId'] as string } : {}), ...(e.entry ? { entry: e.entry } : {}) };
  }
  throw new Error('the attachments were accepted');
}

const zipped = (name: string, specs: ZipEntrySpec[], options?: Parameters<typeof handZip>[1]) => [{ name, bytes: handZip(specs, options), zip: false, contentType: 'application/zip', contentId: 'cid:hostile' }];

describe('opening a package\'s attachments', () => {
  it('unzips each file the SDK zipped, and hands a plain attachment on as it is', () => {
    const files = openAttachments(packageWith([
      { name: 'cong-van.pdf', bytes: PDF, contentId: 'cid:1' },
      { name: 'ghi-chu.txt', bytes: Buffer.from('ghi chú'), zip: false, contentType: 'text/plain', contentId: 'cid:2' },
    ]).attachments);
    expect(files.map((f) => ({ contentId: f.contentId, name: f.name, zipped: f.zipped, text: Buffer.from(f.bytes).toString('utf8') }))).toEqual([
      { contentId: 'cid:1', name: 'cong-van.pdf', zipped: true, text: PDF.toString('utf8') },
      { contentId: 'cid:2', name: 'ghi-chu.txt', zipped: false, text: 'ghi chú' },
    ]);
  });

  it('opens a zip of several files and the zip inside it, naming each file by its path', () => {
    const inner = zipSync({ 'phu-luc.pdf': PDF });
    const outer = zipSync({ 'van-ban.pdf': PDF, 'ho-so/': new Uint8Array(0), 'ho-so/kem-theo.zip': inner });
    const files = openAttachments(packageWith([{ name: 'ho-so.zip', bytes: outer, zip: false, contentType: 'application/zip' }]).attachments);
    expect(files.map((f) => f.name).sort()).toEqual(['ho-so/kem-theo.zip/phu-luc.pdf', 'van-ban.pdf']);
  });

  it('hands a Word document (a zip itself) on without opening it', () => {
    const docx = zipSync({ '[Content_Types].xml': Buffer.from('<Types/>'), 'word/document.xml': Buffer.from('<w:document/>') });
    const files = openAttachments(packageWith([{ name: 'to-trinh.docx', bytes: docx, zip: false, contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }]).attachments);
    expect(files).toHaveLength(1);
    expect(Buffer.from(files[0]!.bytes).equals(Buffer.from(docx))).toBe(true);
  });

  it('gives files one at a time, so a refusal comes before the files after it are inflated', () => {
    const pkg = packageWith([
      { name: 'a.pdf', bytes: PDF, contentId: 'cid:a' },
      { name: 'bomb.zip', bytes: handZip([{ name: 'zeros.bin', data: new Uint8Array(20 * 1024 * 1024) }]), zip: false, contentType: 'application/zip', contentId: 'cid:bomb' },
    ]);
    const files = attachmentFiles(pkg.attachments);
    expect(files.next().value).toMatchObject({ name: 'a.pdf' });
    expect(() => files.next()).toThrow(/zip bomb|more than 100x/);
  });
});

describe('hostile zips are refused with a code that names the attachment and the file', () => {
  it('a zip bomb that declares its size: refused before inflating (ratio)', () => {
    const r = refusal(zipped('bomb.zip', [{ name: 'zeros.bin', data: new Uint8Array(50 * 1024 * 1024) }]));
    expect(r).toMatchObject({ code: 'EDXML_ATTACHMENT_ZIP_RATIO', contentId: 'cid:hostile', entry: 'zeros.bin' });
    expect(r.message).toMatch(/declares 52428800 bytes/);
  });

  it('a zip bomb that lies about its size: zlib stops it at the size it declared', () => {
    const r = refusal(zipped('bomb.zip', [{ name: 'van-ban.pdf', data: new Uint8Array(50 * 1024 * 1024), size: 4096, crc: 0 }]));
    expect(r).toMatchObject({ code: 'EDXML_ATTACHMENT_ZIP_MALFORMED', entry: 'van-ban.pdf' });
    expect(r.message).toMatch(/more than the 4096 bytes it declares/);
  });

  it('more than the package may hold once inflated: EDXML_ATTACHMENT_TOO_LARGE', () => {
    const r = refusal(zipped('ho-so.zip', [{ name: 'a.bin', data: randomBytes(300_000) }, { name: 'b.bin', data: randomBytes(300_000) }]), { maxTotalBytes: 500_000 });
    expect(r.code).toBe('EDXML_ATTACHMENT_TOO_LARGE');
    const plain = refusal([{ name: 'a.pdf', bytes: randomBytes(300_000), zip: false }, { name: 'b.pdf', bytes: randomBytes(300_000), zip: false }], { maxTotalBytes: 500_000 });
    expect(plain.code).toBe('EDXML_ATTACHMENT_TOO_LARGE');
  });

  it('too many files, judged on the count the directory declares before any is read', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from(String(i)) }));
    expect(refusal(zipped('many.zip', many), { maxEntries: 20 }).code).toBe('EDXML_ATTACHMENT_ZIP_TOO_MANY_ENTRIES');
    expect(refusal(zipped('liar.zip', [{ name: 'a.txt', data: Buffer.from('a') }], { declaredCount: 65_000 })).code).toBe('EDXML_ATTACHMENT_ZIP_TOO_MANY_ENTRIES');
  });

  it('zips nested deeper than the limit (a zip quine never ends): EDXML_ATTACHMENT_ZIP_TOO_DEEP', () => {
    let nested: Uint8Array = zipSync({ 'van-ban.pdf': PDF });
    for (let i = 0; i < 4; i++) nested = zipSync({ [`level${i}.zip`]: nested });
    const r = refusal([{ name: 'ho-so.zip', bytes: nested, zip: false, contentType: 'application/zip', contentId: 'cid:deep' }]);
    expect(r).toMatchObject({ code: 'EDXML_ATTACHMENT_ZIP_TOO_DEEP', contentId: 'cid:deep', entry: 'level3.zip/level2.zip/level1.zip' });
  });

  it.each([
    ['../../etc/cron.d/x', /climbs out/],
    ['ho-so/../../x.pdf', /climbs out/],
    ['/etc/passwd', /absolute/],
    ['C:/Windows/x.dll', /drive letter/],
    ['..\\..\\x.pdf', /backslash/],
    ['a\u0000.pdf', /control character/],
    ['a\nb.pdf', /control character/],
    [`${'a'.repeat(300)}.pdf`, /longer than 255/],
    [`${'thu-muc/'.repeat(80)}x.pdf`, /bytes long/],
  ])('the unsafe name %j: EDXML_ATTACHMENT_ZIP_ENTRY_NAME', (name, why) => {
    const r = refusal(zipped('x.zip', [{ name, data: PDF }]));
    expect(r.code).toBe('EDXML_ATTACHMENT_ZIP_ENTRY_NAME');
    expect(r.message).toMatch(why);
  });

  it('two files of the same name: EDXML_ATTACHMENT_ZIP_ENTRY_NAME', () => {
    expect(refusal(zipped('x.zip', [{ name: 'a.pdf', data: PDF }, { name: 'a.pdf', data: PDF }])).code).toBe('EDXML_ATTACHMENT_ZIP_ENTRY_NAME');
  });

  it.each([
    ['encrypted', { flags: 0x801 }, /encrypted/],
    ['bzip2', { method: 12, raw: Buffer.from('BZh9') }, /method 12/],
  ])('an %s file: EDXML_ATTACHMENT_ZIP_UNSUPPORTED', (_, spec, why) => {
    const r = refusal(zipped('x.zip', [{ name: 'a.pdf', data: PDF, ...spec }]));
    expect(r.code).toBe('EDXML_ATTACHMENT_ZIP_UNSUPPORTED');
    expect(r.message).toMatch(why);
  });

  it('a ZIP64 archive: EDXML_ATTACHMENT_ZIP_UNSUPPORTED', () => {
    expect(refusal(zipped('x.zip', [{ name: 'a.pdf', data: PDF }], { zip64Locator: true })).code).toBe('EDXML_ATTACHMENT_ZIP_UNSUPPORTED');
  });

  it.each([
    ['a wrong CRC-32', [{ name: 'a.pdf', data: PDF, crc: 1234 }], /CRC-32/],
    ['damaged deflate data', [{ name: 'a.pdf', data: PDF, raw: Buffer.from([0xff, 0xff, 0xff, 0xff]) }], /damaged/],
    ['a local header naming another file', [{ name: 'a.pdf', data: PDF, localName: 'b.pdf' }], /disagree/],
    ['a central entry pointing at another file\'s header', [{ name: 'a.pdf', data: PDF }, { name: 'b.pdf', data: PDF, localOffsetOf: 0 }], /disagree/],
    ['a file shorter than declared', [{ name: 'a.pdf', data: PDF, size: PDF.length + 10 }], /holds \d+ bytes/],
  ])('%s: EDXML_ATTACHMENT_ZIP_MALFORMED', (_, specs, why) => {
    const r = refusal(zipped('x.zip', specs as ZipEntrySpec[]));
    expect(r.code).toBe('EDXML_ATTACHMENT_ZIP_MALFORMED');
    expect(r.message).toMatch(why);
  });

  it('two files sharing bytes (how the densest zip bombs reuse one kernel): EDXML_ATTACHMENT_ZIP_MALFORMED', () => {
    const inner = handZip([{ name: 'b.pdf', data: PDF }]);
    const innerLocal = inner.subarray(0, inner.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])));
    // a.pdf is stored and its bytes hold b.pdf's local header and data: b.pdf's directory entry points inside a.pdf.
    const r = refusal(zipped('x.zip', [{ name: 'a.pdf', data: innerLocal, method: 0 }, { name: 'b.pdf', data: PDF, localOffset: 30 + 'a.pdf'.length }]));
    expect(r.code).toBe('EDXML_ATTACHMENT_ZIP_MALFORMED');
    expect(r.message).toMatch(/overlaps "a.pdf"/);
  });

  it('a truncated zip: EDXML_ATTACHMENT_ZIP_MALFORMED', () => {
    const whole = zipSync({ 'a.pdf': PDF });
    expect(refusal([{ name: 'a.zip', bytes: whole.subarray(0, whole.length - 30), zip: false, contentType: 'application/zip' }]).code).toBe('EDXML_ATTACHMENT_ZIP_MALFORMED');
  });
});
