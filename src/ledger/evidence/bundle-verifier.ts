/**
 * Verifies an evidence bundle offline (`edx evidence verify FILE.zip --trust DIR`): opens the zip in memory within
 * limits, then checks every part against the trust anchors given (never against anything the bundle says about
 * itself) and returns one verdict per part and a result: valid, altered (naming the part), or could-not-check.
 * Bad input of any kind gives a verdict, never a throw.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { isAxisError } from '../../errors/axis-error.js';
import { certificatesDer } from '../../pki/certificate-parse.js';
import { MANIFEST_FILE, parseManifest, README_FILE, type EvidenceManifest } from './bundle-manifest.js';
import { checkCheckpoints } from './checkpoint-checks.js';
import { conclude, infoPart, part, type EvidenceVerdict, type PartVerdict } from './evidence-verdict.js';
import { checkPackages, checkReceipts } from './receipt-checks.js';
import { DEFAULT_ZIP_LIMITS, readZip, type ZipLimits } from './zip-reader.js';

type CertInput = X509Certificate | Uint8Array;

export interface EvidenceTrust {
  /** The axis roots (and the TSA roots too, unless tsaTrustAnchors is given): `--trust DIR`. */
  trustAnchors: readonly CertInput[];
  tsaTrustAnchors?: readonly CertInput[];
  /** Ed25519 checkpoint verifier keys the reader trusts (the bundle's own copy is never trusted). */
  noteVerifierKeys?: readonly string[];
  /** The log the checkpoints must come from (default: the origin the manifest names). */
  origin?: string;
  limits?: Partial<ZipLimits>;
  /** A deeper check of each package (its XML signatures, offline with the bundled CRL/OCSP), from the caller. */
  checkPackage?: (input: { envelopeId: string; file: string; bytes: Buffer; files: ReadonlyMap<string, Buffer>; manifest: EvidenceManifest }) => Promise<PartVerdict>;
}

function certificatesIn(files: ReadonlyMap<string, Buffer>, paths: readonly string[]): X509Certificate[] {
  const found: X509Certificate[] = [];
  for (const path of paths) {
    const bytes = files.get(path);
    if (!bytes) continue;
    try {
      found.push(...certificatesDer(bytes).map((der) => new X509Certificate(der)));
    } catch {
      // An unreadable certificate is simply not used; the check that needed it says so.
    }
  }
  return found;
}

function fileParts(files: ReadonlyMap<string, Buffer>, manifest: EvidenceManifest): PartVerdict[] {
  const parts: PartVerdict[] = [];
  for (const [path, listed] of Object.entries(manifest.files)) {
    const bytes = files.get(path);
    if (!bytes) parts.push(part('file', path, 'EVIDENCE_FILE_MISSING', `${path} is listed in manifest.json but is not in the bundle: it was removed.`));
    else if (createHash('sha256').update(bytes).digest('hex') !== listed.sha256.toLowerCase()) parts.push(part('file', path, 'EVIDENCE_FILE_CHANGED', `${path} does not match the SHA-256 manifest.json lists for it: it was changed or damaged.`));
  }
  for (const path of files.keys()) {
    if (path !== MANIFEST_FILE && path !== README_FILE && !(path in manifest.files)) parts.push(part('file', path, 'EVIDENCE_FILE_UNLISTED', `${path} is not listed in manifest.json: it was added after the bundle was made.`));
  }
  return parts;
}

function informational(manifest: EvidenceManifest): PartVerdict[] {
  const reports = manifest.packages.flatMap((p) => (p.report ? [infoPart('report', p.report, 'Kết quả kiểm tra chữ ký do trục ghi lúc nhận gói tin (tham khảo, không được ký).', 'The signature check the axis recorded on receipt (for information; not signed).')] : []));
  const certificates = [...manifest.certificates.axis, ...manifest.certificates.tsa, ...manifest.certificates.signers].map((path) => infoPart('certificate', path, 'Chứng thư đi kèm (chỉ được tin khi dẫn về gốc tin cậy đã cung cấp).', 'An attached certificate (trusted only through the anchors given).'));
  const revocation = [...manifest.revocation.crls, ...manifest.revocation.ocspResponses].map((path) => infoPart('revocation', path, 'Dữ liệu thu hồi chứng thư đã dùng khi kiểm tra chữ ký gói tin.', 'Revocation data used when the package signatures were checked.'));
  return [...reports, ...certificates, ...revocation];
}

async function verifyOpened(files: Map<string, Buffer>, trust: EvidenceTrust): Promise<EvidenceVerdict> {
  const manifestBytes = files.get(MANIFEST_FILE);
  let manifest: EvidenceManifest;
  try {
    if (!manifestBytes) return conclude([part('bundle', MANIFEST_FILE, 'EVIDENCE_MANIFEST_INVALID', 'The bundle has no manifest.json: it is not an evidence bundle.')]);
    manifest = parseManifest(manifestBytes);
  } catch (error) {
    return conclude([part('bundle', MANIFEST_FILE, 'EVIDENCE_MANIFEST_INVALID', isAxisError(error) ? error.message : 'manifest.json cannot be read.')]);
  }
  const origin = trust.origin ?? manifest.origin;
  const checked = await checkCheckpoints({
    files, manifest, origin,
    axisCertificates: certificatesIn(files, manifest.certificates.axis),
    tsaCertificates: certificatesIn(files, manifest.certificates.tsa),
    trustAnchors: trust.trustAnchors,
    tsaTrustAnchors: trust.tsaTrustAnchors ?? trust.trustAnchors,
    noteVerifierKeys: trust.noteVerifierKeys ?? [],
  });
  const receipts = checkReceipts({ files, manifest, trustAnchors: trust.trustAnchors, checkpoints: checked.checkpoints });
  const packages = checkPackages(files, manifest, receipts.valid);
  const deeper: PartVerdict[] = [];
  if (trust.checkPackage) {
    for (const entry of manifest.packages) {
      const bytes = files.get(entry.file);
      if (bytes) deeper.push(await trust.checkPackage({ envelopeId: entry.envelopeId, file: entry.file, bytes, files, manifest }));
    }
  }
  // Specific checks first: the summary names the first altered part, and "receipt hash mismatch" says more than
  // "file digest mismatch" about the same file.
  return conclude([...checked.parts, ...receipts.parts, ...packages, ...deeper, ...fileParts(files, manifest), ...informational(manifest)], manifest.documentId);
}

export async function verifyEvidenceBundle(zip: Uint8Array, trust: EvidenceTrust): Promise<EvidenceVerdict> {
  let files: Map<string, Buffer>;
  try {
    files = readZip(zip, { ...DEFAULT_ZIP_LIMITS, ...trust.limits });
  } catch (error) {
    const code = isAxisError(error) ? error.code : 'EVIDENCE_ZIP_CORRUPT';
    return conclude([part('bundle', 'bundle', code, isAxisError(error) ? error.message : 'The bundle cannot be opened.', 'could-not-check')]);
  }
  try {
    return await verifyOpened(files, trust);
  } catch (error) {
    // A check that throws is a bug, not the bundle's fault: still a verdict, and the reason kept for the operator.
    return conclude([part('bundle', 'bundle', 'EVIDENCE_CHECK_FAILED', `The bundle could not be checked: ${error instanceof Error ? error.message : String(error)}.`, 'could-not-check')]);
  }
}
