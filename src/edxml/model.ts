/**
 * The typed edXML model. Names follow QCVN 102:2016 (camelCased), so someone holding the standard finds each field
 * without a map. Optional fields are absent when the package does not carry them (empty text counts as absent).
 */
import type { Attachment } from './attachment.js';
import type { EdxmlWarningCode } from './error-codes.js';

export const QCVN102_NAMESPACE = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
export const XMLDSIG_NAMESPACE = 'http://www.w3.org/2000/09/xmldsig#';
export const XLINK_NAMESPACE = 'http://www.w3.org/1999/xlink';

export interface Organization {
  organId: string;
  organizationInCharge?: string;
  organName?: string;
  organAdd?: string;
  email?: string;
  telephone?: string;
  fax?: string;
  website?: string;
}

export interface DocumentCode {
  codeNumber: string;
  codeNotation?: string;
}

export interface PromulgationInfo {
  place?: string;
  /** yyyy/MM/dd */
  promulgationDate?: string;
}

export interface DocumentType {
  type?: string;
  typeDetail?: string;
  typeName?: string;
}

export interface SignerInfo {
  competence?: string;
  position?: string;
  fullName?: string;
}

export interface OtherInfo {
  /** 0 (normal) to 4 (most urgent); absent when the package does not say. */
  priority?: number;
  sphereOfPromulgation?: string;
  typerNotation?: string;
  promulgationAmount?: string;
  pageAmount?: string;
  direction?: string;
  appendixes: string[];
}

/** A reference to the document a package answers or acts on. */
export interface ResponseFor {
  organId?: string;
  code?: string;
  /** yyyy/MM/dd */
  promulgationDate?: string;
  /** Opaque (`OrganId,yyyy/MM/dd,Number/Notation` by convention, sometimes a UUID): never parse it. */
  documentId?: string;
}

export interface TraceHeader {
  /** Empty when the sender left it out (field profile only: EDXML_WARN_TRACE_HEADER_NO_ORGAN_ID). */
  organId: string;
  /** yyyy/MM/dd HH:mm:ss, Vietnam time */
  timestamp: string;
}

export interface StaffInfo {
  department?: string;
  staff?: string;
  email?: string;
  mobile?: string;
}

export interface ReplacementInfo {
  documentId: string;
  organIdList: string[];
}

export interface Receiver {
  organId: string;
  receiverType?: string;
}

export interface BusinessDocumentInfo {
  documentInfo?: string;
  documentReceiver?: string;
  receiverList: Receiver[];
}

/** 0 new, 1 revoke, 2 update, 3 replace. */
export type BusinessDocType = 0 | 1 | 2 | 3;

export const BUSINESS_DOC_TYPES: Readonly<Record<BusinessDocType, string>> = {
  0: 'new',
  1: 'revoke',
  2: 'update',
  3: 'replace',
};

export interface Business {
  businessDocType: BusinessDocType;
  /** The original acted on, for updates (type 2). */
  documentId?: string;
  businessDocReason?: string;
  paper?: string;
  staffInfo?: StaffInfo;
  /** The originals replaced and whom for (type 3). */
  replacementInfoList: ReplacementInfo[];
  /** What an update changes and for which receivers (type 2). */
  businessDocumentInfo?: BusinessDocumentInfo;
  /** How the sender spelled the element: the standard's `Bussiness` or `Business`. */
  spelling: 'Bussiness' | 'Business';
}

export interface ManifestReference {
  contentId: string;
  contentType?: string;
  attachmentName?: string;
  description?: string;
}

export interface SignatureSummary {
  present: boolean;
  signatureAlgorithm?: string;
  /** The namespace the Signature element was written in (xmldsig, or the package's own by some senders). */
  namespaceUri?: string;
}

export interface EdocPackage {
  kind: 'edoc';
  from: Organization;
  to: Organization[];
  documentId?: string;
  code?: DocumentCode;
  promulgationInfo?: PromulgationInfo;
  documentType?: DocumentType;
  subject?: string;
  content?: string;
  signerInfo?: SignerInfo;
  /** yyyy/MM/dd */
  dueDate?: string;
  toPlaces: string[];
  otherInfo?: OtherInfo;
  steeringType?: string;
  /** Empty ResponseFor elements (every child empty) are dropped. */
  responseFor: ResponseFor[];
  traceHeaders: TraceHeader[];
  business?: Business;
  manifest: { version?: string; references: ManifestReference[] };
  attachments: Attachment[];
  signature: SignatureSummary;
}

/** The status codes of QCVN 102 + SĐ1:2022. */
export const STATUS_CODES = {
  '01': 'arrived',
  '02': 'rejected',
  '03': 'accepted',
  '04': 'assigned',
  '05': 'processing',
  '06': 'done',
  '13': 'take-back',
  '15': 'change accepted',
  '16': 'change refused',
} as const;

export type StatusCode = keyof typeof STATUS_CODES;

export interface StatusPackage {
  kind: 'status';
  from: Organization;
  /** Absent only in a package that validation rejects (EDXML_RULE_MISSING_RESPONSE_FOR). */
  responseFor?: ResponseFor;
  staffInfo?: StaffInfo;
  statusCode: StatusCode;
  description?: string;
  /** yyyy/MM/dd HH:mm:ss, Vietnam time */
  timestamp?: string;
  traceHeaders: TraceHeader[];
  signature: SignatureSummary;
}

export type EdxmlPackage = EdocPackage | StatusPackage;
export type PackageKind = EdxmlPackage['kind'];

export interface EdxmlWarning {
  code: EdxmlWarningCode;
  message: string;
  line?: number;
  element?: string;
}
