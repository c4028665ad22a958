/** Readers for the parts both package kinds share: organisations, ResponseFor, StaffInfo, trace headers, signature. */
import type { XmlElement } from 'libxml2-wasm';
import { EdxmlError } from './edxml-error.js';
import type { Business, BusinessDocType, Organization, ResponseFor, SignatureSummary, StaffInfo, TraceHeader } from './model.js';
import { defined, type TreeReader } from './tree-reader.js';
import { childElements } from './xml-tree.js';

export function readOrganization(node: TreeReader): Organization {
  return defined({
    organId: node.text('OrganId') ?? '',
    organizationInCharge: node.text('OrganizationInCharge'),
    organName: node.text('OrganName'),
    organAdd: node.text('OrganAdd'),
    email: node.text('Email'),
    telephone: node.text('Telephone'),
    fax: node.text('Fax'),
    website: node.text('Website'),
  });
}

/** Real senders send a ResponseFor with every child empty on new documents: that means "none". */
export function readResponseFor(node: TreeReader): ResponseFor | undefined {
  const value = defined<ResponseFor>({
    organId: node.text('OrganId'),
    code: node.text('Code'),
    promulgationDate: node.text('PromulgationDate'),
    documentId: node.text('DocumentId'),
  });
  if (Object.keys(value).length > 0) return value;
  node.facts.warnings.push({ code: 'EDXML_WARN_EMPTY_RESPONSE_FOR', message: 'ResponseFor has no content and was treated as absent', line: node.line, element: 'ResponseFor' });
  return undefined;
}

export function readStaffInfo(node: TreeReader | undefined): StaffInfo | undefined {
  if (!node) return undefined;
  return defined({ department: node.text('Department'), staff: node.text('Staff'), email: node.text('Email'), mobile: node.text('Mobile') });
}

/** A TraceHeader without OrganId passes only the field profile's schema; it is read with an empty organId. */
export function readTraceHeaders(list: TreeReader | undefined): TraceHeader[] {
  if (!list) return [];
  return list.all('TraceHeader').map((h) => {
    const organ = h.one('OrganId');
    if (!organ) {
      h.facts.warnings.push({
        code: 'EDXML_WARN_TRACE_HEADER_NO_ORGAN_ID',
        message: 'A TraceHeader holds a Timestamp but no OrganId, so the hop it records names no agency; it was read as the government SDK reads it. Add the OrganId of the system that handled the package',
        line: h.line,
        element: h.path.slice(h.path.indexOf('TraceHeaderList')),
      });
    }
    return { organId: organ?.value() ?? '', timestamp: h.text('Timestamp') ?? '' };
  });
}

export function readBusiness(list: TreeReader | undefined): Business | undefined {
  const node = list?.one('Bussiness', 'Business');
  if (!node) return undefined;
  const typeNode = node.one('BussinessDocType', 'BusinessDocType');
  const raw = typeNode?.value();
  if (raw === undefined) {
    throw new EdxmlError('EDXML_RULE_MISSING_ELEMENT', `${node.element.name} has no BussinessDocType: say whether the document is new (0), a revocation (1), an update (2) or a replacement (3)`, { line: node.line, element: 'BussinessDocType' });
  }
  if (!/^[0-3]$/.test(raw)) {
    throw new EdxmlError('EDXML_RULE_BUSINESS_TYPE', `BussinessDocType "${raw.slice(0, 20)}" is not 0 (new), 1 (revoke), 2 (update) or 3 (replace)`, { line: typeNode!.line, element: 'BussinessDocType' });
  }
  const info = node.one('BussinessDocumentInfo', 'BusinessDocumentInfo');
  return defined<Business>({
    businessDocType: Number(raw) as BusinessDocType,
    documentId: node.text('DocumentId'),
    businessDocReason: node.text('BussinessDocReason', 'BusinessDocReason'),
    paper: node.text('Paper'),
    staffInfo: readStaffInfo(node.one('StaffInfo')),
    replacementInfoList: (node.one('ReplacementInfoList')?.all('ReplacementInfo') ?? []).map((r) => ({
      documentId: r.text('DocumentId') ?? '',
      organIdList: r.one('OrganIdList')?.texts('OrganId') ?? [],
    })),
    businessDocumentInfo: info
      ? defined({
          documentInfo: info.text('DocumentInfo'),
          documentReceiver: info.text('DocumentReceiver'),
          receiverList: (info.one('ReceiverList')?.all('Receiver') ?? []).map((r) => defined({ organId: r.text('OrganId') ?? '', receiverType: r.text('ReceiverType') })),
        })
      : undefined,
    spelling: node.element.name === 'Business' ? 'Business' : 'Bussiness',
  });
}

/** Presence and algorithm only; verifying the signature is the signature module's job. */
export function readSignature(header: XmlElement): SignatureSummary {
  const signature = childElements(header).find((e) => e.name === 'Signature');
  if (!signature) return { present: false };
  const signedInfo = childElements(signature).find((e) => e.name === 'SignedInfo');
  const method = signedInfo ? childElements(signedInfo).find((e) => e.name === 'SignatureMethod') : undefined;
  const algorithm = method?.attr('Algorithm')?.value;
  return defined<SignatureSummary>({ present: true, signatureAlgorithm: algorithm, namespaceUri: signature.namespaceUri || undefined });
}
