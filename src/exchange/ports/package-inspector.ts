/**
 * The inspector port: what the exchange rules need to know about a package, whatever reads it. The real inspector
 * composes the edXML library and the XMLDSig verifier (inspection/edxml-package-inspector.ts, run in threads by
 * src/main/inspector-pool.ts); the rules never touch XML themselves.
 */
import type { DocumentSignaturesReport } from '../../signature/documents/index.js';
import type { SignatureReport } from '../../signature/signature-report.js';
import type { BusinessType, EnvelopeKind, StatusCode } from '../model/index.js';

export interface InspectedPackage {
  kind: EnvelopeKind;
  fromOrganId: string;
  /** Document packages: the To agencies, in order, without repeats. Status packages: empty (the axis routes them). */
  toOrganIds: string[];
  /** The package's own DocumentId (document packages). */
  documentId?: string;
  codeNumber?: string;
  codeNotation?: string;
  subject?: string;
  /** Document packages: OtherInfo/Priority, 0 thường to 4 hỏa tốc hẹn giờ (the Decree 30 time limit depends on it). */
  priority?: number;
  /** Document packages: 0 new, 1 revoke, 2 update, 3 replace (absent Bussiness counts as 0). */
  businessType?: BusinessType;
  /**
   * The DocumentIds of the originals a revoke/update/replace acts on, each read where its type carries it:
   * revoke from MessageHeader/ResponseFor, update from Bussiness/DocumentId, replace from
   * ReplacementInfoList/ReplacementInfo/DocumentId. Empty for new documents and status packages.
   */
  references: string[];
  /** Status packages: the document reported on and the agency the status answers. */
  responseFor?: { organId?: string; documentId?: string };
  statusCode?: StatusCode;
  warnings: { code: string; message: string }[];
  /** The XMLDSig verdict; code SIG_MISSING when the package carries no signature. */
  signature: SignatureReport;
  /** The signatures inside the documents (PDFs) of a document package, when the inspector checks them. */
  documents?: DocumentSignaturesReport;
}

export interface InspectOptions {
  /** The caller will not read these bytes again: an inspector may take them over (move them to another thread). */
  disposable?: boolean;
}

export interface PackageInspector {
  /** Throws an AxisError (EDXML_*, SIG_* for unreadable signatures) when the bytes are not an acceptable package. */
  inspect(bytes: Uint8Array, options?: InspectOptions): Promise<InspectedPackage>;
}
