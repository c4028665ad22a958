/**
 * Writes packages the way the samples (and the government SDK) look: default namespace on edXML, the envelope
 * re-declaring it with the `edXML:` prefix, the standard's `Bussiness` spelling, AttachmentEncoded outside the
 * envelope with each file zipped and base64-encoded. Every package built is checked before it is returned.
 */
import { randomUUID } from 'node:crypto';
import { formatEdxmlDate, formatEdxmlTimestamp } from './dates.js';
import { EdxmlError } from './edxml-error.js';
import { QCVN102_NAMESPACE, type BusinessDocType, type BusinessDocumentInfo, type DocumentCode, type DocumentType, type Organization, type OtherInfo, type PromulgationInfo, type ReplacementInfo, type ResponseFor, type SignerInfo, type StaffInfo, type StatusCode, type TraceHeader } from './model.js';
import { checkPackage } from './validate-package.js';
import { XmlWriter } from './xml-writer.js';
import { zipSingleFile } from './zip-attachment.js';

export interface AttachmentInput {
  name: string;
  bytes: Uint8Array;
  /** Content type of the file; the attachment's ContentType becomes application/zip when zipped. */
  contentType?: string;
  description?: string;
  contentId?: string;
  /** Zip the file before encoding, as the SDK does (default true). */
  zip?: boolean;
}

export interface DocumentPackageInput {
  from: Organization;
  to: Organization[];
  /** Default: `From/OrganId,PromulgationDate,CodeNumber/CodeNotation`. */
  documentId?: string;
  code: DocumentCode;
  /** Default promulgation date: today, Vietnam time. */
  promulgationInfo?: PromulgationInfo;
  documentType?: DocumentType;
  subject: string;
  content?: string;
  signerInfo?: SignerInfo;
  dueDate?: string;
  toPlaces?: string[];
  otherInfo?: Partial<OtherInfo>;
  steeringType?: string;
  responseFor?: ResponseFor[];
  /** Default: one TraceHeader for the sender, now. */
  traceHeaders?: TraceHeader[];
  business?: {
    businessDocType: BusinessDocType;
    documentId?: string;
    businessDocReason?: string;
    paper?: string;
    staffInfo?: StaffInfo;
    replacementInfoList?: ReplacementInfo[];
    businessDocumentInfo?: BusinessDocumentInfo;
  };
  attachments?: AttachmentInput[];
}

export interface StatusPackageInput {
  from: Organization;
  responseFor: ResponseFor;
  staffInfo?: StaffInfo;
  statusCode: StatusCode;
  description?: string;
  /** Default: now, Vietnam time. */
  timestamp?: string;
  traceHeaders?: TraceHeader[];
}

const PROLOG = `<?xml version="1.0" encoding="UTF-8"?>\n<edXML xmlns="${QCVN102_NAMESPACE}">\n  <edXML:edXMLEnvelope xmlns:edXML="${QCVN102_NAMESPACE}">`;
const EPILOG_ENVELOPE = '  </edXML:edXMLEnvelope>';

function organization(w: XmlWriter, name: string, o: Organization): void {
  w.group(name, [['OrganId', o.organId], ['OrganizationInCharge', o.organizationInCharge], ['OrganName', o.organName], ['OrganAdd', o.organAdd], ['Email', o.email], ['Telephone', o.telephone], ['Fax', o.fax], ['Website', o.website]]);
}

function responseFor(w: XmlWriter, r: ResponseFor): void {
  w.group('ResponseFor', [['OrganId', r.organId], ['Code', r.code], ['PromulgationDate', r.promulgationDate], ['DocumentId', r.documentId]]);
}

function staffInfo(w: XmlWriter, s: StaffInfo | undefined): void {
  if (s) w.group('StaffInfo', [['Department', s.department], ['Staff', s.staff], ['Email', s.email], ['Mobile', s.mobile]]);
}

function traceHeaderList(w: XmlWriter, headers: TraceHeader[], business: DocumentPackageInput['business']): void {
  if (headers.length === 0 && !business) return;
  w.open('TraceHeaderList');
  for (const h of headers) w.group('TraceHeader', [['OrganId', h.organId], ['Timestamp', h.timestamp]]);
  if (business) {
    w.open('Bussiness').leaf('DocumentId', business.documentId).leaf('BussinessDocType', business.businessDocType).leaf('BussinessDocReason', business.businessDocReason).leaf('Paper', business.paper);
    const info = business.businessDocumentInfo;
    if (info) {
      w.open('BussinessDocumentInfo').leaf('DocumentInfo', info.documentInfo).leaf('DocumentReceiver', info.documentReceiver);
      if (info.receiverList.length > 0) {
        w.open('ReceiverList');
        for (const r of info.receiverList) w.group('Receiver', [['OrganId', r.organId], ['ReceiverType', r.receiverType]]);
        w.close('ReceiverList');
      }
      w.close('BussinessDocumentInfo');
    }
    if (business.replacementInfoList && business.replacementInfoList.length > 0) {
      w.open('ReplacementInfoList');
      for (const r of business.replacementInfoList) {
        w.open('ReplacementInfo').leaf('DocumentId', r.documentId).open('OrganIdList');
        for (const id of r.organIdList) w.leaf('OrganId', id);
        w.close('OrganIdList').close('ReplacementInfo');
      }
      w.close('ReplacementInfoList');
    }
    staffInfo(w, business.staffInfo);
    w.close('Bussiness');
  }
  w.close('TraceHeaderList');
}

interface PreparedAttachment {
  contentId: string;
  name: string;
  contentType: string;
  description?: string;
  base64: Buffer;
}

function prepare(a: AttachmentInput): PreparedAttachment {
  if (!a.name) throw new EdxmlError('EDXML_BUILD_INVALID', 'Every attachment needs a file name', { element: 'AttachmentName' });
  const zip = a.zip ?? true;
  const payload = zip ? zipSingleFile(a.name, a.bytes) : a.bytes;
  const prepared: PreparedAttachment = {
    contentId: a.contentId ?? `cid:${randomUUID()}`,
    name: a.name,
    contentType: zip ? 'application/zip' : (a.contentType ?? 'application/octet-stream'),
    base64: Buffer.from(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('base64'), 'latin1'),
  };
  if (a.description !== undefined) prepared.description = a.description;
  return prepared;
}

export function buildDocumentPackage(model: DocumentPackageInput): Buffer {
  const now = new Date();
  const promulgationDate = model.promulgationInfo?.promulgationDate ?? formatEdxmlDate(now);
  const notation = model.code.codeNotation ? `/${model.code.codeNotation}` : '';
  const documentId = model.documentId ?? `${model.from.organId},${promulgationDate},${model.code.codeNumber}${notation}`;
  const attachments = (model.attachments ?? []).map(prepare);
  const w = new XmlWriter('edXML:', 2);
  w.open('edXMLHeader').open('MessageHeader');
  organization(w, 'From', model.from);
  for (const to of model.to) organization(w, 'To', to);
  w.leaf('DocumentId', documentId);
  w.group('Code', [['CodeNumber', model.code.codeNumber], ['CodeNotation', model.code.codeNotation]]);
  w.group('PromulgationInfo', [['Place', model.promulgationInfo?.place], ['PromulgationDate', promulgationDate]]);
  if (model.documentType) w.group('DocumentType', [['Type', model.documentType.type], ['TypeDetail', model.documentType.typeDetail], ['TypeName', model.documentType.typeName]]);
  w.leaf('Subject', model.subject).leaf('Content', model.content);
  if (model.signerInfo) w.group('SignerInfo', [['Competence', model.signerInfo.competence], ['Position', model.signerInfo.position], ['FullName', model.signerInfo.fullName]]);
  w.leaf('DueDate', model.dueDate);
  if (model.toPlaces && model.toPlaces.length > 0) {
    w.open('ToPlaces');
    for (const place of model.toPlaces) w.leaf('Place', place);
    w.close('ToPlaces');
  }
  otherInfo(w, model.otherInfo);
  for (const r of model.responseFor ?? []) responseFor(w, r);
  w.leaf('SteeringType', model.steeringType);
  w.close('MessageHeader');
  traceHeaderList(w, model.traceHeaders ?? [{ organId: model.from.organId, timestamp: formatEdxmlTimestamp(now) }], model.business ?? { businessDocType: 0 });
  w.close('edXMLHeader').open('edXMLBody').open('edXMLManifest', ' version="1.0"');
  for (const a of attachments) w.group('Reference', [['ContentId', a.contentId], ['ContentType', a.contentType], ['Description', a.description], ['AttachmentName', a.name]]);
  w.close('edXMLManifest').close('edXMLBody');
  const pieces: Buffer[] = [Buffer.from(`${PROLOG}\n${w.toString()}\n${EPILOG_ENVELOPE}\n`, 'utf8')];
  if (attachments.length > 0) {
    pieces.push(Buffer.from('  <AttachmentEncoded>\n', 'utf8'));
    for (const a of attachments) {
      const meta = new XmlWriter('', 2).open('Attachment').leaf('ContentId', a.contentId).leaf('AttachmentName', a.name).leaf('Description', a.description).leaf('ContentType', a.contentType);
      pieces.push(Buffer.from(`${meta.toString()}\n      <edXML:ContentTransferEncoded xmlns:edXML="${QCVN102_NAMESPACE}">`, 'utf8'), a.base64, Buffer.from('</edXML:ContentTransferEncoded>\n    </Attachment>\n', 'utf8'));
    }
    pieces.push(Buffer.from('  </AttachmentEncoded>\n', 'utf8'));
  }
  pieces.push(Buffer.from('</edXML>\n', 'utf8'));
  return checked(Buffer.concat(pieces));
}

function otherInfo(w: XmlWriter, o: Partial<OtherInfo> | undefined): void {
  if (!o) return;
  w.open('OtherInfo').leaf('Priority', o.priority).leaf('SphereOfPromulgation', o.sphereOfPromulgation).leaf('TyperNotation', o.typerNotation).leaf('PromulgationAmount', o.promulgationAmount).leaf('PageAmount', o.pageAmount).leaf('Direction', o.direction);
  if (o.appendixes && o.appendixes.length > 0) {
    w.open('Appendixes');
    for (const a of o.appendixes) w.leaf('Appendix', a);
    w.close('Appendixes');
  }
  w.close('OtherInfo');
}

export function buildStatusPackage(model: StatusPackageInput): Buffer {
  const w = new XmlWriter('edXML:', 2);
  w.open('edXMLHeader').open('MessageHeader');
  organization(w, 'From', model.from);
  responseFor(w, model.responseFor);
  staffInfo(w, model.staffInfo);
  w.leaf('StatusCode', model.statusCode).leaf('Description', model.description).leaf('Timestamp', model.timestamp ?? formatEdxmlTimestamp());
  w.close('MessageHeader');
  traceHeaderList(w, model.traceHeaders ?? [], undefined);
  w.close('edXMLHeader');
  return checked(Buffer.from(`${PROLOG}\n${w.toString()}\n${EPILOG_ENVELOPE}\n</edXML>\n`, 'utf8'));
}

/** A builder never hands out a package the gateway would refuse: the same checks run on the result. */
function checked(bytes: Buffer): Buffer {
  checkPackage(bytes);
  return bytes;
}

