/** Maps a checked edXML package (src/edxml) to what the exchange rules read: the pure half of the real inspector. */
import type { CheckedPackage, EdocPackage } from '../../edxml/index.js';
import type { DocumentSignaturesReport } from '../../signature/documents/index.js';
import type { SignatureReport } from '../../signature/signature-report.js';
import type { InspectedPackage } from '../ports/package-inspector.js';

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.length > 0))];
}

/** Where each business type carries its original (see the samples README): never one place for all. */
export function referencesOf(pkg: EdocPackage): string[] {
  switch (pkg.business?.businessDocType) {
    case 1:
      return unique(pkg.responseFor.map((r) => r.documentId));
    case 2:
      return unique([pkg.business.documentId]);
    case 3:
      return unique(pkg.business.replacementInfoList.map((r) => r.documentId));
    default:
      return [];
  }
}

/** OtherInfo/Priority as QCVN 102 defines it (0 to 4); anything else the field profile let through is not kept. */
function isPriority(value: number | undefined): value is number {
  return value !== undefined && Number.isInteger(value) && value >= 0 && value <= 4;
}

export function inspectionOf(checked: CheckedPackage, signature: SignatureReport, documents?: DocumentSignaturesReport): InspectedPackage {
  const pkg = checked.package;
  const warnings = checked.warnings.map((w) => ({ code: w.code, message: w.message }));
  if (pkg.kind === 'status') {
    return {
      kind: 'status',
      fromOrganId: pkg.from.organId,
      toOrganIds: [],
      references: [],
      ...(pkg.responseFor ? { responseFor: { ...(pkg.responseFor.organId ? { organId: pkg.responseFor.organId } : {}), ...(pkg.responseFor.documentId ? { documentId: pkg.responseFor.documentId } : {}) } } : {}),
      statusCode: pkg.statusCode,
      warnings,
      signature,
    };
  }
  return {
    kind: 'edoc',
    fromOrganId: pkg.from.organId,
    toOrganIds: unique(pkg.to.map((o) => o.organId)),
    ...(pkg.documentId ? { documentId: pkg.documentId } : {}),
    ...(pkg.code?.codeNumber ? { codeNumber: pkg.code.codeNumber } : {}),
    ...(pkg.code?.codeNotation ? { codeNotation: pkg.code.codeNotation } : {}),
    ...(pkg.subject ? { subject: pkg.subject } : {}),
    ...(isPriority(pkg.otherInfo?.priority) ? { priority: pkg.otherInfo.priority } : {}),
    businessType: pkg.business?.businessDocType ?? 0,
    references: referencesOf(pkg),
    warnings,
    signature,
    ...(documents ? { documents } : {}),
  };
}
