/**
 * The CMS in /Contents is followed by the placeholder's zero padding. Where the CMS ends is read from its own DER
 * length, never by stripping trailing zeros: a signature value ends in 0x00 once in 256 signatures, and that made the
 * verifier call a good signature PDF_CMS_MALFORMED (seen as a flaky test before this).
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPadesSignedData } from '../../src/signature/pdf/cms-signed-data-builder.js';
import { isCmsFailure, parseCms } from '../../src/signature/pdf/cms-signed-data-reader.js';
import { openPdfTestPki, type PdfTestPki } from '../fixtures/pdf/pdf-test-pki.js';

let pki: PdfTestPki;
beforeAll(async () => {
  pki = await openPdfTestPki();
});

const padded = (cms: Buffer, zeros: number) => Buffer.concat([cms, Buffer.alloc(zeros)]);

describe('reading the CMS out of its zero-padded placeholder', () => {
  it('a CMS whose last byte is 0x00 is read whole', async () => {
    const cms = await buildPadesSignedData(pki.officialRsa, createHash('sha256').update('document').digest());
    // The last byte is the signature value's; set it to 0x00 as one signature in 256 has it (structure, not validity, is under test).
    cms[cms.length - 1] = 0;
    const parsed = parseCms(padded(cms, 4096));
    expect(isCmsFailure(parsed)).toBe(false);
  });

  it('data after the CMS that is not padding is PDF_CMS_MALFORMED', async () => {
    const cms = await buildPadesSignedData(pki.officialRsa, createHash('sha256').update('document').digest());
    const contents = padded(cms, 64);
    contents[cms.length + 10] = 0x41;
    expect(parseCms(contents)).toMatchObject({ code: 'PDF_CMS_MALFORMED' });
  });
});
