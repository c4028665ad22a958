/** Status package: a recipient's answer (StatusCode) about one document (ResponseFor). */
import { EdxmlError } from './edxml-error.js';
import { STATUS_CODES, type StatusCode, type StatusPackage } from './model.js';
import { readOrganization, readResponseFor, readSignature, readStaffInfo, readTraceHeaders } from './read-common.js';
import { defined, type TreeReader } from './tree-reader.js';

export interface StatusParts {
  message: TreeReader;
  header: TreeReader;
}

export function readStatus(parts: StatusParts): StatusPackage {
  const m = parts.message;
  const codeNode = m.one('StatusCode');
  const code = codeNode?.value();
  if (code === undefined) {
    throw new EdxmlError('EDXML_RULE_MISSING_ELEMENT', 'The status package has an empty StatusCode', { line: codeNode?.line ?? m.line, element: 'StatusCode' });
  }
  if (!Object.hasOwn(STATUS_CODES, code)) {
    throw new EdxmlError(
      'EDXML_RULE_UNKNOWN_STATUS_CODE',
      `StatusCode "${code.slice(0, 20)}" is not a QCVN 102 status: use 01 arrived, 02 rejected, 03 accepted, 04 assigned, 05 processing, 06 done, 13 take-back, 15 change accepted or 16 change refused`,
      { line: codeNode!.line, element: 'StatusCode' },
    );
  }
  const from = m.one('From');
  const responseFor = m.one('ResponseFor');
  return defined<StatusPackage>({
    kind: 'status',
    from: from ? readOrganization(from) : { organId: '' },
    responseFor: responseFor ? readResponseFor(responseFor) : undefined,
    staffInfo: readStaffInfo(m.one('StaffInfo')),
    statusCode: code as StatusCode,
    description: m.text('Description'),
    timestamp: m.text('Timestamp'),
    traceHeaders: readTraceHeaders(parts.header.one('TraceHeaderList')),
    signature: readSignature(parts.header.element),
  });
}
