/** The flat view of a package that `edx inspect` prints (its JSON shape is a contract for other tools). */
import type { EdxmlPackage, ResponseFor, SignatureSummary } from './model.js';

export interface PackageSummary {
  kind: 'edoc' | 'status';
  from: { organId: string; organName: string | null };
  to: { organId: string; organName: string | null }[];
  documentId: string | null;
  code: { number: string | null; notation: string | null };
  promulgation: { place: string | null; date: string | null };
  documentType: { type: string | null; typeDetail: string | null; typeName: string | null };
  subject: string | null;
  priority: number | null;
  businessType: number | null;
  responseFor: ResponseFor[];
  statusCode: string | null;
  description: string | null;
  timestamp: string | null;
  attachments: { contentId: string; name: string | null; contentType: string | null; description: string | null; size: number | null }[];
  signature: SignatureSummary;
}

export function summarizePackage(pkg: EdxmlPackage): PackageSummary {
  const org = (o: { organId: string; organName?: string }) => ({ organId: o.organId, organName: o.organName ?? null });
  if (pkg.kind === 'status') {
    return {
      kind: 'status',
      from: org(pkg.from),
      to: [],
      documentId: null,
      code: { number: null, notation: null },
      promulgation: { place: null, date: null },
      documentType: { type: null, typeDetail: null, typeName: null },
      subject: null,
      priority: null,
      businessType: null,
      responseFor: pkg.responseFor ? [pkg.responseFor] : [],
      statusCode: pkg.statusCode,
      description: pkg.description ?? null,
      timestamp: pkg.timestamp ?? null,
      attachments: [],
      signature: pkg.signature,
    };
  }
  return {
    kind: 'edoc',
    from: org(pkg.from),
    to: pkg.to.map(org),
    documentId: pkg.documentId ?? null,
    code: { number: pkg.code?.codeNumber ?? null, notation: pkg.code?.codeNotation ?? null },
    promulgation: { place: pkg.promulgationInfo?.place ?? null, date: pkg.promulgationInfo?.promulgationDate ?? null },
    documentType: { type: pkg.documentType?.type ?? null, typeDetail: pkg.documentType?.typeDetail ?? null, typeName: pkg.documentType?.typeName ?? null },
    subject: pkg.subject ?? null,
    priority: pkg.otherInfo?.priority ?? null,
    businessType: pkg.business?.businessDocType ?? null,
    responseFor: pkg.responseFor,
    statusCode: null,
    description: null,
    timestamp: null,
    attachments: pkg.attachments.map((a) => ({
      contentId: a.contentId,
      name: a.name ?? null,
      contentType: a.contentType ?? null,
      description: a.description ?? null,
      size: a.isValidBase64() ? a.decodedSize() : null,
    })),
    signature: pkg.signature,
  };
}
