/**
 * What the document-signature check (issue 20) costs the gateway: one edXML package carrying one 1 MiB PDF, signed
 * by an official and sealed by the agency, zipped as the SDK zips it, the package itself XMLDSig-signed. Measured in
 * one process, certificate verdicts warm (as the gateway's cache keeps them): the reference is the XMLDSig check of
 * the same package (what every package already pays), then the document check (open the attachments, verify every
 * signed PDF), and the SHA-256 of the PDF's bytes as a machine-independent yardstick; at 1 and 4 MiB, so the fixed
 * per-package cost and the per-MiB cost can be told apart.
 * `npm run bench:documents`; `npm run bench:gateway` integration (accepted packages/s) is wired with the gateway.
 */
import { createHash } from 'node:crypto';
import { attachmentFiles, buildDocumentPackage, parsePackage, type EdocPackage } from '../src/edxml/index.js';
import { createCertificateValidator } from '../src/pki/index.js';
import { generateTestPki, testSigner } from '../src/pki/test-pki/index.js';
import { verifyDocumentSignatures } from '../src/signature/documents/index.js';
import { signPdf } from '../src/signature/pdf/index.js';
import { cachingValidator, signPackage, verifyPackage } from '../src/signature/index.js';
import { scanPdf as pdfOf } from './scan-pdf.js';
import { median, timeMs } from './timing.js';

const MiB = 1024 * 1024;


interface Measured { pkgMiB: number; pdfMiB: number; xmldsigMs: number; documentsMs: number; openMs: number; shaMs: number }

async function measure(pki: Awaited<ReturnType<typeof generateTestPki>>, pdfBytes: number): Promise<Measured> {
  const official = await signPdf(pdfOf(pdfBytes), testSigner(pki.identities['official-rsa']));
  const sealed = await signPdf(official, testSigner(pki.identities['agency-rsa']));
  const unsigned = buildDocumentPackage({
    from: { organId: '000.00.00.H40', organName: 'UBND tỉnh Hà Nam' },
    to: [{ organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' }],
    code: { codeNumber: '12', codeNotation: 'QĐ-UBND' },
    subject: 'Quyết định có chữ ký số của người có thẩm quyền và của cơ quan',
    attachments: [{ name: 'quyet-dinh.pdf', bytes: sealed }],
  });
  const pkg = await signPackage(unsigned, testSigner(pki.identities['agency-rsa']), { includeChain: true });
  const validator = cachingValidator(createCertificateValidator({ trustAnchors: [pki.root.certificate], crls: [pki.crls.root, pki.crls.subordinate], ocsp: false }));
  const policy = { offline: true };
  // The gateway's inspector has parsed the package already (checkPackage): the document check starts from it.
  const parsed = parsePackage(pkg) as EdocPackage;
  const xmldsig = () => verifyPackage(pkg, { validator, policy });
  const documents = () => verifyDocumentSignatures(attachmentFiles(parsed.attachments), { validator, policy });
  const check = await documents();
  const envelope = await xmldsig();
  if (!envelope.valid || check.summary.valid !== 2 || check.summary.officials !== 1 || check.summary.agencySeals !== 1) {
    throw new Error(`the bench package does not verify: ${envelope.code}, ${JSON.stringify(check.summary)}`);
  }
  const iterations = Math.max(10, Math.round(60 / (pdfBytes / MiB)));
  for (let k = 0; k < 5; k++) { await xmldsig(); await documents(); } // warm: JIT, parsed certificates, chain cache
  return {
    pkgMiB: pkg.length / MiB,
    pdfMiB: sealed.length / MiB,
    xmldsigMs: await timeMs(iterations, xmldsig),
    documentsMs: await timeMs(iterations, documents),
    openMs: await timeMs(iterations, () => [...attachmentFiles(parsed.attachments)]),
    shaMs: await timeMs(iterations, () => createHash('sha256').update(sealed).digest()),
  };
}

async function main(): Promise<void> {
  const pki = await generateTestPki({ baseUrl: 'http://127.0.0.1:9' });
  const results: Measured[] = [];
  for (const size of [MiB, 4 * MiB]) {
    const m = await measure(pki, size);
    results.push(m);
    console.log(`\npackage ${m.pkgMiB.toFixed(2)} MiB, one PDF of ${m.pdfMiB.toFixed(2)} MiB signed by an official and sealed (zipped as the SDK does), median`);
    const rows = [
      ['reference: XMLDSig check of the package', m.xmldsigMs],
      ['document check (unzip + verify both PDF signatures)', m.documentsMs],
      ['  of which: base64 + unzip', m.openMs],
      ['SHA-256 of the PDF (yardstick)', m.shaMs],
    ] as const;
    for (const [what, ms] of rows) console.log(`${what.padEnd(54)} ${ms.toFixed(2).padStart(7)} ms/package  ${(ms / m.pdfMiB).toFixed(2).padStart(7)} ms/MiB of PDF`);
    console.log(`document check = ${(m.documentsMs / m.xmldsigMs).toFixed(1)}x the XMLDSig check, ${(m.documentsMs / m.shaMs).toFixed(0)}x the SHA-256 of the PDF`);
  }
  const [small, large] = results as [Measured, Measured];
  const perMiB = (large.documentsMs - small.documentsMs) / (large.pdfMiB - small.pdfMiB);
  console.log(`\nfrom the two sizes: ~${(small.documentsMs - perMiB * small.pdfMiB).toFixed(1)} ms per package (two signatures: CMS, certificates, chain verdicts) + ~${perMiB.toFixed(1)} ms per MiB of PDF`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
