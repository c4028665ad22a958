/**
 * The real package inspector: the edXML library's one-pass check (safe parse, XSD, rules), the XMLDSig verdict with
 * the certificate validation behind it, and the signatures inside the documents (each attachment decoded and
 * unzipped within limits, every signed PDF verified: Decree 30/2020). The checks are handed in (src/main composes
 * src/signature's verifiers with src/pki's validator) so the exchange rules never depend on how keys are trusted.
 */
import { attachmentFiles, checkPackage, type AttachmentFile, type AttachmentLimits, type EdxmlProfile, type ParseLimits } from '../../edxml/index.js';
import type { DocumentSignaturesReport } from '../../signature/documents/index.js';
import type { SignatureReport } from '../../signature/signature-report.js';
import { inspectionOf } from './inspected-package.js';
import type { InspectedPackage, PackageInspector } from '../ports/package-inspector.js';

/**
 * Verifies the XMLDSig signature of a package and the certificate that made it. Never throws for a bad or missing
 * signature: the report says so (code SIG_MISSING when there is none); throws only when it cannot judge at all.
 */
export type PackageSignatureCheck = (bytes: Uint8Array) => Promise<SignatureReport>;

/** Verifies the signatures of the files a package carries; never throws for a bad signature (the report says so). */
export type DocumentSignatureCheck = (files: Iterable<AttachmentFile>) => Promise<DocumentSignaturesReport>;

export interface EdxmlInspectorOptions {
  verifySignature: PackageSignatureCheck;
  /** Absent: the documents' signatures are not looked at (the report says nothing of them). */
  verifyDocuments?: DocumentSignatureCheck;
  /** Limits of the attachments opened for that check (decompressed size, entries, ratio, nesting, names). */
  attachmentLimits?: Partial<AttachmentLimits>;
  /** Parse limits; maxBytes follows the gateway's package limit. */
  limits?: Partial<ParseLimits>;
  /** Which packages are accepted (EDXML_PROFILE); default field. */
  profile?: EdxmlProfile;
}

export function createEdxmlInspector(options: EdxmlInspectorOptions): PackageInspector {
  return {
    async inspect(bytes: Uint8Array): Promise<InspectedPackage> {
      // Format first: a package that is not edXML never reaches the signature code.
      const checked = checkPackage(bytes, { ...options.limits, ...(options.profile ? { profile: options.profile } : {}) });
      const signature = await options.verifySignature(bytes);
      // A hostile attachment (a zip bomb, a traversal name) refuses the package here, before anything is stored.
      // Attachments the field profile let through undecodable (warned about already) are not opened.
      const documents = options.verifyDocuments && checked.package.kind === 'edoc'
        ? await options.verifyDocuments(attachmentFiles(checked.package.attachments.filter((a) => a.isValidBase64()), options.attachmentLimits))
        : undefined;
      return inspectionOf(checked, signature, documents);
    },
  };
}
